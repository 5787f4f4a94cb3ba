"""`untoc sweep` in processes of its own, for the crash test.

Started once, it imports everything and prints `ready`; then each line `go <date>` on stdin
forks a child that runs `untoc sweep --as-of <date>` (the command itself, with the settings
of the environment; the test may SIGKILL it at any moment), and the parent answers `pid <n>`
at once and `exit <status>` when the child ends. `go <date> <now>` runs the same sweep with
the clock handed in (the test's "an hour later"). Forking from a warm parent keeps each run
cheap, so the test can kill many of them.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import date, datetime


def main() -> None:
    from untoc_workflow.cli import app
    from untoc_workflow.notify import run_sweep
    from untoc_workflow.settings import load_settings
    from untoc_workflow.store import open_store

    load_settings()  # fail here, not in every child, if the environment is wrong
    print("ready", flush=True)
    for line in sys.stdin:
        _, day, *now = line.split()
        pid = os.fork()
        if pid == 0:  # the sweep process: its own store connections and SMTP session
            status = 0
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)  # the command's report must not mix with the protocol
            try:
                if now:
                    store = open_store(load_settings().database_url)
                    run_sweep(store, date.fromisoformat(day), datetime.fromisoformat(now[0]))
                    store.close()
                else:
                    app(["sweep", "--as-of", day], standalone_mode=False)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                traceback.print_exc()
                status = 1
            os._exit(status)
        print(f"pid {pid}", flush=True)
        _, wait_status = os.waitpid(pid, 0)
        print(f"exit {wait_status}", flush=True)


if __name__ == "__main__":
    main()
