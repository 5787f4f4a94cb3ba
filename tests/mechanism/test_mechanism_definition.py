"""process_defs/mechanism.yaml: declared, checked, with errors a person can act on."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import MECHANISM, mechanism  # noqa: E402

from untoc_workflow.errors import InputError  # noqa: E402
from untoc_workflow.mechanism.definition import parse_mechanism  # noqa: E402
from untoc_workflow.yamlsource import load_text  # noqa: E402

TEXT = MECHANISM.read_text(encoding="utf-8")


def parse(text: str) -> object:
    return parse_mechanism(load_text(text, "mechanism.yaml"))


def test_the_bundled_definition_states_the_rules_of_the_mechanism() -> None:
    m = mechanism()
    assert m.drawing.redraw_limit == 4
    assert m.next_cluster.threshold_percent == 70 and m.next_cluster.group == 1
    c1 = m.cluster(1)
    assert [(g.group, g.starts_on, g.reviews) for g in c1.groups] == [
        (1, date(2020, 12, 1), 62),
        (2, date(2021, 11, 1), 63),
        (3, date(2022, 11, 1), 64),
    ]
    assert m.next_after(1).number == 4  # international cooperation comes second (para 25)
    assert {c.number for c in m.clusters} == {1, 2, 3, 4}
    assert m.regional_groups.explicit["TUR"].group == "WEOG"
    assert m.regional_groups.explicit["EU"].group == "WEOG"
    # Late joiners (para 9, footnote 2): Bhutan and South Sudan.
    assert m.late_joiners.review_start(date(2023, 2, 20)) == date(2023, 9, 1)
    assert m.late_joiners.review_start(date(2023, 10, 20)) == date(2024, 5, 1)


def test_an_unknown_key_lists_the_allowed_ones_with_a_suggestion_and_the_line() -> None:
    bad = TEXT.replace("  redraw_limit: 4", "  redraw_limt: 4")
    line = bad.splitlines().index("  redraw_limt: 4") + 1
    with pytest.raises(InputError) as exc:
        parse(bad)
    text = str(exc.value)
    assert f"mechanism.yaml:{line}: drawing.redraw_limt: unknown key 'redraw_limt'" in text
    assert "allowed keys: avoid_reciprocal, even_workload" in text
    assert "did you mean 'redraw_limit'?" in text


def test_an_unknown_regional_group_is_reported_with_a_suggestion() -> None:
    bad = TEXT.replace("    TUR:\n      group: WEOG", "    TUR:\n      group: WEOGG")
    with pytest.raises(InputError) as exc:
        parse(bad)
    assert "regional_groups.explicit.TUR.group: 'WEOGG' is not allowed" in str(exc.value)
    assert "did you mean 'WEOG'?" in str(exc.value)


def test_groups_out_of_order_and_a_bad_duration_are_refused() -> None:
    bad = TEXT.replace("{group: 2, starts_on: 2021-11-01", "{group: 2, starts_on: 2019-11-01")
    with pytest.raises(InputError, match="groups must start in date order"):
        parse(bad)
    bad = TEXT.replace("starts_after: 6 months", "starts_after: half a year")
    with pytest.raises(InputError, match="is not a duration"):
        parse(bad)


def test_norway_stays_a_code_not_a_boolean() -> None:
    text = TEXT.replace("    NIU:\n", "    NO:\n      group: WEOG\n      why: test\n    NIU:\n")
    with pytest.raises(InputError) as exc:
        parse(text)
    # 'NO' is read as the string NO (then refused as not a 3-letter code), never as false.
    assert "explicit.NO" in str(exc.value)


def _refused_at(bad: str, needle: str) -> tuple[str, int]:
    with pytest.raises(InputError) as exc:
        parse(bad)
    return str(exc.value), next(i for i, ln in enumerate(bad.splitlines(), 1) if needle in ln)


def test_a_process_no_loaded_definition_declares_is_refused_where_it_is_named() -> None:
    # a slip in the name of the process whose reviews have the UNTOC shape would leave its
    # reviews without clusters, groups or the 70 % rule
    bad = TEXT.replace("  country_review:\n", "  country_reveiw:\n")
    message, line = _refused_at(bad, "reveiw")
    assert (
        f"mechanism.yaml:{line}: reviews.country_reveiw: no loaded process definition"
        " declares the process 'country_reveiw' (did you mean 'country_review'?)"
    ) in message
    bad = TEXT.replace("  process: country_review\n", "  process: countryreview\n")
    message, line = _refused_at(bad, "process: countryreview")
    assert (
        f"mechanism.yaml:{line}: next_cluster.process: no loaded process definition declares"
        " the process 'countryreview' (did you mean 'country_review'?)"
    ) in message
    assert "not numbered in clusters" not in message  # said once, as what it is


BODY = """\
mechanism: regional_body
version: 1
reviews:
  mutual_evaluation: {reviewers: {min: 1}}
"""


def test_the_processes_are_those_the_settings_load(tmp_path: Path, monkeypatch) -> None:
    from untoc_workflow.mechanism.definition import load_mechanism

    for name in ("UNTOC_PROCESS_DEFS", "UNTOC_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no untoc.toml of the checkout's
    path = tmp_path / "mechanism.yaml"
    path.write_text(BODY, encoding="utf-8")
    with pytest.raises(InputError, match="the process 'mutual_evaluation'"):
        load_mechanism(path)
    own = Path(__file__).parents[1] / "processes" / "mutual_evaluation"
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(own))
    assert load_mechanism(path).shape_of("mutual_evaluation").reviewers.min == 1
    # or those the caller names
    with pytest.raises(InputError, match="loaded processes: country_review"):
        load_mechanism(path, processes=("country_review",))


def test_a_tag_on_a_value_or_on_a_key_is_refused_at_its_line_in_the_same_words() -> None:
    bad = TEXT.replace("  redraw_limit: 4", "  redraw_limit: !!python/name:os.system 4").replace(
        "  own_regional_group: 1", "  !!binary b3du: 1"
    )
    with pytest.raises(InputError) as exc:
        load_text(bad, "mechanism.yaml")
    lines = bad.splitlines()
    value = next(i for i, ln in enumerate(lines, 1) if "python/name" in ln)
    key = next(i for i, ln in enumerate(lines, 1) if "!!binary" in ln)
    said = str(exc.value)
    assert (
        f"mechanism.yaml:{value}: drawing.redraw_limit: the tag !!python/name:os.system is not"
        " allowed; write a plain value"
    ) in said
    assert f"mechanism.yaml:{key}: drawing: the tag !!binary is not allowed" in said
