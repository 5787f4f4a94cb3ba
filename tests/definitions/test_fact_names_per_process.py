"""A fact name declared by two processes keeps each process's own fields: a review reads
the declaration of its own process, never the other's."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import copy_defs

ME_DEFS = Path(__file__).parents[1] / "processes" / "mutual_evaluation"
UNCAC_SAMPLE = Path(__file__).parents[2] / "untoc_workflow" / "sample" / "uncac_mechanism.yaml"


def _defs_with_a_visit_of_its_own(tmp_path: Path) -> Path:
    """The mutual evaluation, its visit completed by UNCAC's fact name with a field."""
    defs = copy_defs(tmp_path)
    text = (ME_DEFS / "mutual_evaluation.yaml").read_text(encoding="utf-8")
    text = text.replace("onsite_visit_completed", "onsite_visit_held")
    text = text.replace(
        "    title: {en: On-site visit completed}\n",
        "    title: {en: On-site visit completed}\n    fields:\n      assessors: text\n",
    )
    (defs / "mutual_evaluation.yaml").write_text(text, encoding="utf-8")
    return defs


def test_each_review_takes_the_fields_of_its_own_process(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(_defs_with_a_visit_of_its_own(tmp_path)))
    cli("import", str(UNCAC_SAMPLE))
    mechanism = (ME_DEFS / "mechanism.yaml").read_text(encoding="utf-8")
    path = tmp_path / "me.yaml"
    path.write_text(
        mechanism.replace("onsite_visit_completed", "onsite_visit_held, assessors: X"),
        encoding="utf-8",
    )
    cli("import", str(path))
    # the mutual evaluation's visit needs its assessors; UNCAC's takes no field
    out = cli(
        "record", "onsite_visit_held", "--review", "ME-AUT", "--on", "2024-05-10", code=1
    ).output
    assert "assessors" in out
    cli(
        "record",
        "effectiveness_submission_received",
        "--review",
        "ME-AUT",
        "--on",
        "2024-05-06",
    )
    cli(
        "record",
        "onsite_visit_held",
        "--review",
        "ME-AUT",
        "--on",
        "2024-05-10",
        "--assessors",
        "A. Smith",
    )
    cli("record", "onsite_visit_held", "--review", "IRM2-FIN", "--on", "2024-05-27")
    bad = cli(
        "record",
        "onsite_visit_held",
        "--review",
        "IRM2-FIN",
        "--on",
        "2024-05-28",
        "--assessors",
        "A. Smith",
        code=1,
    ).output
    assert "--assessors" in bad
    cli("export", str(tmp_path / "out.json"))
    events = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["events"]
    visits = {e["review"]: e for e in events if e["type"] == "onsite_visit_held"}
    assert visits["ME-AUT"]["assessors"] == "A. Smith"
    assert "assessors" not in visits["IRM2-FIN"]
