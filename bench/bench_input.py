"""Benchmark bad input at scale: the old reader and the new one, in the same run.

    .venv/bin/python bench/bench_input.py                  # a 200 MB mechanism file
    .venv/bin/python bench/bench_input.py --mb 20 --old-commit a29a468

Cases, each imported into a fresh SQLite store by a new process (so its peak RSS is its
own), under a cap on its address space and on its time:
  error_at_end      a 200 MB file whose last event names an unknown review
  key_after_events  the same file with `"format"` written again after the events list
  dev_zero          `untoc import /dev/zero`
  billion_laughs    the 460-byte anchor bomb of tests/store/hostile/

`old` runs the package as it was at --old-commit (extracted with `git archive`), `new`
the working tree. A run that reaches the cap or the time limit is reported as such: the
old reader needed over 10 GB and 434 s for key_after_events on an uncapped machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def child(file: str, db: str) -> None:
    """Import `file` into the store at `db`, print what happened as one JSON line."""
    from untoc_workflow.errors import InputError
    from untoc_workflow.store import open_store

    store = open_store(f"sqlite:///{db}")
    started = time.perf_counter()
    try:
        outcome = f"imported: {store.import_file(file)}"
    except InputError as exc:
        lines = exc.render().splitlines()
        outcome = "refused: " + " / ".join(lines[:2])
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "rss_mb": round(rss), "outcome": outcome}))


def _capped(cap_mb: int):
    def limit() -> None:
        cap = cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return limit


def run_case(code: Path, file: str, cap_mb: int, timeout: int) -> dict:
    """One import by the package in `code`, in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(code)}
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", file, str(Path(tmp) / "untoc.db")],
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                preexec_fn=_capped(cap_mb),
                cwd=tmp,
            )
        except subprocess.TimeoutExpired:
            return {"seconds": timeout, "outcome": f"still running after {timeout} s: stopped"}
        wall = round(time.perf_counter() - started, 2)  # with Python's start, about 1 s
        for line in reversed(proc.stdout.splitlines()):
            if line.startswith("{"):
                return {**json.loads(line), "seconds": wall}
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        memory = "MemoryError" in proc.stderr
        return {
            "seconds": wall,
            "rss_mb": f">{cap_mb}" if memory else "?",
            "outcome": f"crashed (exit {proc.returncode}): {last[:120]}",
        }


def old_package(commit: str, into: Path) -> Path:
    """The package as it was at `commit`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "untoc_workflow"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def make_files(folder: Path, mb: int) -> dict[str, str]:
    sys.path.insert(0, str(HERE))
    from generate import generate, write

    # bench/generate.py writes about 170 bytes per event with 10,000 reviews
    events = max(1000, int(mb * 1024 * 1024 / 168))
    reviews = max(100, events // 100)
    doc = generate(reviews, events)
    doc["events"][-1] = {**doc["events"][-1], "review": "C9-G9-XXX-99999"}
    doc["events"][-1].pop("party", None)
    doc["events"][-1]["type"] = "saq_submitted"
    for key in list(doc["events"][-1]):
        if key not in ("on", "type", "review"):
            del doc["events"][-1][key]
    end = folder / "error_at_end.json"
    write(doc, end)
    del doc
    repeated = folder / "key_after_events.json"
    text = end.read_text(encoding="utf-8")
    assert text.endswith("]}\n")
    repeated.write_text(text[:-2] + ',\n"format": "untoc-mechanism/1"}\n', encoding="utf-8")
    del text
    return {
        "error_at_end": str(end),
        "key_after_events": str(repeated),
        "dev_zero": "/dev/zero",
        "billion_laughs": str(ROOT / "tests" / "store" / "hostile" / "billion_laughs.yaml"),
    }


def _load() -> str:
    return Path("/proc/loadavg").read_text().strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200, help="size of the generated file")
    ap.add_argument("--old-commit", default="a29a468", help="the code before bounded input")
    ap.add_argument("--cap-mb", type=int, default=4096, help="address-space cap per run")
    ap.add_argument("--timeout", type=int, default=180, help="seconds per run")
    ap.add_argument("--only", action="append", help="run only these cases")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each, new and old in turn")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        files = make_files(folder, args.mb)
        size = Path(files["error_at_end"]).stat().st_size / 1024 / 1024
        print(f"generated {size:.0f} MB in {time.perf_counter() - t:.0f} s", flush=True)
        old = old_package(args.old_commit, folder / "old")
        print(f"load before: {_load()}", flush=True)
        for case, file in files.items():
            if args.only and case not in args.only:
                continue
            # new and old in turn, `--repeat` times: on a shared machine the load moves
            runs = [("new", ROOT), (f"old {args.old_commit}", old)] * args.repeat
            for label, code in runs:
                r = run_case(code, file, args.cap_mb, args.timeout)
                print(
                    f"{case:17} {label:12} {r['seconds']:>7.2f} s  "
                    f"peak RSS {r.get('rss_mb', '?'):>6} MB  {r['outcome'][:160]}",
                    flush=True,
                )
        print(f"load after: {_load()}", flush=True)


if __name__ == "__main__":
    main()
