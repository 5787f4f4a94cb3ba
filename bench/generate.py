"""Generate a large, valid mechanism file for the store benchmark.

    .venv/bin/python bench/generate.py --reviews 10000 --events 1000000 --out /tmp/mech.json

Deterministic for a seed. Parties are real-looking (three-letter codes, all four
instruments for most); each review gets the whole life of a country review, and the rest
of the events are deadline extensions, focal-point changes and expert nominations, which
is where a long-running Mechanism accumulates its history.
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
    # each review's life
    for r in review_list:
        start = date.fromisoformat(r["starts_on"])
        rid = r["id"]
        day = start + timedelta(days=rng.randrange(20, 90))
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
        if stage > 0.45:
            for a in r["reviewers"]:
                out.append(
                    {
                        "on": _iso(day + timedelta(days=rng.randrange(60, 200))),
                        "type": "written_feedback_submitted",
                        "review": rid,
                        "party": a["party"],
                    }
                )
            day += timedelta(days=210)
        if stage > 0.7:
            day += timedelta(days=rng.randrange(60, 200))
            out.append({"on": _iso(day), "type": "observations_agreed", "review": rid})
    # fill up to `events` with the history that accumulates
    serial = itertools.count(1)
    while len(out) < events:
        k = rng.random()
        if k < 0.6:
            r = review_list[rng.randrange(reviews)]
            start = date.fromisoformat(r["starts_on"])
            day = start + timedelta(days=rng.randrange(30, 900))
            out.append(
                {
                    "on": _iso(day),
                    "type": "deadline_extended",
                    "review": r["id"],
                    "step": rng.choice(["saq", "written_feedback", "observations"]),
                    "due": _iso(day + timedelta(days=rng.choice([30, 60, 90, 180]))),
                    "basis": rng.choice(
                        ["agreed with the reviewing parties", "Conference decision 11/2"]
                    ),
                    "id": f"ext-{next(serial)}",
                }
            )
        elif k < 0.8:
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
