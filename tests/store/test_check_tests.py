"""The CI guard against tests that cannot fail: it names a test whose every assertion an
empty input skips, and an `or True`; it lets through a test that asserts on every path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from check_tests import check_file  # noqa: E402

SOURCE = """
import pytest

def helper_that_asserts(x):
    assert x

def test_loop_only(items):
    for i in items:
        assert i > 0

def test_if_only(x):
    if x:
        assert x == 1

def test_filter(rows):
    kept = [r for r in rows if r or True]
    assert kept is not None

def test_guarded(items):
    assert items
    for i in items:
        assert i > 0

def test_raises():
    with pytest.raises(ValueError):
        int("x")

def test_helper():
    helper_that_asserts(1)

def test_both_branches(x):
    if x:
        assert x
    else:
        assert not x

class TestGrouped:
    def test_method_loop(self, items):
        while items:
            assert items.pop()
"""


def test_the_guard_names_each_test_that_cannot_fail(tmp_path: Path) -> None:
    path = tmp_path / "test_sample.py"
    path.write_text(SOURCE, encoding="utf-8")
    found = check_file(path)
    named = sorted(line.split(": ")[1] for line in found if "test_" in line.split(": ")[1])
    assert named == ["test_if_only", "test_loop_only", "test_method_loop"]
    assert any("`or True`" in line for line in found)
    assert all(line.startswith(f"{path}:") for line in found)


def test_the_project_tests_pass_the_guard() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_tests.py"), str(ROOT / "tests")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every test reaches an assertion" in done.stdout
