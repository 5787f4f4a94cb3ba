"""Files made to hurt: each is refused by `untoc` with its located message, in seconds,
inside 1 GB of address space, without a traceback, and the store is left as it was.

`hostile/NAME.EXT` goes with `hostile/NAME.expected.txt` (each line must appear in the
error). A folder and a device stand beside them as the cases no file can be.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
HOSTILE = HERE / "hostile"
GOLDEN = HERE / "data" / "golden.yaml"
CASES = sorted(p for p in HOSTILE.iterdir() if p.suffix in (".yaml", ".json") and p.is_file())
MEMORY_CAP = 1024 * 1024 * 1024
TIME_LIMIT = 20  # seconds of wall clock on a loaded 2-core machine; each takes about 1


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture(scope="module")
def golden_db(tmp_path_factory) -> Path:
    """A store holding the golden mechanism, made once and copied for each case."""
    db = tmp_path_factory.mktemp("golden") / "untoc.db"
    result = _untoc(db, "import", str(GOLDEN))
    assert result.returncode == 0, result.stderr
    return db


def _untoc(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "untoc_workflow", *args],
        env={**os.environ, "UNTOC_DATABASE_URL": f"sqlite:///{db}", **(env or {})},
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_capped,
        cwd=db.parent,
    )


def _log(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT seq, id, data FROM event ORDER BY seq").fetchall()


def _refused(golden_db: Path, tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    db = tmp_path / "untoc.db"
    shutil.copy(golden_db, db)
    before = _log(db)
    started = time.monotonic()
    result = _untoc(db, *args, env=env)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert _log(db) == before
    assert elapsed < TIME_LIMIT
    return result.stderr


def _expected(case: Path) -> list[str]:
    text = case.with_name(case.stem + ".expected.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def test_the_corpus_has_every_kind_of_hostile_file():
    names = {c.stem for c in CASES}
    assert {
        "billion_laughs",
        "deep_nesting",
        "nul",
        "huge_integer",
        "utf16",
        "python_name_tag",
    } <= names
    assert len((HOSTILE / "billion_laughs.yaml").read_bytes()) < 600


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_a_hostile_file_is_refused_with_its_message_in_bounded_memory(golden_db, tmp_path, case):
    stderr = _refused(golden_db, tmp_path, "import", str(case))
    for expected in _expected(case):
        assert expected in stderr, f"{case.name}: {expected!r} not in:\n{stderr}"


def test_a_folder_given_as_the_file_is_named_a_folder(golden_db, tmp_path):
    stderr = _refused(golden_db, tmp_path, "import", str(HOSTILE / "a_folder.yaml"))
    assert "a_folder.yaml: is a folder, not a file" in stderr


def test_dev_zero_is_refused_before_a_byte_is_read(golden_db, tmp_path):
    stderr = _refused(golden_db, tmp_path, "import", "/dev/zero")
    assert "/dev/zero: is not a regular file" in stderr


def test_a_decision_file_may_not_carry_an_anchor_bomb(golden_db, tmp_path):
    stderr = _refused(golden_db, tmp_path, "decide", str(HOSTILE / "billion_laughs.yaml"))
    assert "billion_laughs.yaml:5: aliases (*name) are not allowed" in stderr


def test_a_process_definition_keeps_its_aliases_but_not_a_bomb(golden_db, tmp_path):
    # process definitions use &ladder / *ladder, so aliases stay allowed there, on a budget
    defs = tmp_path / "defs"
    shutil.copytree(HERE.parents[1] / "untoc_workflow" / "process_defs", defs)
    bomb = (HOSTILE / "billion_laughs.yaml").read_text(encoding="utf-8")
    original = (defs / "country_review.yaml").read_text(encoding="utf-8")
    (defs / "country_review.yaml").write_text(
        original + "\n" + bomb.split("reviews: []\n", 1)[1].replace("a: &a", "x_a: &a"),
        encoding="utf-8",
    )
    stderr = _refused(
        golden_db,
        tmp_path,
        "status",
        "--as-of",
        "2022-01-01",
        env={"UNTOC_PROCESS_DEFS": str(defs)},
    )
    assert "country_review.yaml:" in stderr
    assert "aliases (*name) here expand into far more values than the file holds" in stderr


def test_a_utf8_byte_order_mark_is_read_as_utf8(golden_db, tmp_path):
    with_bom = tmp_path / "with_bom.yaml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + GOLDEN.read_bytes())
    db = tmp_path / "fresh.db"
    result = _untoc(db, "import", str(with_bom))
    assert result.returncode == 0, result.stderr
    assert len(_log(db)) == len(_log(golden_db))


def _large_file_with_a_key_after_the_events(path: Path, mb: int) -> None:
    event = (
        '{"on": "2021-01-01", "type": "experts_nominated", "party": "NGA", "count": 1,'
        ' "note": "note verbale"}'
    )
    per_mb = 1024 * 1024 // (len(event) + 2)
    with path.open("w", encoding="utf-8") as f:
        f.write('{"format": "untoc-mechanism/1", "parties": [], "reviews": [],\n"events": [\n')
        f.write(",\n".join([event] * (mb * per_mb)))
        f.write('\n],\n"format": "untoc-mechanism/1"}\n')


def test_a_large_json_with_a_key_repeated_after_the_events_fails_fast_in_1_gb(golden_db, tmp_path):
    # issue 9: 200 MB took 434 s and over 10 GB (the file parsed again as JSON, then YAML)
    big = tmp_path / "merged.json"
    _large_file_with_a_key_after_the_events(big, 60)
    started = time.monotonic()
    stderr = _refused(golden_db, tmp_path, "import", str(big))
    assert time.monotonic() - started < TIME_LIMIT
    assert "key 'format' appears twice (the first 'format' is at line 1)" in stderr
