"""A store moved by `untoc export` and `untoc import` keeps the Conference decisions applied
to it and the draws it recorded (the mechanism file's `decisions` and `draws` sections)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import small_document  # noqa: E402

from untoc_workflow.mechanism_file import write_document  # noqa: E402

RAISED = """
decision: CARRY-1
title: Three in four reviews complete before the next cluster
adopted_on: 2021-06-15
effects:
  - {kind: set_threshold, percent: 75, cluster: 1}
"""
AS_OF = "2021-07-01"


def _store_with_a_decision_and_a_redraw(run: Callable[..., Any], folder: Path) -> None:
    write_document(small_document(), folder / "mech.yaml")
    run("import", "mech.yaml")
    (folder / "decision.yaml").write_text(RAISED)
    run("decide", "decision.yaml", "--as-of", AS_OF)
    doc = yaml.safe_load((folder / "mech.yaml").read_text())
    review = sorted(doc["reviews"], key=lambda r: r["id"])[0]
    leaving = review["reviewers"][0]["party"]
    run(
        "redraw",
        review["id"],
        "--party",
        leaving,
        "--requested-by",
        review["reviewed"],
        "--on",
        "2021-02-01",
        "--seed",
        "3",
    )


def _clusters(run: Callable[..., Any]) -> str:
    return " ".join(run("clusters", "--as-of", AS_OF).output.split())


def _draws(url: str) -> list[dict[str, Any]]:
    from untoc_workflow.mechanism import records
    from untoc_workflow.store import open_store

    store = open_store(url)
    try:
        return records.draws(store)
    finally:
        store.close()


def test_an_exported_store_imported_elsewhere_keeps_its_decisions_and_draws(
    untoc_cli: Callable[..., Callable[..., Any]], store_url: str, tmp_path: Path
) -> None:
    # the original on SQLite, then on PostgreSQL; the copy always on a new SQLite file
    original = untoc_cli(None)
    _store_with_a_decision_and_a_redraw(original, tmp_path)
    clusters = _clusters(original)
    assert "threshold 75 % (decision CARRY-1): not met (3 more to complete)" in clusters
    listed = original("decisions", "--as-of", AS_OF).output
    assert "CARRY-1: Three in four reviews complete" in listed
    original("export", "x.json")
    exported = json.loads((tmp_path / "x.json").read_text())
    assert [d["ref"] for d in exported["decisions"]] == ["CARRY-1"]
    assert [d["kind"] for d in exported["draws"]] == ["redraw"]

    copy_url = f"sqlite:///{tmp_path / 'copy.db'}"
    copy = untoc_cli(None, UNTOC_DATABASE_URL=copy_url)
    first = copy("import", "x.json").output
    assert "decisions added: 1, draws added: 1" in first
    assert copy("decisions", "--as-of", AS_OF).output == listed
    assert _clusters(copy) == clusters
    original_draws = _draws(store_url)
    assert _draws(copy_url) == original_draws

    for _ in range(2):
        again = copy("import", "x.json").output
        assert "decisions added: 0, draws added: 0" in again
    assert copy("decisions", "--as-of", AS_OF).output == listed
    assert _draws(copy_url) == original_draws


def test_a_bad_decision_row_or_a_changed_decision_is_refused_and_nothing_is_written(
    untoc_cli_sqlite: Callable[..., Callable[..., Any]], tmp_path: Path
) -> None:
    original = untoc_cli_sqlite(None)
    _store_with_a_decision_and_a_redraw(original, tmp_path)
    original("export", "x.json")
    doc = json.loads((tmp_path / "x.json").read_text())

    bad = json.loads(json.dumps(doc))
    bad["decisions"][0]["adopted_on"] = "15 June 2021"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    copy_url = f"sqlite:///{tmp_path / 'copy.db'}"
    copy = untoc_cli_sqlite(None, UNTOC_DATABASE_URL=copy_url)
    refused = copy("import", "bad.json", code=1).output
    assert "bad.json: decisions[0].adopted_on: '15 June 2021' is not a date" in refused
    assert "no decision has been applied" in copy("decisions", "--as-of", AS_OF).output
    copy("export", "empty.json")
    assert json.loads((tmp_path / "empty.json").read_text())["reviews"] == []

    # the original store holds CARRY-1 already: the same reference with another content
    # (a consistent body and fingerprint) is refused before any event is written
    from untoc_workflow.mechanism.decisions import Decision

    changed = json.loads(json.dumps(doc))
    # the runners share the environment: name the original store again
    original = untoc_cli_sqlite(None, UNTOC_DATABASE_URL=f"sqlite:///{tmp_path / 'untoc.db'}")
    body = changed["decisions"][0]["body"]
    body["effects"][0]["percent"] = 80
    changed["decisions"][0]["digest"] = Decision.model_validate(body).digest()
    changed["parties"].append(doc["parties"][0] | {"code": "ZZZ", "name": "Newland"})
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    clash = original("import", "changed.json", code=1).output
    assert "decisions[0].digest: decision CARRY-1 was applied in this store with different" in (
        " ".join(clash.split())
    )
    original("export", "after.json")
    after = json.loads((tmp_path / "after.json").read_text())
    assert "ZZZ" not in {p["code"] for p in after["parties"]}
    assert after["decisions"] == doc["decisions"]
    assert "threshold 75 % (decision CARRY-1)" in _clusters(original)
