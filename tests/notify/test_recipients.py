"""Recipients by role on the date: current focal points only, fallback along the ladder with
the reason, and never anyone outside the review."""

from __future__ import annotations

from datetime import date

from untoc_workflow.core import Event, Mission, Party, focal_points_on
from untoc_workflow.definitions import load_process
from untoc_workflow.notify.recipients import RecipientResolver, valid_address

from .conftest import PRESIDENCY, SECRETARIAT

DEFINITION = load_process()


def _party(code: str, mission: bool = True, languages: tuple[str, ...] = ("en",)) -> Party:
    return Party(
        code=code,
        name={
            "NGA": "Nigeria",
            "GHA": "Ghana",
            "DEU": "Germany",
            "NOR": "Norway",
            "XXX": "Outsider",
        }[code],
        regional_group="African",
        instruments={"UNTOC": date(2001, 1, 1)},
        mission=Mission(f"mission.{code.lower()}@example.org") if mission else None,
        languages=languages,
    )


PARTIES = {
    "NGA": _party("NGA"),
    "GHA": _party("GHA"),
    "DEU": _party("DEU", languages=("en", "fr")),
    "NOR": _party("NOR", mission=False),
    "XXX": _party("XXX"),
}


def _nominated(
    on: str, party: str, email: str, replaces: str | None = None, name: str = "P"
) -> Event:
    data = {"person": {"name": name, "email": email}}
    if replaces:
        data["replaces"] = replaces
    return Event(on=date.fromisoformat(on), type="focal_point_nominated", party=party, data=data)


EVENTS = [
    _nominated("2023-01-05", "NGA", "a.bello@example.org", name="A. Bello"),
    _nominated("2023-01-05", "GHA", "k.mensah@example.org"),
    _nominated("2023-01-05", "DEU", "j.weber@example.org"),
    _nominated("2023-01-05", "XXX", "x@example.org"),
    # Nigeria replaces its focal point on 2023-06-10
    _nominated(
        "2023-06-10",
        "NGA",
        "b.okafor@example.org",
        replaces="a.bello@example.org",
        name="B. Okafor",
    ),
]


def resolver(on: str) -> RecipientResolver:
    return RecipientResolver(
        PARTIES, focal_points_on(EVENTS, date.fromisoformat(on)), SECRETARIAT, PRESIDENCY
    )


def _ladder(step: str, rung: str) -> tuple:
    ladder = DEFINITION.step(step).ladder
    ids = [r.id for r in ladder]
    return tuple(ladder[ids.index(rung) + 1 :])


def test_a_focal_point_replaced_yesterday_receives_nothing():
    before = resolver("2023-06-09").resolve(
        to=["waiting.focal_point"],
        cc=[],
        reviewed="NGA",
        reviewers=["GHA", "DEU"],
        waiting_for=["NGA"],
    )
    after = resolver("2023-06-11").resolve(
        to=["waiting.focal_point"],
        cc=[],
        reviewed="NGA",
        reviewers=["GHA", "DEU"],
        waiting_for=["NGA"],
    )
    assert [r.email for r in before.recipients] == ["a.bello@example.org"]
    assert [r.email for r in after.recipients] == ["b.okafor@example.org"]


def test_reviewers_focal_points_and_copies_to_the_secretariat():
    res = resolver("2023-07-01").resolve(
        to=["reviewed.focal_point", "reviewers.focal_point"],
        cc=["secretariat"],
        reviewed="NGA",
        reviewers=["GHA", "DEU"],
        waiting_for=["NGA"],
    )
    assert [(r.email, r.copy, r.kind) for r in res.recipients] == [
        ("b.okafor@example.org", False, "focal_point"),
        ("k.mensah@example.org", False, "focal_point"),
        ("j.weber@example.org", False, "focal_point"),
        (SECRETARIAT.email, True, "secretariat"),
    ]


def test_a_party_without_focal_point_falls_back_to_its_mission_with_the_reason():
    # Norway has no focal point: the SAQ reminder climbs the ladder to the mission rung,
    # and Norway has no mission either, so it goes on to the secretariat (cc of that rung).
    res = resolver("2023-07-01").resolve(
        to=["waiting.focal_point"],
        cc=[],
        reviewed="NOR",
        reviewers=["GHA", "DEU"],
        waiting_for=["NOR"],
        later_rungs=_ladder("saq", "reminder"),
    )
    assert [r.email for r in res.recipients] == [SECRETARIAT.email]
    fb = res.recipients[0].fallback
    assert [(f.party, f.reason, f.instead_of) for f in fb] == [
        ("NOR", "no_focal_point", "waiting.focal_point")
    ]


def test_a_reviewer_without_focal_point_falls_back_to_its_own_mission():
    roll_events = [e for e in EVENTS if e.party != "GHA"]
    r = RecipientResolver(
        PARTIES, focal_points_on(roll_events, date(2023, 7, 1)), SECRETARIAT, PRESIDENCY
    )
    res = r.resolve(
        to=["waiting.focal_point"],
        cc=[],
        reviewed="NGA",
        reviewers=["GHA", "DEU"],
        waiting_for=["GHA", "DEU"],
        later_rungs=_ladder("written_feedback", "overdue"),
    )
    emails = {x.email: x for x in res.recipients}
    assert set(emails) == {"mission.gha@example.org", "j.weber@example.org"}
    assert emails["mission.gha@example.org"].fallback[0].reason == "no_focal_point"
    assert emails["mission.gha@example.org"].party == "GHA"
    assert emails["j.weber@example.org"].fallback == ()


def test_a_party_without_mission_falls_back_to_the_presidency_at_the_top_of_the_ladder():
    res = resolver("2023-07-01").resolve(
        to=["waiting.mission"],
        cc=["secretariat"],
        reviewed="NOR",
        reviewers=["GHA", "DEU"],
        waiting_for=["NOR"],
        later_rungs=_ladder("focal_points", "overdue"),
    )
    by_email = {r.email: r for r in res.recipients}
    assert set(by_email) == {PRESIDENCY.email, SECRETARIAT.email}
    assert by_email[PRESIDENCY.email].fallback[0].reason == "no_mission"
    assert by_email[SECRETARIAT.email].copy is True


def test_nobody_outside_the_review_is_ever_addressed():
    res = resolver("2023-07-01").resolve(
        to=["waiting.focal_point", "waiting.mission"],
        cc=[],
        reviewed="NGA",
        reviewers=["GHA", "DEU"],
        waiting_for=["NGA", "XXX"],
    )
    assert res.withheld == ["XXX"]
    assert all(r.party in ("NGA", None) for r in res.recipients)
    assert "x@example.org" not in {r.email for r in res.recipients}
    assert "mission.xxx@example.org" not in {r.email for r in res.recipients}


def test_an_address_that_could_inject_headers_is_not_used():
    assert valid_address("a.bello@example.org")
    for bad in (
        "a@example.org\r\nBcc: evil@example.org",
        "a b@example.org",
        "<a@example.org>",
        "a@example.org, evil@example.org",
        "",
        "a@localhost",
        "é@example.org",
    ):
        assert not valid_address(bad), bad
    events = [_nominated("2023-01-05", "NGA", "a@example.org\r\nBcc: evil@example.org")]
    r = RecipientResolver(
        PARTIES, focal_points_on(events, date(2023, 7, 1)), SECRETARIAT, PRESIDENCY
    )
    res = r.resolve(
        to=["waiting.focal_point"],
        cc=[],
        reviewed="NGA",
        reviewers=["GHA"],
        waiting_for=["NGA"],
        later_rungs=_ladder("saq", "reminder"),
    )
    assert [x.email for x in res.recipients] == ["mission.nga@example.org"]
    assert res.recipients[0].fallback[0].reason == "bad_address"
