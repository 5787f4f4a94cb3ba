"""Generate the bundled sample mechanism (`mechanism.json`), calibrated on the 2024 paper.

    python -m untoc_workflow.sample.generate [--seed N] [--out PATH]

The sample is fiction built to the shape of the real Mechanism: the 189 Parties with their
real names, ISO codes and UN regional groups, the three groups of cluster 1 with their start
dates, and an event log whose status report on 2024-04-16 reproduces the figures the
secretariat published in its background paper of that date (CTOC/COP/WG.4/2024/..., paras
5-40, figures I-VII). People, emails, dates of individual events and the draw are invented.

Deterministic: the same seed writes the same file, byte for byte.

Choices where the paper is silent or inconsistent (also listed in CALIBRATION below):
- Para 30 says 50 reviews had not started for want of a consultation, para 15 that 116 had
  not started and 65 were held up by missing focal points. 116 - 65 = 51: the sample has 51
  reviews whose three Parties all have focal points but no consultation yet.
- Para 39 says the final list of observations was established for 4 of the 62 reviews of
  group 1, while paras 24 and 39 (first sentence) and figure II say none was completed and 4
  were at the list-of-observations stage. The sample follows figure II: 4 reviews of group 1
  at stage `observations`, 0 completed.
- Para 37: "about 59 % of these reviews are more than a year late". 19 of the 32 late
  reviews (59.4 %) and 22 of the 37 at the stage (59.5 %) both fit; the contract counts
  `late_over_1_year` among the late ones, so the sample has 19.
- Para 32 gives SAQ lateness buckets that add up to 41 (14 + 6 + 11 + 10), so none is
  between three and six months late.
- Figures I, II, III, V and VI are charts whose per-group numbers the text does not give;
  the sample chooses per-group splits that respect the text (group 1 has the most
  consultations, para 26) and the totals. They are the PER_GROUP table below.
- Para 13: 8 Parties named several focal points (174 persons for 163 Parties): 5 Parties
  with two and 3 with three.
- Para 12: ministries of the focal points (48 % foreign affairs, 36 % justice, 16 % interior)
  are 84, 63 and 27 of the 174.
- The 189 Parties: the 193 UN member States less the eight not party to the Convention when
  the reviews began (Bhutan and South Sudan joined in 2023, para 9; the Congo, Iran, Papua New
  Guinea, Solomon Islands, Somalia and Tuvalu are taken as non-parties), plus the State of
  Palestine, the Holy See, the Cook Islands and the European Union.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..dates import add_months, months_late
from ..languages import UN_LANGUAGES

SAMPLE_FILE = Path(__file__).with_name("mechanism.json")
SEED = 20240416
AS_OF = date(2024, 4, 16)  # the date of the background paper
STARTS = {1: date(2020, 12, 1), 2: date(2021, 11, 1), 3: date(2022, 11, 1)}
SIZES = {1: 62, 2: 63, 3: 64}
# The joint intersessional meetings that redrew reviewers (para 7: five, the last 2023-12-05).
REDRAW_MEETINGS = (
    date(2021, 3, 15),
    date(2021, 10, 12),
    date(2022, 6, 21),
    date(2023, 2, 14),
    date(2023, 12, 5),
)

# What the report on 2024-04-16 must show (paper paras 12-40); the test asserts each one.
CALIBRATION: dict[str, Any] = {
    "reviews": 189,
    "under_way": 73,
    "questionnaire": 32,
    "written_feedback": 37,
    "observations": 4,
    "completed": 0,
    "not_started": 116,
    "parties_without_focal_point": 26,
    "reviews_blocked": 65,
    "focal_points": 174,
    "parties_with_focal_point": 163,
    "focal_points_women": 54,
    "parties_changed": 73,
    "parties_with_several": 8,
    "ministries": {"Foreign Affairs": 84, "Justice": 63, "Interior": 27},
    "experts": 1003,
    "experts_women": 343,
    "consultations": 73,
    "languages_single": {"en": 42, "fr": 2, "es": 2, "ar": 1},
    "languages_pairs": {"en+fr": 6, "ar+en": 7, "en+es": 4, "en+ru": 1, "en+zh": 1, "es+fr": 1},
    "languages_triples": {"ar+en+fr": 2, "en+es+fr": 1, "en+fr+ru": 1},
    "languages_none": 2,
    "saq_submitted": 41,
    "saq_lateness": {
        "on_time": 14,
        "late_1_10_days": 6,
        "late_11_days_3_months": 11,
        "late_3_6_months": 0,
        "late_over_6_months": 10,
        "late_over_1_year": 5,
    },
    "feedback_late": 32,
    "feedback_late_over_1_year": 19,
    "feedback_completed": 4,
}

# Per-group splits of figures I, II and III (chosen: the text gives totals only).
PER_GROUP = {
    #       blocked, not blocked & no consultation, questionnaire, feedback, observations
    1: {
        "blocked": 15,
        "waiting": 15,
        "questionnaire": 6,
        "written_feedback": 22,
        "observations": 4,
    },
    2: {
        "blocked": 22,
        "waiting": 19,
        "questionnaire": 10,
        "written_feedback": 12,
        "observations": 0,
    },
    3: {
        "blocked": 28,
        "waiting": 17,
        "questionnaire": 16,
        "written_feedback": 3,
        "observations": 0,
    },
}
# SAQ lateness of the submitted SAQs, by group (para 32 totals), and the written-feedback
# delays of the reviews at that stage (para 37 totals), by group.
SAQ_BUCKETS = {
    1: {"on_time": 9, "1_10": 3, "11_3m": 6, "6_12m": 3, "over_1y": 5},
    2: {"on_time": 4, "1_10": 2, "11_3m": 4, "6_12m": 2, "over_1y": 0},
    3: {"on_time": 1, "1_10": 1, "11_3m": 1, "6_12m": 0, "over_1y": 0},
}
FEEDBACK_BUCKETS = {
    1: {"over_1y": 15, "within_1y": 5, "not_late": 2},
    2: {"over_1y": 4, "within_1y": 6, "not_late": 2},
    3: {"over_1y": 0, "within_1y": 2, "not_late": 1},
}
# Para 40: the four lists of observations under way began (written feedback complete)
# two and a half years, a year and a half, and (twice) five months before the paper.
OBSERVATIONS_BEGAN = (date(2021, 10, 15), date(2022, 10, 20), date(2023, 11, 8), date(2023, 11, 22))

NOT_PARTIES_IN_2020 = ("BTN", "COG", "IRN", "PNG", "SLB", "SOM", "SSD", "TUV")
NON_MEMBER_PARTIES = ("PSE", "VAT", "COK", "EU")

NAMES = {  # UN short names where pycountry's common names differ
    "BOL": "Bolivia (Plurinational State of)",
    "COD": "Democratic Republic of the Congo",
    "FSM": "Micronesia (Federated States of)",
    "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "KOR": "Republic of Korea",
    "LAO": "Lao People's Democratic Republic",
    "MDA": "Republic of Moldova",
    "PRK": "Democratic People's Republic of Korea",
    "PSE": "State of Palestine",
    "RUS": "Russian Federation",
    "SYR": "Syrian Arab Republic",
    "TZA": "United Republic of Tanzania",
    "USA": "United States of America",
    "VAT": "Holy See",
    "VEN": "Venezuela (Bolivarian Republic of)",
    "VNM": "Viet Nam",
}

# Languages of correspondence (UN languages); English for everyone not listed.
_AR = "DZA BHR COM DJI EGY IRQ JOR KWT LBN LBY MRT MAR OMN PSE QAT SAU SDN SYR TUN ARE YEM"
_FR = (
    "BEN BFA BDI CMR CAF TCD COM COD CIV DJI GNQ FRA GAB GIN HTI LUX MDG MLI MCO NER RWA SEN "
    "SYC TGO BEL CHE VUT MAR TUN DZA MRT LBN GNB CPV"
)
_ES = "ARG BOL CHL COL CRI CUB DOM ECU SLV GNQ GTM HND MEX NIC PAN PRY PER ESP URY VEN"
_RU = "RUS BLR KAZ KGZ TJK UZB TKM ARM AZE"
_ZH = "CHN"
_ENGLISH_TOO = "CMR RWA SYC VUT EGY JOR ARE QAT BHR KWT OMN SAU IRQ LBN KAZ ARM"

# Parties whose protocols differ from the random draw below (para 9, footnote 3, and a few
# well-known gaps); dates are those of the footnote.
PROTOCOL_FACTS: dict[str, dict[str, date | None]] = {
    "DEU": {"FIREARMS": date(2021, 10, 14)},
    "AND": {"TIP": date(2022, 9, 21), "SOM": None, "FIREARMS": None},
    "CHN": {"FIREARMS": date(2023, 12, 19), "SOM": None},
    "COM": {"SOM": date(2020, 12, 15), "FIREARMS": date(2021, 6, 4)},
    "LUX": {"FIREARMS": date(2022, 5, 9)},
    "UGA": {"SOM": date(2024, 3, 27), "TIP": date(2024, 3, 27)},
    "PAK": {"TIP": date(2022, 11, 4), "SOM": None, "FIREARMS": None},
    "TCD": {"SOM": date(2022, 9, 23)},
    "USA": {"FIREARMS": None},
    "IND": {"FIREARMS": None},
    "JPN": {"FIREARMS": None},
}
NO_VIENNA_MISSION = ("KIR", "NRU", "MHL", "FSM", "TON", "COK")
MISSION_ELSEWHERE = {"DMA": "New York", "KNA": "New York", "WSM": "New York", "VUT": "Brussels"}

MINISTRIES = ("Foreign Affairs", "Justice", "Interior")
PEOPLE = (  # invented focal points
    "A. Bello",
    "K. Mensah",
    "L. Novak",
    "M. García",
    "S. Haddad",
    "J. Smith",
    "Y. Chen",
    "O. Ivanova",
    "P. Dubois",
    "R. Silva",
    "T. Nakamura",
    "F. Okafor",
    "H. Müller",
    "N. Petrov",
    "D. Costa",
    "E. Ali",
    "I. Rossi",
    "G. Kim",
    "C. Mendes",
    "B. Nowak",
    "V. Popescu",
    "Z. Hussein",
    "W. Tan",
    "Q. Morales",
    "U. Obi",
)


def _names() -> list[str]:
    return list(PEOPLE)


@dataclass
class _Review:
    id: str
    group: int
    reviewed: str
    instruments: tuple[str, ...]
    own: str  # reviewer from the reviewed Party's regional group
    other: str  # reviewer from another group
    listed: list[str] = field(default_factory=list)  # reviewers as drawn (before redraws)

    @property
    def parties(self) -> tuple[str, str, str]:
        return (self.reviewed, self.own, self.other)

    @property
    def start(self) -> date:
        return STARTS[self.group]


def _day(rng: random.Random, lo: date, hi: date) -> date:
    """A uniformly drawn day in [lo, hi]."""
    if hi < lo:
        raise ValueError(f"empty window {lo}..{hi}")
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.events: list[dict[str, Any]] = []

    # -- parties -------------------------------------------------------------------------

    def parties(self) -> list[dict[str, Any]]:
        from ..mechanism.definition import load_mechanism
        from ..mechanism.parties import party_name, regional_group_of, un_member_states

        definition = load_mechanism()
        codes = [c for c in un_member_states(definition) if c not in NOT_PARTIES_IN_2020]
        codes = sorted([*codes, *NON_MEMBER_PARTIES])
        assert len(codes) == 189, len(codes)
        rng = self.rng
        out = []
        langs = {k: set(v.split()) for k, v in (("ar", _AR), ("fr", _FR), ("es", _ES))}
        langs |= {"ru": set(_RU.split()), "zh": set(_ZH.split())}
        english_too = set(_ENGLISH_TOO.split())
        for code in codes:
            group = regional_group_of(code, definition)
            assert group is not None, code
            untoc = _day(rng, date(2001, 1, 1), date(2012, 12, 31))
            if code == "EU":
                untoc = date(2004, 5, 21)
            instruments: dict[str, date | None] = {"UNTOC": untoc}
            for proto, share in (("TIP", 0.96), ("SOM", 0.8), ("FIREARMS", 0.64)):
                has = rng.random() < share
                instruments[proto] = _day(rng, untoc, date(2019, 12, 31)) if has else None
            instruments.update(PROTOCOL_FACTS.get(code, {}))
            spoken = [lang for lang in UN_LANGUAGES if lang != "en" and code in langs[lang]]
            if not spoken or code in english_too or code == "EU":
                spoken.append("en")
            if code == "EU":
                spoken = ["en", "fr"]
            party: dict[str, Any] = {
                "code": code,
                "name": NAMES.get(code) or party_name(code),
                "regional_group": group,
                "instruments": {k: v.isoformat() for k, v in instruments.items() if v},
            }
            if code in NO_VIENNA_MISSION:
                party["mission"] = None
            else:
                party["mission"] = {
                    "email": f"mission.{code.lower()}@example.org",
                    "city": MISSION_ELSEWHERE.get(code, "Vienna"),
                }
            party["languages"] = spoken
            out.append(party)
        self.by_code = {p["code"]: p for p in out}
        return out

    def _instruments_on(self, code: str, on: date) -> tuple[str, ...]:
        have = self.by_code[code]["instruments"]
        return tuple(
            i
            for i in ("UNTOC", "TIP", "SOM", "FIREARMS")
            if i in have and date.fromisoformat(have[i]) <= on
        )

    # -- the draw ------------------------------------------------------------------------

    def draw(self) -> list[_Review]:
        """Groups of 62/63/64 mixing every regional group; two reviewers per review.

        Every Party reviews exactly twice: once in its own regional group (a derangement
        within the group) and once in another (a permutation across groups).
        """
        rng = self.rng
        codes = sorted(self.by_code)
        region = {c: self.by_code[c]["regional_group"] for c in codes}
        order: list[str] = []
        for r in sorted(set(region.values())):
            members = [c for c in codes if region[c] == r]
            rng.shuffle(members)
            order.extend(members)
        groups: dict[int, list[str]] = {1: [], 2: [], 3: []}
        g = 1
        for code in order:
            while len(groups[g]) >= SIZES[g]:
                g = g % 3 + 1
            groups[g].append(code)
            g = g % 3 + 1
        group_of = {c: g for g, members in groups.items() for c in members}

        own: dict[str, str] = {}
        for r in sorted(set(region.values())):
            members = sorted(c for c in codes if region[c] == r)
            while True:
                shuffled = members[:]
                rng.shuffle(shuffled)
                if all(a != b for a, b in zip(members, shuffled, strict=True)):
                    break
            own.update(zip(members, shuffled, strict=True))
        other = self._other_permutation(codes, region, group_of, own)
        reviews = []
        for code in codes:
            g = group_of[code]
            rid = f"C1-G{g}-{code}"
            instruments = self._instruments_on(code, STARTS[g])
            reviews.append(_Review(rid, g, code, instruments, own[code], other[code]))
        return sorted(reviews, key=lambda r: (r.group, r.reviewed))

    def _covers(self, reviewed: str, a: str, b: str, group: int) -> bool:
        on = STARTS[group]
        need = set(self._instruments_on(reviewed, on))
        return need <= set(self._instruments_on(a, on)) | set(self._instruments_on(b, on))

    def _other_permutation(
        self,
        codes: list[str],
        region: dict[str, str],
        group_of: dict[str, int],
        own: dict[str, str],
    ) -> dict[str, str]:
        rng = self.rng
        pool = codes[:]
        rng.shuffle(pool)
        other = dict(zip(codes, pool, strict=True))

        def ok(c: str, o: str) -> bool:
            return (
                region[o] != region[c] and o != own[c] and self._covers(c, own[c], o, group_of[c])
            )

        for _ in range(200):
            bad = [c for c in codes if not ok(c, other[c])]
            if not bad:
                return other
            for c in bad:
                for d in rng.sample(codes, len(codes)):
                    if ok(c, other[d]) and ok(d, other[c]):
                        other[c], other[d] = other[d], other[c]
                        break
        raise RuntimeError("could not draw the other-group reviewers")

    # -- who has no focal point: 26 Parties holding up 65 reviews ------------------------

    def parties_without(self, reviews: list[_Review]) -> set[str]:
        rng = self.rng
        codes = sorted(self.by_code)
        involved: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(reviews):
            for p in set(r.parties):
                involved[p].append(i)
        target = {g: PER_GROUP[g]["blocked"] for g in (1, 2, 3)}

        def cost(chosen: set[str]) -> int:
            blocked = {i for p in chosen for i in involved[p]}
            per = Counter(reviews[i].group for i in blocked)
            return sum(abs(per[g] - target[g]) for g in target)

        chosen = set(rng.sample(codes, CALIBRATION["parties_without_focal_point"]))
        current = cost(chosen)
        for _ in range(20000):
            if current == 0:
                return chosen
            out_p = rng.choice(sorted(chosen))
            in_p = rng.choice([c for c in codes if c not in chosen])
            trial = (chosen - {out_p}) | {in_p}
            c = cost(trial)
            if c <= current or rng.random() < 0.02:
                chosen, current = trial, c
        raise RuntimeError("no set of Parties without focal points fits the paper")

    # -- events --------------------------------------------------------------------------

    def add(self, on: date, type_: str, **fields: Any) -> None:
        assert on <= AS_OF or fields.get("_future"), (on, type_)
        fields.pop("_future", None)
        self.events.append({"on": on.isoformat(), "type": type_, **fields})


def generate(seed: int = SEED) -> dict[str, Any]:
    """The sample mechanism file as a dict (untoc-mechanism/1)."""
    gen = _Generator(seed)
    rng = gen.rng
    parties = gen.parties()
    reviews = gen.draw()
    without = gen.parties_without(reviews)
    blocked = [r for r in reviews if set(r.parties) & without]
    assert len(blocked) == CALIBRATION["reviews_blocked"]

    # Which reviews have held their consultation, and at which stage each is.
    stage_of: dict[str, str] = {}
    for g in (1, 2, 3):
        free = [r for r in reviews if r.group == g and r not in blocked]
        rng.shuffle(free)
        spec = PER_GROUP[g]
        cut = 0
        for stage in ("observations", "written_feedback", "questionnaire", "waiting"):
            for r in free[cut : cut + spec[stage]]:
                stage_of[r.id] = stage
            cut += spec[stage]
        assert cut == len(free), (g, cut, len(free))
    for r in blocked:
        stage_of[r.id] = "blocked"

    timeline = _Timelines(gen, reviews, stage_of)
    timeline.build()
    _redraws(gen, reviews, stage_of, timeline, without)
    _focal_points(gen, reviews, without, timeline)
    _experts(gen, without, timeline)
    _languages(gen, reviews, stage_of, timeline)
    timeline.emit()

    order = {
        "focal_point_nominated": 0,
        "focal_point_withdrawn": 1,
        "experts_nominated": 2,
        "reviewer_replaced": 3,
        "preliminary_consultation_held": 4,
        "deadline_extended": 5,
        "saq_submitted": 6,
        "written_feedback_submitted": 7,
        "observations_agreed": 8,
    }
    events = sorted(
        gen.events,
        key=lambda e: (e["on"], order[e["type"]], e.get("review", ""), e.get("party", "")),
    )
    review_dicts = []
    for r in reviews:
        listed = r.listed or [r.own, r.other]
        review_dicts.append(
            {
                "id": r.id,
                "cluster": 1,
                "group": r.group,
                "reviewed": r.reviewed,
                "instruments": list(r.instruments),
                "reviewers": [
                    {"party": p, "instruments": _reviewer_instruments(gen, r, p)} for p in listed
                ],
                "starts_on": r.start.isoformat(),
            }
        )
    return {
        "format": "untoc-mechanism/1",
        "parties": parties,
        "reviews": review_dicts,
        "events": events,
    }


def _reviewer_instruments(gen: _Generator, r: _Review, party: str) -> list[str]:
    have = set(gen._instruments_on(party, r.start))
    return [i for i in r.instruments if i in have]


class _Timelines:
    """Dates of each consulted review: consultation, agreed schedule, SAQ, feedback."""

    def __init__(self, gen: _Generator, reviews: list[_Review], stage_of: dict[str, str]):
        self.gen = gen
        self.reviews = reviews
        self.stage_of = stage_of
        self.consulted: dict[str, date] = {}
        self.plans: dict[str, dict[str, Any]] = {}

    def build(self) -> None:
        rng = self.gen.rng
        for g in (1, 2, 3):
            mine = [r for r in self.reviews if r.group == g]
            feedback = [r for r in mine if self.stage_of[r.id] == "written_feedback"]
            observations = [r for r in mine if self.stage_of[r.id] == "observations"]
            questionnaire = [r for r in mine if self.stage_of[r.id] == "questionnaire"]
            saq_buckets = [b for b, n in SAQ_BUCKETS[g].items() for _ in range(n)]
            fb_buckets = [b for b, n in FEEDBACK_BUCKETS[g].items() for _ in range(n)]
            # the lists of observations under way followed timely SAQs (para 40)
            began_on = OBSERVATIONS_BEGAN if observations else ()
            for r, began in zip(observations, began_on, strict=True):
                saq_buckets.remove("on_time")
                self.plans[r.id] = self._plan_observations(r, began)
            rng.shuffle(saq_buckets)
            rng.shuffle(fb_buckets)
            # the latest SAQs go with feedback more than a year late, where time allows
            pairs = sorted(zip(saq_buckets, strict=True), key=lambda b: b[0] != "over_1y")
            saq_buckets = [p[0] for p in pairs]
            fb_buckets.sort(key=lambda b: b != "over_1y")
            for r, sb, fb in zip(feedback, saq_buckets, fb_buckets, strict=True):
                self.plans[r.id] = self._plan_feedback(r, sb, fb)
            for r in questionnaire:
                self.plans[r.id] = self._plan_questionnaire(r)
        for rid, plan in self.plans.items():
            self.consulted[rid] = plan["consultation"]

    # Each plan is drawn until its dates meet every constraint (rejection sampling).

    def _window(self, r: _Review, months: int) -> tuple[date, date]:
        return r.start + timedelta(days=20), add_months(r.start, months)

    def _plan_observations(self, r: _Review, began: date) -> dict[str, Any]:
        rng = self.gen.rng
        while True:
            c = _day(rng, *self._window(r, 3))
            a_saq = add_months(c, 6)
            q = _day(rng, a_saq - timedelta(days=40), a_saq)
            if q >= began - timedelta(days=60):
                continue
            a_wf = add_months(a_saq, 6)
            return {
                "consultation": c,
                "agreed": {
                    "saq": a_saq,
                    "written_feedback": a_wf,
                    "observations": add_months(a_wf, 6),
                },
                "saq": q,
                "feedback": [(r.own, _day(rng, q + timedelta(days=30), began)), (r.other, began)],
                "extensions": [],
            }

    def _plan_feedback(self, r: _Review, saq_bucket: str, fb_bucket: str) -> dict[str, Any]:
        rng = self.gen.rng
        late_days = {
            "on_time": (-45, 0),
            "1_10": (1, 10),
            "11_3m": (11, 88),
            "6_12m": (190, 360),
            "over_1y": (380, 560),
        }[saq_bucket]
        for _ in range(10000):
            c = _day(rng, *self._window(r, 14 if r.group < 3 else 6))
            a_saq = add_months(c, 6)
            q = a_saq + timedelta(days=rng.randint(*late_days))
            if not _saq_bucket_ok(saq_bucket, a_saq, q) or q > AS_OF - timedelta(days=30):
                continue
            a_wf = add_months(a_saq, 6)
            plan: dict[str, Any] = {
                "consultation": c,
                "agreed": {
                    "saq": a_saq,
                    "written_feedback": a_wf,
                    "observations": add_months(a_wf, 6),
                },
                "saq": q,
                "feedback": [],
                "extensions": [],
            }
            due = a_wf
            if fb_bucket == "over_1y":
                if not add_months(due, 12) < AS_OF:
                    continue
            else:
                lo, hi = (
                    (add_months(AS_OF, -12), AS_OF - timedelta(days=1))
                    if fb_bucket == "within_1y"
                    else (AS_OF, add_months(AS_OF, 5))
                )
                if not (lo <= due <= hi):
                    # the reviewers agreed a new date with the reviewed Party
                    try:
                        new_due = _day(rng, max(lo, q + timedelta(days=60)), hi)
                        asked = _day(
                            rng, q + timedelta(days=1), min(new_due, AS_OF) - timedelta(days=1)
                        )
                    except ValueError:
                        continue
                    if new_due <= due:
                        continue
                    plan["extensions"].append(("written_feedback", asked, new_due))
            # some reviewers have sent their part already (the step waits for the other)
            if rng.random() < 0.25:
                plan["feedback"].append((rng.choice([r.own, r.other]), _day(rng, q, AS_OF)))
            return plan
        raise RuntimeError(f"no timeline fits {r.id} ({saq_bucket}, {fb_bucket})")

    def _plan_questionnaire(self, r: _Review) -> dict[str, Any]:
        rng = self.gen.rng
        c = _day(rng, r.start + timedelta(days=30), AS_OF - timedelta(days=20))
        a_saq = add_months(c, 6)
        plan: dict[str, Any] = {
            "consultation": c,
            "agreed": {
                "saq": a_saq,
                "written_feedback": add_months(a_saq, 6),
                "observations": add_months(a_saq, 12),
            },
            "saq": None,
            "feedback": [],
            "extensions": [],
        }
        if a_saq < AS_OF and rng.random() < 0.3:
            new_due = add_months(a_saq, rng.choice((3, 6)))
            plan["extensions"].append(("saq", _day(rng, c, min(a_saq, AS_OF)), new_due))
        return plan

    def emit(self) -> None:
        gen = self.gen
        for rid, plan in sorted(self.plans.items()):
            agreed = {k: v.isoformat() for k, v in plan["agreed"].items()}
            gen.add(
                plan["consultation"],
                "preliminary_consultation_held",
                review=rid,
                languages=plan["languages"],
                agreed=agreed,
            )
            for step, asked, due in plan["extensions"]:
                gen.add(
                    asked,
                    "deadline_extended",
                    review=rid,
                    step=step,
                    due=due.isoformat(),
                    basis="new date agreed by the reviewed Party and its reviewers",
                )
            if plan["saq"] is not None:
                gen.add(plan["saq"], "saq_submitted", review=rid)
            for party, on in plan["feedback"]:
                gen.add(on, "written_feedback_submitted", review=rid, party=party)


def _saq_bucket_ok(bucket: str, due: date, submitted: date) -> bool:
    days = (submitted - due).days
    months = months_late(due, submitted)
    return {
        "on_time": days <= 0,
        "1_10": 1 <= days <= 10,
        "11_3m": days > 10 and months < 3,
        "6_12m": 6 <= months < 12,
        "over_1y": months >= 12,
    }[bucket]


def _redraws(
    gen: _Generator,
    reviews: list[_Review],
    stage_of: dict[str, str],
    timeline: _Timelines,
    without: set[str],
) -> None:
    """A few reviewers were redrawn at the intersessional meetings, before the consultation."""
    rng = gen.rng
    region = {c: p["regional_group"] for c, p in gen.by_code.items()}
    candidates = [r for r in reviews if stage_of[r.id] != "blocked"]
    rng.shuffle(candidates)
    done = 0
    for r in candidates:
        if done == 6:
            break
        before = timeline.consulted.get(r.id, AS_OF)
        meetings = [m for m in REDRAW_MEETINGS if r.start < m < before - timedelta(days=14)]
        if not meetings:
            continue
        joining = r.other
        need = set(_reviewer_instruments(gen, r, joining))
        pool = [
            c
            for c in sorted(gen.by_code)
            if c not in without
            and c not in r.parties
            and region[c] != region[r.reviewed]
            and need <= set(gen._instruments_on(c, r.start))
        ]
        leaving = rng.choice(pool)
        r.listed = [r.own, leaving]
        gen.add(
            rng.choice(meetings),
            "reviewer_replaced",
            review=r.id,
            party=leaving,
            by=joining,
            requested_by=leaving,
        )
        done += 1


def _focal_points(
    gen: _Generator, reviews: list[_Review], without: set[str], timeline: _Timelines
) -> None:
    """174 focal points of 163 Parties on 2024-04-16; 73 Parties changed theirs (paras 12-15)."""
    rng = gen.rng
    first_start: dict[str, date] = {}
    must_before: dict[str, date] = {}
    for r in reviews:
        for p in r.parties:
            first_start[p] = min(first_start.get(p, r.start), r.start)
            c = timeline.consulted.get(r.id)
            if c is not None:
                must_before[p] = min(must_before.get(p, c), c)
    with_fp = sorted(c for c in gen.by_code if c not in without)
    assert len(with_fp) == CALIBRATION["parties_with_focal_point"]
    nominated: dict[str, date] = {}
    for p in with_fp:
        lo = first_start[p] - timedelta(days=30)
        if p in must_before:
            hi = min(must_before[p] - timedelta(days=1), first_start[p] + timedelta(days=90))
            hi = max(hi, lo)
        else:
            # Parties only in reviews still waiting for their consultation: some named late
            hi = min(
                first_start[p] + timedelta(days=rng.choice((60, 400, 900))),
                AS_OF - timedelta(days=10),
            )
        nominated[p] = _day(rng, lo, hi)

    several = rng.sample(with_fp, CALIBRATION["parties_with_several"])
    extra = {p: (2 if i < 3 else 1) for i, p in enumerate(several)}  # 3x3 persons, 5x2
    assert sum(extra.values()) + len(with_fp) == CALIBRATION["focal_points"]
    changed = set(rng.sample(with_fp, CALIBRATION["parties_changed"]))
    twice = set(rng.sample(sorted(changed), 15))

    names = _names()
    people: list[tuple[str, dict[str, Any]]] = []  # (party, nomination event), final ones tagged
    serial: Counter[str] = Counter()

    def person(p: str) -> dict[str, Any]:
        serial[p] += 1
        n = serial[p]
        lang = gen.by_code[p]["languages"][0]
        return {
            "name": f"{rng.choice(names)} ({p})",
            "email": f"fp{n}.{p.lower()}@example.org",
            "language": lang,
        }

    for p in with_fp:
        timeline_p: list[tuple[date, str, dict[str, Any]]] = []
        current = [person(p)]
        day0 = nominated[p]
        events = [(day0, current[0], None)]
        for _ in range(extra.get(p, 0)):
            d = _day(rng, day0 + timedelta(days=1), min(day0 + timedelta(days=300), AS_OF))
            newcomer = person(p)
            current.append(newcomer)
            events.append((d, newcomer, None))
        events.sort(key=lambda e: e[0])
        changes = (2 if p in twice else 1) if p in changed else 0
        last = max(e[0] for e in events)
        for _ in range(changes):
            if last >= AS_OF - timedelta(days=2):
                last = AS_OF - timedelta(days=40)
            d = _day(rng, last + timedelta(days=1), AS_OF - timedelta(days=1))
            in_office = [e[1] for e in events if e[1] in current]
            old = rng.choice(in_office)
            newcomer = person(p)
            current[current.index(old)] = newcomer
            events.append((d, newcomer, old["email"]))
            last = d
        for d, who, replaces in events:
            timeline_p.append((d, p, {"person": who, "replaces": replaces}))
        for d, party, fields in timeline_p:
            people.append((party, {"on": d, **fields, "final": fields["person"] in current}))

    # Gender and ministry: exact shares among the persons in office on the paper's date.
    finals = [e for _, e in people if e["final"]]
    assert len(finals) == CALIBRATION["focal_points"]
    genders = ["female"] * CALIBRATION["focal_points_women"]
    genders += ["male"] * (len(finals) - len(genders))
    ministries = [m for m, n in CALIBRATION["ministries"].items() for _ in range(n)]
    rng.shuffle(genders)
    rng.shuffle(ministries)
    for e, g, m in zip(finals, genders, ministries, strict=True):
        e["person"]["gender"] = g
        e["person"]["ministry"] = m
    for _, e in people:
        e["person"].setdefault("gender", rng.choice(("female", "male", "male")))
        e["person"].setdefault("ministry", rng.choice(MINISTRIES))
    for party, e in people:
        fields: dict[str, Any] = {"party": party, "person": e["person"]}
        if e["replaces"]:
            fields["replaces"] = e["replaces"]
        gen.add(e["on"], "focal_point_nominated", **fields)
    gen.nominated = nominated  # type: ignore[attr-defined]


def _experts(gen: _Generator, without: set[str], timeline: _Timelines) -> None:
    """1,003 governmental experts, 343 of them women, named by the 163 Parties (para 18)."""
    rng = gen.rng
    parties = sorted(c for c in gen.by_code if c not in without)
    total, women = CALIBRATION["experts"], CALIBRATION["experts_women"]
    counts = {p: rng.randint(2, 9) for p in parties}
    while sum(counts.values()) != total:
        p = rng.choice(parties)
        if sum(counts.values()) < total:
            counts[p] += 1
        elif counts[p] > 1:
            counts[p] -= 1
    w = {p: rng.randint(0, counts[p] // 2 + 1) for p in parties}
    w = {p: min(n, counts[p]) for p, n in w.items()}
    while sum(w.values()) != women:
        p = rng.choice(parties)
        if sum(w.values()) < women and w[p] < counts[p]:
            w[p] += 1
        elif sum(w.values()) > women and w[p] > 0:
            w[p] -= 1
    nominated: dict[str, date] = gen.nominated  # type: ignore[attr-defined]
    for p in parties:
        first = min(nominated[p] + timedelta(days=rng.randint(0, 60)), AS_OF)
        n, nw = counts[p], w[p]
        if n >= 4 and rng.random() < 0.3:  # a second list named later
            n2 = rng.randint(1, n // 2)
            w2 = min(nw, rng.randint(0, n2))
            later = _day(rng, first, AS_OF)
            gen.add(later, "experts_nominated", party=p, count=n2, women=w2)
            n, nw = n - n2, nw - w2
        gen.add(first, "experts_nominated", party=p, count=n, women=nw)


def _languages(
    gen: _Generator, reviews: list[_Review], stage_of: dict[str, str], timeline: _Timelines
) -> None:
    """Working languages agreed at the 73 consultations (figure IV, para 28)."""
    rng = gen.rng
    combos: list[list[str]] = []
    for table in ("languages_single", "languages_pairs", "languages_triples"):
        for key, n in CALIBRATION[table].items():
            combos += [key.split("+")] * n
    combos += [[]] * CALIBRATION["languages_none"]
    consulted = [r for r in reviews if r.id in timeline.plans]
    assert len(combos) == len(consulted)
    spoken = {
        r.id: Counter(lang for p in r.parties for lang in gen.by_code[p]["languages"])
        for r in consulted
    }
    # The rarest combinations first, each to the review whose Parties speak it most;
    # no agreement only where the review is still at the questionnaire.
    combos.sort(key=lambda c: (len(c) == 0, c == ["en"], -len(c)))
    free = {r.id for r in consulted}
    for combo in combos:
        choices = sorted(free)
        if not combo:
            choices = [c for c in choices if stage_of[c] == "questionnaire"] or choices
        rng.shuffle(choices)
        best = max(choices, key=lambda rid: sum(spoken[rid][lang] for lang in combo))
        timeline.plans[best]["languages"] = combo
        free.remove(best)


def write(path: Path = SAMPLE_FILE, seed: int = SEED) -> Path:
    doc = generate(seed)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=SAMPLE_FILE)
    args = parser.parse_args(argv)
    print(write(args.out, args.seed))


if __name__ == "__main__":
    main()
