"""`untoc flows worker`: Prefect's process worker (`prefect worker start`), stopped promptly.

Asked to stop (SIGTERM), Prefect's worker first sends its last events ("worker stopped")
to the server, and waits for them: its events client tries each one eleven times, about
8 s when the server refuses the connection and 10 s a try more when its machine does not
answer at all, and no setting bounds that (Prefect 3.8.8). With the server down a worker
therefore ignored SIGTERM for 30 s, once for over 4 minutes. This wrapper runs the worker
as a child, passes SIGTERM (or Ctrl-C) on to it once, and if the worker has not exited
`--stop-timeout` seconds later, kills the worker process. Nothing is lost by that: the
events it could not deliver were lost anyway, and the flow-run processes it started are
processes of their own that go on reporting their runs (a run left claimed is what
`untoc flows sync --stale-after` replaces, docs/scaling-out.md).

Run as `python -m flows.worker [--stop-timeout S] -- ARGS` (`untoc flows worker` execs it,
so the waiting wrapper holds only a bare Python, not the CLI): ARGS go to `prefect worker
start` unchanged. Deliberately imports neither Prefect nor the project.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

STOP_TIMEOUT = 5.0  # seconds a worker gets to stop by itself once asked


def prefect_command() -> str:
    """The `prefect` script beside this Python (the project's virtual environment)."""
    beside = Path(sys.executable).parent / "prefect"
    return str(beside) if beside.exists() else "prefect"


def run_worker(args: list[str], stop_timeout: float = STOP_TIMEOUT) -> int:
    """Run `prefect worker start ARGS` until it exits; its exit code (or -signal)."""
    # its own process group: a Ctrl-C at the terminal reaches this wrapper only, which
    # passes it on once (Prefect's worker kills itself at a second interrupt)
    worker = subprocess.Popen([prefect_command(), "worker", "start", *args], process_group=0)
    asked: list[float] = []  # when the first SIGTERM or SIGINT came

    def ask_to_stop(_signum: int, _frame: FrameType | None) -> None:
        if not asked:
            asked.append(time.monotonic())
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)
    while True:
        try:
            # short waits: a signal handled during a wait does not end it
            return worker.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            if asked and time.monotonic() - asked[0] > stop_timeout:
                break
    # the worker alone: its flow-run processes finish and report by themselves
    print(
        f"the worker did not stop within {stop_timeout:g} s of SIGTERM (its last events "
        "were not delivered: is the Prefect server down?); killed",
        file=sys.stderr,
        flush=True,
    )
    worker.kill()
    return worker.wait()


def main(argv: list[str]) -> int:
    stop_timeout = STOP_TIMEOUT
    if argv[:1] == ["--stop-timeout"]:
        stop_timeout, argv = float(argv[1]), argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    code = run_worker(argv, stop_timeout)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
