"""Benchmark: the secretariat's statistics over 190 Parties' answers to a 300-question
questionnaire.

    .venv/bin/python bench/bench_questionnaire.py [--parties 190] [--questions 300]
                                                  [--repeat 3] [--url postgresql+psycopg://...]

A PostgreSQL URL should name a schema of its own, e.g.
`...untoc_test?options=-csearch_path%3Dbench_q` after `CREATE SCHEMA bench_q` (drop it after).

Writes a 300-question XLSForm in the six languages (selects, numbers, texts, dates, one
technical assistance question per section of ten), reads and checks it as
`untoc questionnaire check` does, stores 190 submitted responses in a store (a temporary
SQLite file, or --url), then times what `untoc questionnaire statistics --by regional_group
--format json` does after loading the settings: read the submitted answers from the store,
count them (overall and per regional group) and serialise the JSON. Memory: the peak of
Python's allocations during the statistics (tracemalloc) and the process's maximum RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics as stats
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from untoc_workflow.questionnaire import responses  # noqa: E402
from untoc_workflow.questionnaire import statistics as counting  # noqa: E402
from untoc_workflow.questionnaire.form import Form, read_form  # noqa: E402
from untoc_workflow.store import open_store  # noqa: E402

LANGUAGES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "zh": "中文",
    "ru": "Русский",
}
KINDS = ["select_one yes_partly_no"] * 4 + [
    "select_multiple measures",
    "integer",
    "decimal",
    "text",
    "date",
]
GROUPS = ["African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG"]


def write_form(path: Path, questions: int) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    labels = [f"label::{name} ({code})" for code, name in LANGUAGES.items()]
    survey.append(["type", "name", *labels, "required", "constraint", "technical_assistance"])
    per_section = 10
    for s in range(questions // per_section):
        survey.append(["begin_group", f"s{s}", *(f"Section {s} [{c}]" for c in LANGUAGES)])
        for i in range(per_section - 1):
            kind = KINDS[(s * per_section + i) % len(KINDS)]
            constraint = ". >= 0" if kind in ("integer", "decimal") else ""
            survey.append(
                [
                    kind,
                    f"q{s}_{i}",
                    *(f"Question {s}.{i} [{c}]" for c in LANGUAGES),
                    "yes" if i % 3 == 0 else "",
                    constraint,
                    "",
                ]
            )
        survey.append(
            [
                "select_one yes_no",
                f"ta{s}",
                *(f"Assistance {s} [{c}]" for c in LANGUAGES),
                "yes",
                "",
                "yes",
            ]
        )
        survey.append(["end_group", f"s{s}"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *labels])
    for list_name, names in (
        ("yes_partly_no", ["yes", "partly", "no"]),
        ("yes_no", ["yes", "no"]),
        ("measures", [f"m{k}" for k in range(8)]),
    ):
        for name in names:
            choices.append([list_name, name, *(f"{name} [{c}]" for c in LANGUAGES)])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Bench questionnaire", "bench", "1"])
    book.save(path)
    return path


def answer(rng: random.Random, q) -> object:
    if q.type == "select_one":
        return rng.choice(q.choice_names())
    if q.type == "select_multiple":
        return sorted(rng.sample(q.choice_names(), rng.randint(1, 4)))
    if q.type == "integer":
        return str(rng.randint(0, 500))
    if q.type == "decimal":
        return f"{rng.uniform(0, 100):.2f}"
    if q.type == "date":
        return date(2020 + rng.randint(0, 5), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
    return "Provisions of the criminal code and of the code of criminal procedure. " * 3


def fill(engine, form: Form, parties: int) -> dict[str, str]:
    rng = random.Random(21)
    group_of = {}
    with engine.begin() as conn:
        for p in range(parties):
            review = f"C1-G{p % 3 + 1}-P{p:03d}"
            group_of[review] = GROUPS[p % len(GROUPS)]
            answers = {q.name: answer(rng, q) for q in form.questions if rng.random() > 0.05}
            responses.save(
                conn,
                review,
                "saq",
                "answers",
                f"P{p:03d}",
                (form.form_id, form.version),
                answers,
                who="bench@example.org",
                now=datetime(2026, 12, 7),
                submitted=("0" * 64, None),
            )
    return group_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=190)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path = write_form(folder / "bench.xlsx", args.questions)
        t1 = time.perf_counter()
        form = read_form(path)
        t2 = time.perf_counter()
        print(
            f"questionnaire: {len(form.questions)} questions, {len(form.languages)} languages; "
            f"written in {t1 - t0:.2f} s, read and checked (pyxform) in {t2 - t1:.2f} s"
        )
        store = open_store(args.url or f"sqlite:///{folder / 'bench.db'}")
        try:
            group_of = fill(store.engine, form, args.parties)

            def run() -> tuple[dict, str]:
                with store.engine.connect() as conn:
                    rows = [
                        (r.review_id, r.answers) for r in responses.submitted_answers(conn, "saq")
                    ]
                result = counting.by_group(form, rows, group_of.__getitem__)
                return result, json.dumps(result, ensure_ascii=False)

            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                result, text = run()
                timings.append(time.perf_counter() - start)
            tracemalloc.start()  # once more, traced: tracemalloc slows what it watches
            run()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        finally:
            store.close()
    assert result["responses"] == args.parties
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"statistics over {args.parties} responses ({store.engine.dialect.name}): median "
        f"{stats.median(timings):.3f} s of {args.repeat} (min {min(timings):.3f} s); "
        f"JSON {len(text) / 1024:.0f} KB"
    )
    print(
        f"memory: peak Python allocations {peak / 2**20:.1f} MB during the statistics "
        f"(tracemalloc), process max RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
