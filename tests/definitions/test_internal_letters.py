"""A letter to the secretariat alone is an internal note: a rung addressed to the
secretariat (or the chair) that copies a Party's focal point or mission is refused at
load, located, so a State never receives the secretariat's own notes."""

from __future__ import annotations

import re
from pathlib import Path

ME_FILE = Path(__file__).parents[1] / "processes" / "mutual_evaluation" / "mutual_evaluation.yaml"
RUNG = "        to: [secretariat]\n        template: step_due\n"


def test_a_party_copied_on_a_secretariat_only_letter_is_refused_located(cli, tmp_path, monkeypatch):
    text = ME_FILE.read_text(encoding="utf-8")
    assert text.count(RUNG) == 1  # the draft report's rung, to the secretariat alone
    bad = text.replace(RUNG, RUNG.replace("]\n", "]\n        cc: [reviewed.focal_point]\n", 1))
    folder = tmp_path / "defs"
    folder.mkdir()
    (folder / "mutual_evaluation.yaml").write_text(bad, encoding="utf-8")
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(folder))
    result = cli("processes", code=1)
    out = result.output
    assert re.search(r"mutual_evaluation\.yaml:\d+: steps\[4\]\.ladder\[0\]: rung 'due'", out)
    assert "Traceback" not in out
    assert "cannot copy a Party (reviewed.focal_point)" in out
    # the secretariat alone, or copied to the chair, is still an internal letter
    (folder / "mutual_evaluation.yaml").write_text(
        text.replace(RUNG, RUNG.replace("]\n", "]\n        cc: [cop_presidency]\n", 1)),
        encoding="utf-8",
    )
    cli("processes")
