"""What checking every fact against the process costs an import, and one `untoc record`.

    .venv/bin/python bench/bench_admission.py --reviews 1000 --events 100000

Each phase runs in its own process (its peak RSS its own), on a fresh SQLite store:
  plain     import the generated file without the check (what the store did before)
  checked   import it with every fact checked (what `untoc import` does now)
  record    in the checked store, one more fact recorded with the check, then one refused
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
AS_OF = date(2030, 1, 1)  # the generated history runs to the end of 2026


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _admission():
    from untoc_workflow.core.admission import CommandDate
    from untoc_workflow.store.admission import Admission

    return Admission(CommandDate(AS_OF, "--as-of"))


def phase(name: str, url: str, file: str) -> dict:
    from untoc_workflow.store import open_store

    store = open_store(url)
    out: dict = {}
    if name in ("plain", "checked"):
        t, c = time.perf_counter(), _cpu()
        result = store.import_file(file, admission=_admission() if name == "checked" else None)
        out = {"seconds": time.perf_counter() - t, "cpu": _cpu() - c, "result": str(result)}
    else:
        from untoc_workflow.errors import InputError
        from untoc_workflow.mechanism_file import FORMAT
        from untoc_workflow.yamlsource import Located

        review = sorted(store.snapshot().reviews)[0]
        for kind in ("deadline_extended", "saq_submitted"):
            event = {"on": "2029-01-01", "type": kind, "review": review}
            if kind == "deadline_extended":
                event |= {"step": "observations", "due": "2029-06-30", "basis": "agreed"}
            doc = Located({"format": FORMAT, "events": [event]}, "untoc record", {})
            t, c = time.perf_counter(), _cpu()
            try:
                store.import_document(doc, admission=_admission())
                outcome = "recorded"
            except InputError as exc:
                outcome = "refused: " + str(exc.problems[0])
            out[kind] = {"seconds": time.perf_counter() - t, "cpu": _cpu() - c, "outcome": outcome}
    store.close()
    out["rss_mb"] = _rss_mb()
    return out


def _run(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"phase {args[0]} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("phase", nargs="?", default="all")
    ap.add_argument("--url")
    ap.add_argument("--file")
    ap.add_argument("--reviews", type=int, default=1000)
    ap.add_argument("--events", type=int, default=100_000)
    args = ap.parse_args()
    if args.phase != "all":
        print(json.dumps(phase(args.phase, args.url, args.file)))
        return
    from bench.generate import generate, write

    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "mechanism.json"
        write(generate(args.reviews, args.events), file)
        plain = _run("plain", "--url", f"sqlite:///{tmp}/plain.db", "--file", str(file))
        checked = _run("checked", "--url", f"sqlite:///{tmp}/checked.db", "--file", str(file))
        record = _run("record", "--url", f"sqlite:///{tmp}/checked.db", "--file", str(file))
    print(json.dumps({"plain": plain, "checked": checked, "record": record}, indent=2))
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average: {' '.join(load)}")


if __name__ == "__main__":
    main()
