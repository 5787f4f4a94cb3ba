"""The sweep applies standing decisions again with the Mechanism's rules of its own settings'
folder, checked against the processes of that folder (not against the environment's)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from untoc_workflow.definitions import load_definitions
from untoc_workflow.mechanism import records
from untoc_workflow.mechanism.decisions import load_decision
from untoc_workflow.notify.sweep import Notifier, reapply_standing_decisions

from .conftest import make_settings

ME = Path(__file__).resolve().parents[1] / "processes" / "mutual_evaluation"
DECISION = """\
decision: RB-2024/1
title: Four more weeks for the technical questionnaire
adopted_on: 2024-10-18
effects:
  - {kind: extend_deadline, step: technical_questionnaire, by: 4 weeks, reviews: {group: 1}}
"""
RULES = """\
mechanism: regional_body
version: 1
reviews:
  mutual_evaluation: {reviewers: {min: 1}}
"""


def test_the_rules_may_name_a_process_of_the_notifier_s_own_folder(store, tmp_path, monkeypatch):
    monkeypatch.delenv("UNTOC_PROCESS_DEFS", raising=False)  # the environment: bundled only
    folder = tmp_path / "defs"
    folder.mkdir()
    shutil.copy(ME / "mutual_evaluation.yaml", folder)
    (folder / "mechanism.yaml").write_text(RULES, encoding="utf-8")
    settings = make_settings(tmp_path, process_defs=folder)
    notifier = Notifier(load_definitions(settings.definitions_folders), settings)
    (tmp_path / "decision.yaml").write_text(DECISION, encoding="utf-8")
    decision = load_decision(tmp_path / "decision.yaml")
    assert records.record_decision(store, decision, date(2024, 10, 18))
    # read and applied again without a refusal: mutual_evaluation is the notifier's
    reapply_standing_decisions(store, notifier, date(2024, 11, 4))
    assert [d.ref for d, _ in records.applied_decisions(store)] == ["RB-2024/1"]
