"""The sweep in processes of its own, for the crash test.

Started once, it imports everything, loads the definition and prints `ready`; then each
line `go <date>` on stdin forks a child that sweeps that date (the test may SIGKILL it at
any moment), and the parent answers `pid <n>` at once and `exit <status>` when the child
ends. Forking keeps each run cheap, so the test can kill many of them.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, date, datetime
from pathlib import Path


def main() -> None:
    db_url, notify_url = sys.argv[1], sys.argv[2]
    from untoc_workflow.definitions import load_process
    from untoc_workflow.notify import AppriseMail, Notifier, sweep
    from untoc_workflow.settings import Contact, Settings
    from untoc_workflow.store import open_store

    settings = Settings(
        database_url=db_url,
        notify_url=notify_url,
        process_defs=Path(__file__).resolve().parents[2] / "untoc_workflow" / "process_defs",
        outbox_dir=Path("outbox"),
        secretariat=Contact("secretariat.review@example.org", "Secretariat", "en"),
        cop_presidency=Contact("cop.presidency@example.org", "Presidency", "en"),
        sender="untoc.review@example.org",
    )
    notifier = Notifier(load_process(), settings)
    for language in ("en", "fr", "es"):  # compile templates once, before forking
        for name in (
            "step_reminder",
            "step_due",
            "step_overdue",
            "consultation_overdue",
            "escalation_mission",
            "focal_point_missing",
            "escalation_presidency",
        ):
            notifier.templates.text_env.get_template(f"{language}/{name}.j2")
            notifier.templates.html_env.get_template(f"{language}/{name}.j2")
    print("ready", flush=True)
    for line in sys.stdin:
        _, day = line.split()
        pid = os.fork()
        if pid == 0:  # the sweep process: its own store connections and SMTP session
            status = 0
            try:
                store = open_store(db_url)
                transport = AppriseMail(notify_url)
                sweep(store, notifier, transport, date.fromisoformat(day), datetime.now(UTC))
                transport.close()
                store.close()
            except BaseException:
                traceback.print_exc()
                status = 1
            os._exit(status)
        print(f"pid {pid}", flush=True)
        _, wait_status = os.waitpid(pid, 0)
        print(f"exit {wait_status}", flush=True)


if __name__ == "__main__":
    main()
