"""The Mechanism declares its shape (mechanism.yaml): the instrument every Party is party
to, the one list of regional groups, and per process whether its reviews carry a cluster
and a group (and in which range), which instruments and how many reviewers. A process it
names no shape for carries none of it; the UNTOC file keeps its meaning."""

from __future__ import annotations

import copy
import sys
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import MECHANISM, mechanism, process, small_document  # noqa: E402

from untoc_workflow.errors import InputError  # noqa: E402
from untoc_workflow.mechanism import service  # noqa: E402
from untoc_workflow.mechanism.definition import parse_mechanism  # noqa: E402
from untoc_workflow.mechanism_file import json_schema, parse_document  # noqa: E402
from untoc_workflow.yamlsource import Located, load_text  # noqa: E402

TEXT = MECHANISM.read_text(encoding="utf-8")
ME_DEFS = Path(__file__).parents[1] / "processes" / "mutual_evaluation"


def parse(text: str, processes: tuple[str, ...] | None = None) -> Any:
    return parse_mechanism(load_text(text, "mechanism.yaml"), processes)


def refused_mechanism(text: str) -> str:
    with pytest.raises(InputError) as exc:
        parse(text)
    return str(exc.value)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def refused_file(doc: dict[str, Any]) -> str:
    with pytest.raises(InputError) as exc:
        parse_document(load_text(_yaml(doc), "reviews.yaml"))
    return str(exc.value)


def _yaml(doc: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def a_mutual_evaluation() -> dict[str, Any]:
    """The small UNTOC document's first review, run by the mutual evaluation instead."""
    doc = small_document(n_groups=1, per_group=1)
    (review,) = doc["reviews"]
    review["process"] = "mutual_evaluation"
    return doc


# -- the declaration --------------------------------------------------------------------


def test_the_bundled_declaration_keeps_the_untoc_shape() -> None:
    m = mechanism()
    shape = m.shape_of("country_review")
    assert (str(shape.cluster), str(shape.group)) == ("1..4", "1 or more")
    assert shape.instruments == "declared" and shape.reviewers is not None
    assert shape.reviewers.min == 2
    assert m.party_to == "UNTOC"
    assert m.instrument_ids == ("UNTOC", "TIP", "SOM", "FIREARMS")
    assert m.regional_group_ids == ("African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG")
    # a process it names no shape for: no cluster, no group, never counted by the 70 % rule
    assert m.shape_of("mutual_evaluation").cluster is None
    assert m.counts_for_next_cluster("country_review")
    assert not m.counts_for_next_cluster("mutual_evaluation")


def test_an_unknown_key_in_the_shape_is_refused_where_it_is_written() -> None:
    bad = TEXT.replace("    reviewers: {min: 2}", "    reviewers: {min: 2}\n    clustres: {min: 1}")
    message = refused_mechanism(bad)
    line = line_of(bad, "clustres")
    assert f"mechanism.yaml:{line}: reviews.country_review.clustres: unknown key" in message
    assert "did you mean 'cluster'?" in message
    bad = TEXT.replace("    reviewers: {min: 2}", "    reviewers: {least: 2}")
    message = refused_mechanism(bad)
    line = line_of(bad, "{least: 2}")
    assert f"mechanism.yaml:{line}: reviews.country_review.reviewers.least: unknown key" in message


def test_a_range_upside_down_and_a_cluster_outside_its_range_are_refused() -> None:
    message = refused_mechanism(
        TEXT.replace("cluster: {min: 1, max: 4}", "cluster: {min: 3, max: 2}")
    )
    assert "reviews.country_review.cluster: max 2 is below min 3" in message
    bad = TEXT.replace("cluster: {min: 1, max: 4}", "cluster: {min: 1, max: 3}")
    message = refused_mechanism(bad)
    # cluster 4 (international cooperation) is the second one declared
    line = line_of(bad, "  - number: 4")
    assert (
        f"mechanism.yaml:{line}: clusters[1].number: cluster 4 is outside the clusters of"
        " country_review (1..3)"
    ) in message


def test_the_rule_for_the_next_cluster_names_a_process_numbered_in_clusters() -> None:
    # the UNCAC review is loaded (bundled) but numbers its reviews in no cluster
    bad = TEXT.replace(
        "  process: country_review\n  group: 1", "  process: uncac_country_review\n  group: 1"
    )
    message = refused_mechanism(bad)
    line = line_of(bad, "process: uncac_country_review")
    assert (
        f"mechanism.yaml:{line}: next_cluster.process: the reviews of uncac_country_review are"
        " not numbered in clusters"
    ) in message


def test_the_instrument_every_party_has_is_one_the_mechanism_declares() -> None:
    message = refused_mechanism(TEXT.replace("party_to: UNTOC", "party_to: UNTCO"))
    assert "parties.party_to: UNTCO is not an instrument of the Mechanism" in message
    assert "did you mean 'UNTOC'?" in message


def test_a_mechanism_without_clusters_groups_or_70_percent_rule_is_declared_by_leaving_them_out(
    store: Any,
) -> None:
    head, _, _ = TEXT.partition("parties:\n")
    tail = TEXT[TEXT.index("drawing:\n") : TEXT.index("clusters:\n")]
    joiners = TEXT[TEXT.index("late_joiners:\n") :]
    bare = parse(head + tail + joiners)
    assert bare.reviews == {} and bare.next_cluster is None and bare.clusters == ()
    assert bare.party_to is None and bare.regional_group_ids == ()
    store.import_document(Located(small_document(n_groups=1, per_group=2), "<test>", {}))
    # the rule is the Mechanism's to declare: none declared, nothing to count
    assert service.clusters(store, process(), bare, date(2022, 1, 1)) == []


# -- the mechanism file -----------------------------------------------------------------


def test_a_review_of_a_process_without_clusters_is_read_without_cluster_or_group(
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(ME_DEFS))
    doc = a_mutual_evaluation()
    (review,) = doc["reviews"]
    del review["cluster"], review["group"]
    review["reviewers"] = review["reviewers"][:1]  # one assessor is enough for it
    parsed = parse_document(load_text(_yaml(doc), "reviews.yaml"))
    (read,) = parsed.reviews
    assert (read.process, read.cluster, read.group) == ("mutual_evaluation", 0, 0)


def test_a_untoc_review_without_cluster_or_group_is_refused_where_it_is_written() -> None:
    doc = small_document(n_groups=1, per_group=1)
    del doc["reviews"][0]["cluster"], doc["reviews"][0]["group"]
    message = refused_file(doc)
    line = line_of(_yaml(doc), f"- id: {doc['reviews'][0]['id']}")
    assert f"reviews.yaml:{line}: reviews[0].cluster: required key 'cluster' is missing" in message
    assert "a review of country_review is numbered in a cluster, 1..4" in message
    assert "reviews[0].group: required key 'group' is missing" in message


def test_a_untoc_review_outside_the_declared_instruments_or_clusters_is_refused() -> None:
    doc = small_document(n_groups=1, per_group=1)
    doc["reviews"][0]["cluster"] = 5
    doc["reviews"][0]["reviewers"] = doc["reviews"][0]["reviewers"][:1]
    message = refused_file(doc)
    assert "reviews[0].cluster: cluster 5 is not a cluster of the Mechanism" in message
    assert "clusters of country_review: 1..4" in message
    assert "reviews[0].reviewers: a review of country_review has 2 or more reviewing" in message


def test_a_regional_group_not_declared_is_refused_where_it_is_written() -> None:
    doc = small_document(n_groups=1, per_group=1)
    doc["parties"][5]["regional_group"] = "Asia Pacific"
    message = refused_file(doc)
    line = line_of(_yaml(doc), "regional_group: Asia Pacific")
    assert (
        f"reviews.yaml:{line}: parties[5].regional_group: 'Asia Pacific' is not a regional"
        " group of the Mechanism (did you mean 'Asia-Pacific'?)"
    ) in message


BODY = """\
mechanism: regional_body
version: 1
instruments: [{id: STANDARDS, title: {en: The Standards}}]
regional_groups: {groups: [{id: North}, {id: South}]}
reviews:
  mutual_evaluation: {cluster: {min: 1, max: 2}, group: {min: 1}, reviewers: {min: 1}}
"""


def test_a_body_declares_its_own_shape_in_a_mechanism_yaml_of_its_own(
    tmp_path: Path, monkeypatch: Any
) -> None:
    # no Party's instrument, no draw, no clusters, no 70 % rule: left out
    (tmp_path / "mechanism.yaml").write_text(BODY, encoding="utf-8")
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", f"{tmp_path}:{ME_DEFS}")
    doc = a_mutual_evaluation()
    for p in doc["parties"]:
        p["regional_group"] = "North"
        p["instruments"] = {"STANDARDS": "2010-01-01"}
    (review,) = doc["reviews"]
    review["instruments"] = ["STANDARDS"]
    review["reviewers"] = [{"party": review["reviewers"][0]["party"], "instruments": ["STANDARDS"]}]
    (read,) = parse_document(load_text(_yaml(doc), "reviews.yaml")).reviews
    assert (read.cluster, read.group) == (1, 1)
    # the UN groups are not its groups; its reviews are numbered in its range
    doc["parties"][0]["regional_group"] = "WEOG"
    review["cluster"] = 3
    message = refused_file(doc)
    assert "parties[0].regional_group: 'WEOG' is not a regional group of the Mechanism" in message
    assert "regional groups (mechanism.yaml): North, South; or null" in message
    assert "reviews[0].cluster: cluster 3 is not a cluster of the Mechanism" in message
    del review["group"]
    assert "reviews[0].group: required key 'group' is missing" in refused_file(doc)


def test_a_mechanism_that_declares_no_draw_draws_nothing() -> None:
    from untoc_workflow.mechanism.draw import draw_cluster

    body = parse(BODY, processes=("mutual_evaluation",))
    doc = small_document(n_groups=1, per_group=1)
    parsed = parse_document(load_text(_yaml(doc), "reviews.yaml"))
    with pytest.raises(InputError, match="the Mechanism declares no drawing of lots"):
        draw_cluster(parsed.parties, [date(2020, 12, 1)], body, seed=1)


# -- the published schema ---------------------------------------------------------------


def test_the_published_schema_says_the_untoc_shape_of_untoc_reviews_only() -> None:
    schema = json_schema()
    check = jsonschema.Draft202012Validator(schema)
    doc = small_document(n_groups=1, per_group=1)
    assert not list(check.iter_errors(doc))
    bare = copy.deepcopy(doc)
    del bare["reviews"][0]["cluster"]
    assert [e.message for e in check.iter_errors(bare)] == ["'cluster' is a required property"]
    other = copy.deepcopy(bare)
    other["reviews"][0]["process"] = "mutual_evaluation"
    del other["reviews"][0]["group"]
    other["reviews"][0]["reviewers"] = other["reviews"][0]["reviewers"][:1]
    assert not list(check.iter_errors(other))
    strange = copy.deepcopy(doc)
    strange["parties"][0]["regional_group"] = "Asia Pacific"
    assert list(check.iter_errors(strange))
