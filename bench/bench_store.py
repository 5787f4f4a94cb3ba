"""Benchmark the store on a large mechanism, each figure beside its floor measured in the
same run, and (with --old) the same figures of another tree of the code (e.g. main's).

    .venv/bin/python bench/bench_store.py                      # 10,000 reviews, 1,000,000 events
    .venv/bin/python bench/bench_store.py --events 100000 --reviews 1000 [--postgres]
    .venv/bin/python bench/bench_store.py --old /tmp/main-tree  # old beside new, one run

Each phase runs in its own process (its peak RSS, resource.getrusage, is its own; every
cold figure is a new process, as every `untoc` command is):
  floor      plain json.load of the file; plain sqlite3 executemany of its events into a
             table of the event log's shape (same unique id, same indexes), numbered in
             file order, and again of the rows the log holds (their content ids); plain
             sqlite3 read of every event row of the imported store
  import     a fresh store imports the JSON file (parse, check, insert, projections): the
             store's import, as the issue's target names it
  command_import
             `untoc import FILE` on another fresh store, as the clerk runs it: the same and
             every new fact checked against its process (core/admission), SQLite only
  reimport   the same file again (known by its SHA-256: nothing to parse), and a copy
             with other bytes and the same events (parsed, every id checked, all skipped)
  commands   `untoc status --format json`, `report --format json`, `export-csv` of today,
             each a new process as the user runs it
  status     new process: today's status (the projections, --today on or after the last
             fact) and a past date's (--as-of: the log, cut), each read + fold of every
             review; then the store's one read of the whole log (made warm: the log,
             its index, each party's focal-point history), the fold again, warm (the
             store's first fold), and on a further date (what each later date costs)
Targets at 10,000 reviews / 1,000,000 events: import <= 2x (parse + insert floor),
re-import <= 2x the parse, status today < 1 s, a past date's read <= 2x the read floor,
warm derive < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# the tree of the code measured: this one, or the one --old names (set for its phases)
sys.path.insert(0, os.environ.get("UNTOC_BENCH_CODE", str(HERE.parent)))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _timed(fn: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def _timed_cpu(out: dict[str, Any], name: str, fn: Any) -> Any:
    """Run fn; put its wall seconds in out[name] and its CPU seconds in out[name + "_cpu"]
    (CPU is what a shared machine's load does not inflate)."""
    t, c = time.perf_counter(), _cpu()
    result = fn()
    out[name], out[name + "_cpu"] = time.perf_counter() - t, _cpu() - c
    return result


# -- phases (each in its own process) -------------------------------------------------------

_EVENT_TABLE = """CREATE TABLE event (seq INTEGER PRIMARY KEY AUTOINCREMENT, id VARCHAR(128)
 NOT NULL UNIQUE, "on" DATE NOT NULL, type VARCHAR(64) NOT NULL, review_id VARCHAR(64),
 party VARCHAR(8), data VARCHAR NOT NULL, note VARCHAR, recorded_at DATETIME NOT NULL)"""
_INDEXES = (
    'CREATE INDEX ix_event_on_seq ON event ("on", seq)',
    'CREATE INDEX ix_event_review_on ON event (review_id, "on")',
    "CREATE INDEX ix_event_party_type ON event (party, type)",
)


def phase_floor(file: str, db: str, workdir: str) -> dict:
    """What Python and SQLite cost with nothing of ours: parse, insert, read."""
    c = _cpu()
    doc, parse = _timed(lambda: json.loads(Path(file).read_text(encoding="utf-8")))
    parse_cpu = _cpu() - c
    rows = [
        (
            e.get("id") or f"ev-{i}",
            e["on"],
            e["type"],
            e.get("review"),
            e.get("party"),
            json.dumps(
                {k: v for k, v in e.items() if k not in ("id", "on", "type", "review", "party")},
                sort_keys=True,
                separators=(",", ":"),
            ),
            None,
            _STAMP,
        )
        for i, e in enumerate(doc["events"])
    ]
    insert_s, insert_cpu = _floor_insert(Path(workdir) / "floor.db", rows)
    read_con = sqlite3.connect(db)
    c = _cpu()
    got, read = _timed(
        lambda: read_con.execute(
            'SELECT "on", type, seq, review_id, party, data, id, note FROM event'
        ).fetchall()
    )
    read_cpu = _cpu() - c
    read_con.close()
    # The same insert of the rows the log holds, as the import stored them: their ids are
    # the log's (content ids, 35 characters in no order), where the rows above number the
    # events in file order ("ev-0", "ev-1"...), which the unique index takes at a fraction
    # of the cost and no log can hold (an event without an id gets its content id)
    own = [
        (i, on, kind, review, party, data, note, _STAMP)
        for on, kind, _, review, party, data, i, note in got
    ]
    del got
    own_s, own_cpu = _floor_insert(Path(workdir) / "floor-own.db", own)
    return {
        "parse": parse,
        "insert": insert_s,
        "insert_own": own_s,
        "read": read,
        "rows": len(own),
        "parse_cpu": parse_cpu,
        "insert_cpu": insert_cpu,
        "insert_own_cpu": own_cpu,
        "read_cpu": read_cpu,
    }


_STAMP = "2026-01-01 00:00:00"


def _floor_insert(path: Path, rows: list[tuple[Any, ...]]) -> tuple[float, float]:
    """Plain sqlite3 (its defaults, WAL): one executemany of `rows` into a fresh table of
    the event log's shape, its indexes made after, one commit; wall and CPU seconds."""
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        f.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(_EVENT_TABLE)

    def insert() -> None:
        with con:
            con.executemany(
                'INSERT INTO event (id, "on", type, review_id, party, data, note, recorded_at)'
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            for sql in _INDEXES:
                con.execute(sql)

    c = _cpu()
    _, seconds = _timed(insert)
    cpu = _cpu() - c
    con.close()
    return seconds, cpu


def phase_import(url: str, file: str) -> dict:
    from untoc_workflow.store import open_store

    store = open_store(url)
    t, c = time.perf_counter(), _cpu()
    result = store.import_file(file)
    seconds, cpu = time.perf_counter() - t, _cpu() - c
    store.close()
    import untoc_workflow

    return {
        "seconds": seconds,
        "cpu": cpu,
        "rss_mb": _rss_mb(),
        "result": str(result),
        "code": str(Path(untoc_workflow.__file__).parents[1]),
    }


def phase_command_import(url: str, file: str, today: str) -> dict:
    """`untoc import FILE --as-of TODAY` as the clerk runs it: the store's import and, on
    top of it, what the command adds (every new fact checked against its process, the
    questionnaires section read)."""
    os.environ["UNTOC_DATABASE_URL"] = url
    from untoc_workflow.cli import app

    t, c = time.perf_counter(), _cpu()
    app(["import", file, "--as-of", today], standalone_mode=False)
    seconds, cpu = time.perf_counter() - t, _cpu() - c
    return {"seconds": seconds, "cpu": cpu, "rss_mb": _rss_mb()}


def phase_status(url: str, as_of: str, today: str) -> dict:
    from untoc_workflow.wiring import wire

    wire()
    from untoc_workflow.core import mechanism_states
    from untoc_workflow.definitions import load_definitions
    from untoc_workflow.store import open_store

    definitions = load_definitions()
    store = open_store(url)
    out: dict[str, Any] = {}
    day = date.fromisoformat(today)
    # today: what `untoc status` reads (the projections where the code has them)
    read = getattr(store, "fold_snapshot", store.snapshot)
    snap = _timed_cpu(out, "today_read", lambda: read(day))
    states = _timed_cpu(out, "today_fold", lambda: mechanism_states(definitions, snap, day))
    out["today_events"], out["reviews"] = len(snap.events), len(states)
    store.close()
    # a past date, in the same cold state (a new store object: nothing cached)
    store = open_store(url)
    past = date.fromisoformat(as_of)
    snap = _timed_cpu(out, "past_read", lambda: store.snapshot(past))
    _timed_cpu(out, "past_fold", lambda: mechanism_states(definitions, snap, past))
    out["past_events"] = len(snap.events)
    # warm: the store reads the whole log once and keeps it with its index and each
    # party's focal-point history (timed: what making a store warm costs, once); then
    # snapshot + fold of every review again
    _timed_cpu(out, "warm_up", lambda: store.snapshot(past))
    snap = _timed_cpu(out, "warm_read", lambda: store.snapshot(past))
    _timed_cpu(out, "warm_fold", lambda: mechanism_states(definitions, snap, past))
    out["warm"] = out["warm_read"] + out["warm_fold"]
    out["warm_cpu"] = out["warm_read_cpu"] + out["warm_fold_cpu"]
    # warm, a further date: the store has folded every review on a date and is asked for
    # another (the desk and the portal, all day long): what each further date costs once the
    # store's one-time arrangements (the index, each party's focal-point history) are made
    further = past - timedelta(days=30)
    snap = _timed_cpu(out, "further_read", lambda: store.snapshot(further))
    _timed_cpu(out, "further_fold", lambda: mechanism_states(definitions, snap, further))
    out["further"] = out["further_read"] + out["further_fold"]
    out["further_cpu"] = out["further_read_cpu"] + out["further_fold_cpu"]
    out["rss_mb"] = _rss_mb()
    store.close()
    return out


def phase_commands(url: str, today: str) -> dict:
    """`untoc status`, `report` and `export-csv` of today, each as the user runs it: a new
    process (start, definitions, store read, fold, output); wall and CPU of each."""
    env = dict(os.environ, UNTOC_DATABASE_URL=url)
    env.pop("PREFECT_API_URL", None)
    out: dict[str, Any] = {}
    for name, args in (
        ("status", ["status", "--format", "json"]),
        ("report", ["report", "--format", "json"]),
        ("export_csv", ["export-csv"]),
    ):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "untoc_workflow", *args, "--as-of", today],
            stdout=subprocess.DEVNULL,
            check=True,
            env=env,
        )
        out[name] = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out[name + "_cpu"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return out


# -- driver ------------------------------------------------------------------------------


def _run(code: Path | None, *args: str) -> dict:
    env = dict(os.environ)
    if code is not None:  # another tree of the code, first on the path
        env["UNTOC_BENCH_CODE"] = env["PYTHONPATH"] = str(code)
    proc = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=str(code or HERE.parent),
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"phase {args[0]} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _pg_url() -> tuple[str, str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=untoc_test", autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = (
        f"postgresql+psycopg://postgres@127.0.0.1:5432/untoc_test?options=-csearch_path%3D{schema}"
    )
    return url, schema


def _drop_pg(schema: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=untoc_test", autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _fresh_sqlite(path: Path) -> str:
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        f.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def measure(code: Path | None, args: Any, file: Path, copy: Path, tag: str) -> dict:
    """Every figure of one tree of the code, on a fresh store."""
    schema = None
    if args.postgres:
        url, schema = _pg_url()
    else:
        url = _fresh_sqlite(args.workdir / f"bench-{tag}.db")
    try:
        out = {
            "import": _run(code, "import", "--url", url, "--file", str(file)),
            "reimport": _run(code, "import", "--url", url, "--file", str(file)),
            "recopy": _run(code, "import", "--url", url, "--file", str(copy)),
            "status": _run(
                code, "status", "--url", url, "--as-of", args.as_of, "--today", args.today
            ),
            "commands": _run(code, "commands", "--url", url, "--today", args.today),
        }
        if not args.postgres:
            other = _fresh_sqlite(args.workdir / f"bench-{tag}-command.db")
            out["command_import"] = _run(
                code, "command_import", "--url", other, "--file", str(file), "--today", args.today
            )
    finally:
        if schema:
            _drop_pg(schema)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="store benchmark")
    ap.add_argument("phase", nargs="?", default="all")
    ap.add_argument("--url")
    ap.add_argument("--file")
    ap.add_argument("--db")
    ap.add_argument("--as-of", default="2024-06-30", help="the past date")
    ap.add_argument("--today", default="2030-01-01", help="on or after the last fact")
    ap.add_argument("--reviews", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/untoc-bench"))
    ap.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    ap.add_argument("--old", type=Path, help="a tree of older code to measure beside")
    args = ap.parse_args()

    if args.phase == "import":
        print(json.dumps(phase_import(args.url, args.file)))
        return
    if args.phase == "command_import":
        print(json.dumps(phase_command_import(args.url, args.file, args.today)))
        return
    if args.phase == "status":
        print(json.dumps(phase_status(args.url, args.as_of, args.today)))
        return
    if args.phase == "commands":
        print(json.dumps(phase_commands(args.url, args.today)))
        return
    if args.phase == "floor":
        print(json.dumps(phase_floor(args.file, args.db, str(args.workdir))))
        return

    args.workdir.mkdir(parents=True, exist_ok=True)
    file = args.workdir / f"mechanism-{args.reviews}-{args.events}.json"
    if not file.exists():
        from bench.generate import generate, write

        t = time.perf_counter()
        write(generate(args.reviews, args.events), file)
        print(f"generated {file} in {time.perf_counter() - t:.1f} s")
    copy = args.workdir / f"mechanism-{args.reviews}-{args.events}-copy.json"
    copy.write_bytes(file.read_bytes() + b"\n")  # other bytes, the same events
    load_before = os.getloadavg()[0]
    new = measure(None, args, file, copy, "new")
    old = measure(args.old, args, file, copy, "old") if args.old else None
    # the floor reads the SQLite store the new code imported (PostgreSQL: a SQLite one)
    floor_db = args.workdir / "bench-new.db"
    if args.postgres:
        url = _fresh_sqlite(floor_db)
        _run(None, "import", "--url", url, "--file", str(file))
    floor = _run(
        None, "floor", "--file", str(file), "--db", str(floor_db), "--workdir", str(args.workdir)
    )
    load_after = os.getloadavg()[0]

    size = os.path.getsize(file) / 1e6
    print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(f"file: {args.reviews:,} reviews, {args.events:,} events, {size:.0f} MB")
    print(new["import"]["result"])
    print(new["recopy"]["result"])
    print(
        f"new code: {new['import']['code']}"
        + (f"; old code: {old['import']['code']}" if old else "")
    )
    for cpu in (False, True):
        _table(old, new, floor, args.as_of, cpu)
    print(
        f"events read for today: {new['status']['today_events']:,} (of {args.events:,});"
        f" peak RSS import {new['import']['rss_mb']:.0f} MB,"
        f" status {new['status']['rss_mb']:.0f} MB"
    )
    print(
        f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after;"
        f" {os.cpu_count()} CPUs"
    )


def _table(old: dict | None, new: dict, f: dict, as_of: str, cpu: bool) -> None:
    """One table: wall seconds, or CPU seconds (what the shared machine's load does not
    inflate), each beside its floor and the ratio."""
    c = "_cpu" if cpu else ""
    rows: list[tuple[str, float | None, float, float | None, str]] = []

    def row(name: str, pick: Any, floor_s: float | None, note: str = "") -> None:
        rows.append((name, pick(old) if old else None, pick(new), floor_s, note))

    def st(m: dict, *keys: str) -> float:
        return float(sum(m["status"][k + c] for k in keys))

    imp = "cpu" if cpu else "seconds"
    row(
        "import (parse, check, insert)",
        lambda m: m["import"][imp],
        f["parse" + c] + f["insert" + c],
        "floor: json.load + executemany with indexes (ids ev-0, ev-1...)",
    )
    if "insert_own" + c in f:
        row(
            "import, beside the floor of the log's own rows",
            lambda m: m["import"][imp],
            f["parse" + c] + f["insert_own" + c],
            "floor: json.load + executemany of the rows the log holds (its content ids)",
        )
    if "command_import" in new:
        row(
            "`untoc import` (the command: + every fact checked against its process)",
            lambda m: m["command_import"][imp],
            f["parse" + c] + f["insert" + c],
            "floor: json.load + executemany with indexes",
        )
    row("re-import, same file", lambda m: m["reimport"][imp], f["parse" + c], "floor: json.load")
    row(
        "re-import, same events, other bytes",
        lambda m: m["recopy"][imp],
        f["parse" + c],
        "floor: json.load",
    )
    row(
        "status today: read (cold)",
        lambda m: st(m, "today_read"),
        f["read" + c],
        "floor: sqlite3 read of every event row",
    )
    row(
        "status today: read + fold every review",
        lambda m: st(m, "today_read", "today_fold"),
        None,
        "target < 1 s",
    )
    row(
        f"past date {as_of}: read (cold)",
        lambda m: st(m, "past_read"),
        f["read" + c],
        "target <= 2x the read floor",
    )
    row(f"past date {as_of}: read + fold", lambda m: st(m, "past_read", "past_fold"), None)
    if "warm_up" in new["status"]:
        row(
            "a store made warm: its one read of the whole log (index, histories)",
            lambda m: st(m, "warm_up") if "warm_up" in m["status"] else None,
            None,
            "once per store; old code made the histories in its first fold",
        )
    row(
        "warm snapshot + fold of every review (the store's first fold)",
        lambda m: st(m, "warm"),
        None,
        "target < 1 s",
    )
    row(
        "warm snapshot + fold of every review, a further date",
        lambda m: st(m, "further"),
        None,
        "target < 1 s",
    )
    for command in ("status", "report", "export_csv"):
        row(
            f"`untoc {command.replace('_', '-')}` today (a new process, all of it)",
            lambda m, k=command: float(m["commands"][k + c]),
            None,
        )
    width = max(len(r[0]) for r in rows)
    print("CPU seconds (user + system)" if cpu else "wall seconds")
    print(f"{'what':<{width}}  {'old':>8}  {'new':>8}  {'floor':>8}  {'new/floor':>9}")
    for name, o, n, fl, note in rows:
        o_s = f"{o:.2f} s" if o is not None else "-"
        fl_s = f"{fl:.2f} s" if fl is not None else "-"
        ratio = f"{n / fl:.1f}x" if fl else "-"
        print(f"{name:<{width}}  {o_s:>8}  {n:>6.2f} s  {fl_s:>8}  {ratio:>9}  {note}")


if __name__ == "__main__":
    main()
