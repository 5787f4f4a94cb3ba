"""The secretariat's desk (the Prefect UI's run names, boards and timelines) says where a
deadline of a body other than UNTOC comes from in that body's words: its Plenary's
decision, its process's time limit, never UNTOC's Conference or guidelines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from untoc_workflow.core.state import Deadline
from untoc_workflow.definitions import load_process
from untoc_workflow.definitions.load import BUNDLED_DEFS
from untoc_workflow.orchestration.desk import deadline_source

GROUP = load_process(Path(__file__).parent / "integrity_review" / "integrity_review.yaml")
UNTOC = load_process(BUNDLED_DEFS / "country_review.yaml")
DUE = date(2025, 7, 4)


def test_a_deadline_of_the_group_is_said_in_its_words():
    decided = Deadline(DUE, "extended", "by decision", decision="CSACG-PL-2025/3")
    assert deadline_source(decided, GROUP) == (
        "extended by decision CSACG-PL-2025/3 of the Plenary of the Group"
    )
    assert deadline_source(Deadline(DUE, "rule"), GROUP) == "time limit of the integrity review"
    assert deadline_source(Deadline(DUE, "agreed"), GROUP) == "agreed by the parties to the review"


def test_untocs_deadlines_read_as_before():
    decided = Deadline(DUE, "extended", "by decision", decision="CCPCJ/2024/1")
    assert deadline_source(decided) == deadline_source(decided, UNTOC)
    for own in (UNTOC, None):
        assert deadline_source(decided, own) == "extended by Conference decision CCPCJ/2024/1"
        assert deadline_source(Deadline(DUE, "rule"), own) == "time limit of the guidelines"
        assert deadline_source(Deadline(DUE, "agreed"), own) == (
            "agreed at the preliminary consultation"
        )
