"""Generate a large, valid mechanism file for the store benchmark.

    .venv/bin/python bench/generate.py --reviews 10000 --events 1000000 --out /tmp/mech.json

Deterministic for a seed. Parties are real-looking (three-letter codes, all four
instruments for most); each review gets the whole life of a country review, and the rest
of the events are deadline extensions, focal-point changes and expert nominations, which
is where a long-running Mechanism accumulates its history.

Every fact can be true, so `untoc import` accepts the whole file: an extension is dated
while the step it names is open (after it starts, before the fact that completes it) and
gives a date after the deadline in force then (the one before it in its step's chain, or
the step's own: the consultation's agreed date or the definition's six months); a step
gets at most MAX_EXTENSIONS, and once it has them the events are other history.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import string
from datetime import date, timedelta
from pathlib import Path

GROUPS = ["African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG"]
INSTRUMENTS = ["UNTOC", "TIP", "SOM", "FIREARMS"]
LANGS = ["ar", "zh", "en", "fr", "ru", "es"]
# no generated fact is dated after this day (`untoc import` refuses a fact after its date)
HORIZON = date(2026, 6, 30)
# a step's clock in process_defs/country_review.yaml is six months: at most this many days
SIX_MONTHS = timedelta(days=184)
MAX_EXTENSIONS = 3  # per step of a review: more would be no plausible history


class _Window:
    """When one step of one generated review is open, and a date on or after its own
    deadline (the model's, never earlier than what the process definition gives). A plain
    class: tests load this file as a module of no package, where a dataclass cannot be made."""

    __slots__ = ("review", "step", "opens", "closes", "own_due", "extensions")

    def __init__(self, review: str, step: str, opens: date, closes: date, own_due: date) -> None:
        self.review, self.step, self.opens, self.own_due = review, step, opens, own_due
        self.closes = closes  # the day the step is completed, or the day after HORIZON
        self.extensions = 0


def _codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    codes = ["".join(t) for t in itertools.product(letters, repeat=3)]
    random.Random(7).shuffle(codes)
    return sorted(codes[:n])


def _iso(d: date) -> str:
    return d.isoformat()


def generate(reviews: int, events: int, parties: int = 190, seed: int = 1) -> dict:
    rng = random.Random(seed)
    codes = _codes(parties)
    party_list = []
    instruments_of: dict[str, list[str]] = {}
    for code in codes:
        inst = ["UNTOC", "TIP", "SOM"] + (["FIREARMS"] if rng.random() < 0.8 else [])
        instruments_of[code] = inst
        since = date(2001, 1, 1) + timedelta(days=rng.randrange(4000))
        party_list.append(
            {
                "code": code,
                "name": f"Party {code}",
                "regional_group": rng.choice(GROUPS),
                "instruments": {
                    i: _iso(since + timedelta(days=30 * k)) for k, i in enumerate(inst)
                },
                "mission": {"email": f"mission.{code.lower()}@example.org", "city": "Vienna"},
                "languages": [rng.choice(LANGS)],
            }
        )

    review_list = []
    for n in range(reviews):
        reviewed = codes[n % parties]
        cluster = 1 + (n // parties) % 4
        inst = instruments_of[reviewed]
        reviewers = []
        while len(reviewers) < 2:
            c = rng.choice(codes)
            if c != reviewed and c not in reviewers:
                reviewers.append(c)
        review_list.append(
            {
                "id": f"C{cluster}-G{1 + n % 3}-{reviewed}-{n:05d}",
                "cluster": cluster,
                "group": 1 + n % 3,
                "reviewed": reviewed,
                "instruments": ["UNTOC"],
                "reviewers": [{"party": r, "instruments": ["UNTOC"]} for r in reviewers],
                "starts_on": _iso(date(2020, 6, 1) + timedelta(days=rng.randrange(1500))),
            }
        )
        del inst

    out: list[dict] = []
    # every party names a focal point before the reviews start
    focal: dict[str, str] = {}
    for code in codes:
        email = f"fp.{code.lower()}.0@example.org"
        focal[code] = email
        out.append(
            {
                "on": "2020-05-01",
                "type": "focal_point_nominated",
                "party": code,
                "person": {"name": f"Focal point {code}", "email": email, "language": "en"},
            }
        )
    # each review's life, and the windows in which its steps are open
    windows: list[list[_Window]] = []
    never = HORIZON + timedelta(days=1)
    for r in review_list:
        start = date.fromisoformat(r["starts_on"])
        rid = r["id"]
        day = start + timedelta(days=rng.randrange(20, 90))
        # the SAQ: from the start; the date agreed at the consultation, or six months
        saq = _Window(rid, "saq", start, never, max(start + SIX_MONTHS, day + timedelta(days=150)))
        mine = [saq]
        windows.append(mine)
        out.append(
            {
                "on": _iso(day),
                "type": "preliminary_consultation_held",
                "review": rid,
                "languages": ["en"],
                "agreed": {"saq": _iso(day + timedelta(days=150))},
            }
        )
        stage = rng.random()
        if stage > 0.2:
            day += timedelta(days=rng.randrange(60, 200))
            out.append({"on": _iso(day), "type": "saq_submitted", "review": rid})
            saq.closes = day
            mine.append(_Window(rid, "written_feedback", day, never, day + SIX_MONTHS))
        if stage > 0.45:
            sent = []
            for a in r["reviewers"]:
                sent.append(day + timedelta(days=rng.randrange(60, 200)))
                out.append(
                    {
                        "on": _iso(sent[-1]),
                        "type": "written_feedback_submitted",
                        "review": rid,
                        "party": a["party"],
                    }
                )
            # complete when the last reviewer has sent its feedback
            mine[-1].closes = max(sent)
            mine.append(_Window(rid, "observations", max(sent), never, max(sent) + SIX_MONTHS))
            day += timedelta(days=210)
        if stage > 0.7:
            day += timedelta(days=rng.randrange(60, 200))
            out.append({"on": _iso(day), "type": "observations_agreed", "review": rid})
            mine[-1].closes = day
    # fill up to `events` with the history that accumulates
    serial = itertools.count(1)
    window_of: dict[str, _Window] = {}  # an extension's id -> its step's window
    while len(out) < events:
        k = rng.random()
        if k < 0.6:
            mine = windows[rng.randrange(reviews)]
            w = mine[rng.randrange(len(mine))]
            if w.extensions < MAX_EXTENSIONS and w.closes > w.opens:
                w.extensions += 1
                # open on its day: from the day it starts to the day before it completes
                day = w.opens + timedelta(days=rng.randrange((w.closes - w.opens).days))
                ext = f"ext-{next(serial)}"
                window_of[ext] = w
                out.append(
                    {
                        "on": _iso(day),
                        "type": "deadline_extended",
                        "review": w.review,
                        "step": w.step,
                        "due": "",  # set below, in the order of the step's extensions
                        "basis": rng.choice(
                            ["agreed with the reviewing parties", "Conference decision 11/2"]
                        ),
                        "id": ext,
                    }
                )
                continue
            k = 0.6 + 0.4 * rng.random()  # the step has its extensions: other history
        if k < 0.8:
            code = rng.choice(codes)
            new = f"fp.{code.lower()}.{next(serial)}@example.org"
            out.append(
                {
                    "on": _iso(date(2020, 6, 1) + timedelta(days=rng.randrange(1800))),
                    "type": "focal_point_nominated",
                    "party": code,
                    "person": {"name": f"Focal point {code}", "email": new, "gender": "female"},
                    "replaces": focal[code],
                }
            )
            focal[code] = new
        else:
            count = rng.randrange(1, 6)
            out.append(
                {
                    "on": _iso(date(2020, 6, 1) + timedelta(days=rng.randrange(1800))),
                    "type": "experts_nominated",
                    "party": rng.choice(codes),
                    "count": count,
                    "women": rng.randrange(0, count + 1),
                    "note": f"note verbale {next(serial)}",
                }
            )
    out = out[:events]
    _changes_in_date_order(out)
    _extensions_lengthen(out, window_of, random.Random(seed))
    return {
        "format": "untoc-mechanism/1",
        "parties": party_list,
        "reviews": review_list,
        "events": out,
    }


def _changes_in_date_order(events: list[dict]) -> None:
    """Each party's changes of focal point replace the one named before: date them in that
    order, or the file holds facts that cannot be true (a focal point replaced before he or
    she was named), which `untoc import` refuses."""
    chains: dict[str, list[dict]] = {}
    for e in events:
        if e["type"] == "focal_point_nominated" and "replaces" in e:
            chains.setdefault(e["party"], []).append(e)
    for chain in chains.values():
        for e, day in zip(chain, sorted(e["on"] for e in chain), strict=True):
            e["on"] = day


def _extensions_lengthen(
    events: list[dict], window_of: dict[str, _Window], rng: random.Random
) -> None:
    """Each extension of a step gives a date after the deadline in force on its day: the
    previous extension's (by date, then file order, as the fold applies them), else the
    step's own; and after its own day. Otherwise `untoc import` refuses it."""
    chains: dict[tuple[str, str], list[dict]] = {}
    for e in events:
        if e["type"] == "deadline_extended":
            chains.setdefault((e["review"], e["step"]), []).append(e)
    for chain in chains.values():
        due = window_of[chain[0]["id"]].own_due
        for e in sorted(chain, key=lambda e: e["on"]):  # stable: file order within a day
            due = max(due, date.fromisoformat(e["on"])) + timedelta(
                days=rng.choice([30, 60, 90, 180])
            )
            e["due"] = _iso(due)


def write(doc: dict, path: Path) -> None:
    # One event per line: readable, and errors point at a useful line.
    with path.open("w", encoding="utf-8") as f:
        f.write('{"format": "untoc-mechanism/1",\n"parties": ')
        json.dump(doc["parties"], f)
        f.write(',\n"reviews": ')
        json.dump(doc["reviews"], f)
        f.write(',\n"events": [\n')
        events = doc["events"]
        for i, e in enumerate(events):
            f.write(json.dumps(e, separators=(",", ":")))
            f.write(",\n" if i + 1 < len(events) else "\n")
        f.write("]}\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reviews", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--parties", type=int, default=190)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("/tmp/untoc-bench/mechanism.json"))
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write(generate(args.reviews, args.events, args.parties, args.seed), args.out)
    print(args.out)


if __name__ == "__main__":
    main()
