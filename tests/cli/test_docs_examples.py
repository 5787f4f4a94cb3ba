"""Every `untoc ...` example of the README runs as written on the bundled sample.

The examples are read from the README itself (the fenced blocks and every `untoc ...` in
backticks, the commands table's cells included) and run, in order, on a store loaded with
the sample and swept as a clerk would after the demo. Upper-case placeholders (FILE, DATE,
KEY...) are given the values the README says they stand for (PLACEHOLDERS below); an
example with a placeholder the test does not know fails, so a new example is runnable or
explained. Optional parts (`[--lang fr]`) are run with the option; alternatives (`a \\| b`)
each run. The few that need a server, or state the sample does not have, are not run:
their `--help` must parse, and the reason is written in NOT_RUN.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
import typer.main

from untoc_workflow.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SAMPLE = "untoc_workflow/sample/mechanism.json"
# The sample's Party codes: upper-case words that are values, not placeholders.
PARTIES = {p["code"] for p in json.loads((ROOT / SAMPLE).read_text(encoding="utf-8"))["parties"]}

# (pattern, value): what a placeholder stands for, in order (the first match wins).
PLACEHOLDERS: list[tuple[str, str]] = [
    (r"process_defs/decisions/FILE\.yaml", "process_defs/decisions/example_extend_saq.yaml"),
    (r"--decision FILE", "--decision process_defs/decisions/example_feedback_duration.yaml"),
    (r"\bFILE\.xlsx\b", "process_defs/questionnaires/saq_cluster1.xlsx"),
    (r"\bFILE\.json\b", "store.json"),
    (r"\bFILE\.yaml\b", "store.yaml"),
    (r"\bPARTIES_FILE\b", SAMPLE),
    (r"\bFILE\b", SAMPLE),
    (r"\bDATE\b", "2024-04-16"),
    (r"--step STEP\b", "--step saq"),
    (r"\bFACT\b", "focal_point_nominated"),
    (r"\bID,\.\.\.", "C1-G1-ALB"),
    (r"--review ID\b", "--review C1-G1-ALB"),
    (r"--process NAME\b", "--process country_review"),
    (r"\bNAME\b", "'A. Clerk'"),
    (r"\bTEXT\b", "'not to be sent'"),
    (r"\bEMAIL\b", "expert.nga@example.org"),
    (r'"\.\.\."', '"A. Person"'),
]

# Command paths not run, each with why; their --help is checked instead.
NOT_RUN = {
    ("flows",): "a Prefect server and runner (tests/flows runs them)",
    ("portal", "serve"): "a web server (tests/portal runs it)",
    ("portal", "extensions", "approve"): "a request for more time made in the portal",
    ("portal", "extensions", "refuse"): "a request for more time made in the portal",
    ("migrate",): "a version 2 of the process, which is not bundled (tests/definitions)",
    ("questionnaire", "observations"): "answers submitted in the portal; the sample has none",
    ("questionnaire", "answers"): "answers submitted in the portal; the sample has none",
    ("redraw",): "written `untoc redraw ...` (its arguments are in its --help)",
    ("start-cluster",): "written `untoc start-cluster ...` (its arguments are in its --help)",
    ("late-joiners",): "written `untoc late-joiners ...` (its arguments are in its --help)",
}

# Examples the README gives as something untoc refuses: (command, exit code).
REFUSED = {"untoc import /dev/zero": 1}


def readme_examples(text: str) -> list[str]:
    """Every `untoc ...` command the README shows, in order, once each."""
    found: list[str] = []
    for block in re.findall(r"```(?:bash|sh)?\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            for part in line.split("#")[0].split("&&"):
                part = part.strip()
                if part.startswith((".venv/bin/untoc ", "untoc ")):
                    found.append(part.removeprefix(".venv/bin/"))
    for span in re.findall(r"`((?:[A-Z_]+=\S+ )*untoc [^`]*)`", text):
        found.append(" ".join(span.split()))
    return list(dict.fromkeys(found))


def _command_tree() -> object:
    return typer.main.get_command(app)


def command_path(words: list[str]) -> tuple[str, ...]:
    """The sub-command names at the start of `words` (after `untoc`)."""
    group, path = _command_tree(), []
    for word in words:
        commands = getattr(group, "commands", None)
        if not commands or word not in commands:
            break
        path.append(word)
        group = commands[word]
    return tuple(path)


def variants(example: str) -> list[str]:
    """The commands an example stands for: optional parts included, each alternative.
    `a | b` with spaces: other commands or options (`approve KEY... | --all`); `x|y` inside a
    word: other values at that place (`--format table|json`, `list|approve|refuse`)."""
    text = example.replace("\\|", "|").replace("[", " ").replace("]", " ")
    alternatives = [a.strip() for a in re.split(r"\s\|\s*|\s*\|\s", text) if a.strip()]
    first = alternatives[0]
    words = first.split()
    path = command_path([w.split("|")[0] for w in words[1:]])
    out = [first]
    for alt in alternatives[1:]:
        if alt.startswith("-"):  # `approve KEY... | --all`: the same command, other options
            out.append(" ".join(["untoc", *path, alt]))
        else:  # another command of the same group
            out.append(" ".join(["untoc", *path[:-1], alt]))
    expanded = []
    for command in out:
        tokens = command.split()
        expanded.append(" ".join(t.split("|")[0] for t in tokens))
        for i, token in enumerate(tokens):
            for value in token.split("|")[1:]:
                expanded.append(
                    " ".join(value if j == i else t.split("|")[0] for j, t in enumerate(tokens))
                )
    return list(dict.fromkeys(expanded))


def placeholders_filled(command: str, run: object) -> str:
    # `--format json|csv|html [--out PATH]`: a file for json and csv, a folder for html
    fmt = re.search(r"--format (\w+)", command)
    command = re.sub(r"--out PATH\b", f"--out statistics-{fmt[1] if fmt else 'out'}", command)
    for pattern, value in PLACEHOLDERS:
        command = re.sub(pattern, value, command)
    if "KEY" in command:  # a message the command can act on now: held, or still to send
        kind = "pending" if " retry " in command else "held"
        command = re.sub(r"\bKEY(\.\.\.)?", _keys(run)[kind][0], command)
    return command


def test_the_readme_examples_are_found_with_their_commands():
    examples = readme_examples(README.read_text(encoding="utf-8"))
    assert len(examples) > 40
    assert "untoc record saq_submitted --review C1-G1-ALB --on 2024-05-02 " in " ".join(examples)
    assert variants("untoc outbox approve KEY... \\| --all --by NAME") == [
        "untoc outbox approve KEY...",
        "untoc outbox approve --all --by NAME",
    ]
    assert variants("untoc portal extensions list\\|approve\\|refuse") == [
        "untoc portal extensions list",
        "untoc portal extensions approve",
        "untoc portal extensions refuse",
    ]
    assert variants("untoc outbox retry [KEY... \\| --all]") == [
        "untoc outbox retry KEY...",
        "untoc outbox retry --all",
    ]
    assert variants("untoc x --by a|b --format json|csv") == [
        "untoc x --by a --format json",
        "untoc x --by b --format json",
        "untoc x --by a --format csv",
    ]


def _environment(command: str) -> tuple[dict[str, str], list[str]]:
    """`NAME=value untoc ...`: the variables set for the command, and its words."""
    words = shlex.split(command)
    env = {}
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return env, words


def _keys(run: object) -> dict[str, list[str]]:
    entries = json.loads(run("untoc outbox list --format json").stdout)  # type: ignore[operator]
    return {
        "held": [e["key"] for e in entries if e["state"] == "awaiting approval"],
        "pending": [e["key"] for e in entries if e["state"] == "pending"],
    }


@pytest.mark.slow
def test_every_readme_example_runs_as_written_on_the_sample(sample_cli):
    examples = readme_examples(README.read_text(encoding="utf-8"))
    keys = _keys(sample_cli)
    assert len(keys["held"]) >= 3 and keys["pending"], keys
    commands = [v for example in examples for v in variants(example)]
    # `approve --all` last: it empties what the examples before it approve, show or reject
    commands.sort(key=lambda c: " approve " in c and "--all" in c)
    ran, helped, failures = 0, 0, []
    for command in commands:
        path = command_path(_environment(command)[1][1:])
        skipped = next((why for p, why in NOT_RUN.items() if path[: len(p)] == p), None)
        if skipped or re.search(r"(?:^|\s)\.\.\.(?:\s|$)", command):
            assert skipped, f"{command}: not runnable as written and no reason given"
            result = sample_cli(" ".join(["untoc", *path, "--help"]))
            helped += 1
        else:
            filled = placeholders_filled(command, sample_cli)
            words = " ".join(_environment(filled)[1]).replace("C1-G1-ALB", "")
            left = set(re.findall(r"\b[A-Z][A-Z_]+\b", words))
            left -= PARTIES
            assert not left, f"{command}: placeholder(s) {left} the test does not know"
            result = sample_cli(filled)
            if result.exit_code == 2 and _environment(command)[1][1:] == list(path):
                # a command named in a sentence ("`untoc record` ... asks one rule"), not
                # an example of its use: its help must answer
                result = sample_cli(" ".join(["untoc", *path, "--help"]))
                helped += 1
            else:
                ran += 1
            command = filled
        expected = REFUSED.get(command, 0)
        if result.exit_code != expected or "Traceback" in result.output:
            failures.append(f"{command} -> exit {result.exit_code}: {result.output[-600:]}")
        if os.environ.get("UNTOC_SHOW_EXAMPLES"):  # to read what a clerk would read
            print(f"$ {command}\n{result.output[-800:]}")
    assert not failures, "\n\n".join(failures)
    assert ran > 35 and helped >= 8, (ran, helped)


def test_the_readme_points_to_contracts_inside_the_repository():
    text = README.read_text(encoding="utf-8")
    assert "../shared" not in text
    named = set(re.findall(r"docs/contracts/([\w-]+\.md)", text))
    assert {"portal.md"} <= named
    for name in named:
        assert (ROOT / "docs" / "contracts" / name).is_file(), name
    # the whole set the project follows: the command line, the files, the portal, the report
    held = {p.name for p in (ROOT / "docs" / "contracts").glob("*.md")}
    assert {"cli.md", "mechanism-file.md", "process-definition.md", "portal.md"} <= held
