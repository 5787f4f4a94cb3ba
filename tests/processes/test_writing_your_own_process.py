"""The README's "Writing your own process" runs as written: its process file and its
reviews, from an empty folder to a letter in the outbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Writing your own process")
    return text[start : text.index("\n## ", start + 1)]


def _heredoc(section: str, target: str) -> str:
    found = re.search(rf"cat > {re.escape(target)} <<'YAML'\n(.*?)\nYAML\n", section, re.S)
    assert found, target
    return found.group(1) + "\n"


def test_the_readme_process_goes_from_an_empty_folder_to_a_letter(tmp_path, untoc_cli):
    section = _section()
    (tmp_path / "my-process").mkdir()
    (tmp_path / "my-process" / "peer_review.yaml").write_text(
        _heredoc(section, "my-process/peer_review.yaml"), encoding="utf-8"
    )
    (tmp_path / "reviews.yaml").write_text(_heredoc(section, "reviews.yaml"), encoding="utf-8")
    untoc = untoc_cli(
        None,
        UNTOC_PROCESS_DEFS=str(tmp_path / "my-process"),
        UNTOC_OUTBOX_DIR=str(tmp_path / "untoc-outbox"),
    )

    def run(*args: str, code: int = 0) -> str:
        result = untoc(*args, code=code)
        return result.output + (result.stderr if result.stderr_bytes else "")

    assert "peer_review@1" in run("processes")
    assert run("processes", "--diagram", "peer_review").startswith("flowchart TD")
    run("import", "reviews.yaml", "--as-of", "2025-03-01")
    assert "questionnaire 2025-04-06" in run("status", "--as-of", "2025-03-01")
    refused = run(
        "record",
        "visit_held",
        "--review",
        "PR-AUT",
        "--on",
        "2025-03-01",
        "--starts-on",
        "2025-02-25",
        "--ends-on",
        "2025-02-28",
        "--assessors",
        "A. Schmidt, K. Tan",
        code=1,
    )
    assert "comes before questionnaire_received of review PR-AUT" in refused
    run("sweep", "--as-of", "2025-03-24")
    run("sweep", "--as-of", "2025-04-14")
    letters = sorted(p.name for p in (tmp_path / "untoc-outbox").glob("2025-04-14_PR-AUT_*"))
    assert letters and "questionnaire_e.gruber@example.org" in letters[0]
