"""What a new clerk reads after the demo: each command says what it did, to what, and why
it did nothing when it did nothing; each count names what it counts; the help lists what a
command takes and names a review or a Party as any mechanism file does. On SQLite and
PostgreSQL where a store is involved (`sample_cli`, tests/cli/conftest.py)."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from untoc_workflow.cli import app, common, core_commands, notify_commands

TODAY = date(2026, 12, 7)


def _commands(group: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    found = [(path, group)]
    for name, sub in sorted(getattr(group, "commands", {}).items()):
        found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def _help_texts() -> list[tuple[str, str]]:
    texts = []
    for path, command in COMMANDS:
        texts.append((" ".join(path), getattr(command, "help", None) or ""))
        for param in getattr(command, "params", []):
            texts.append((f"{' '.join(path)} {param.name}", getattr(param, "help", None) or ""))
    return texts


def test_the_help_names_reviews_and_parties_as_any_mechanism_file_does():
    """The help holds for any process: no command gives a UNTOC review id (C1-G1-ALB) or a
    Party code as its example, which a body without clusters would never have; each says
    where the id is found (the mechanism file)."""
    named_reviews = [
        (where, rid)
        for where, text in _help_texts()
        for rid in re.findall(r"C\d-G\d-[A-Z]{3}", text)
    ]
    named_parties = [
        (where, code)
        for where, text in _help_texts()
        for code in re.findall(r"e\.g\. ([A-Z]{3})\b", text)
    ]
    assert named_reviews == [] and named_parties == []
    review_options = {where: text for where, text in _help_texts() if where.endswith(" review")}
    assert review_options["record review"] == "The review's id, as in the mechanism file."
    assert review_options["redraw review"] == "The review's id, as in the mechanism file."


def test_help_paragraphs_are_not_broken_inside_a_phrase():
    """Typer keeps a docstring's line breaks after its first paragraph: a paragraph must
    reach it as one line (list items and click's \\b blocks apart)."""
    broken = []
    for path, command in COMMANDS:
        for paragraph in (getattr(command, "help", None) or "").split("\n\n"):
            if paragraph.startswith("\b"):
                continue
            for line in paragraph.split("\n")[1:]:
                if not line.startswith((" ", "- ", "* ")):
                    broken.append((" ".join(path), line))
    assert broken == []
    options = [
        (" ".join(path), param.name, getattr(param, "help", None) or "")
        for path, command in COMMANDS
        for param in getattr(command, "params", [])
    ]
    assert options and [o[:2] for o in options if "\n" in o[2]] == []
    shown = CliRunner().invoke(app, ["record", "--help"], env={"COLUMNS": "200"}).stdout
    assert "`--languages en,fr`, `--agreed-saq 2021-05-31`" in shown


def test_record_fact_help_lists_the_options_of_that_fact():
    runner = CliRunner()
    nominated = runner.invoke(app, ["record", "focal_point_nominated", "--help"])
    assert nominated.exit_code == 0, nominated.output
    required = nominated.stdout.split("required:")[1].split("optional:")[0]
    assert re.findall(r"--[\w-]+", required) == ["--party", "--name", "--email"]
    assert "--gender" in nominated.stdout and "female | male | other" in nominated.stdout
    listed = re.findall(r"^  (--[\w-]+)", nominated.stdout, flags=re.M)
    assert "--on" in listed and "--review" not in listed and "--person" not in listed
    consultation = runner.invoke(app, ["record", "preliminary_consultation_held", "--help"])
    assert "--agreed-saq" in consultation.stdout and "--languages" in consultation.stdout
    after = runner.invoke(app, ["record", "--review", "C1-G1-ALB", "saq_submitted", "--help"])
    assert "Records the fact saq_submitted" in after.stdout
    unknown = runner.invoke(app, ["record", "saq_submited", "--help"])
    assert "'saq_submited' is not a fact of any loaded process" in unknown.stdout
    general = runner.invoke(app, ["record", "--help"])
    assert "--recorded-by" in general.stdout and "required:" not in general.stdout


def test_record_says_which_review_which_date_and_who_and_names_missing_options(sample_cli):
    done = sample_cli(
        'untoc record saq_submitted --review C1-G1-ALB --on 2024-05-02 --recorded-by "A. Clerk"'
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == (
        "recorded saq_submitted for review C1-G1-ALB on 2024-05-02, recorded by A. Clerk"
    )
    missing = sample_cli("untoc record focal_point_nominated --party NGA --on 2024-05-02")
    assert missing.exit_code == 1
    assert "--name: required for this fact" in missing.output
    assert "--email: required for this fact" in missing.output
    assert "required key" not in missing.output


def test_sweep_counts_name_notices_and_messages_and_a_past_date_is_said(sample_cli, monkeypatch):
    monkeypatch.setattr(notify_commands, "today", lambda: TODAY)
    swept = sample_cli("untoc sweep --as-of 2024-05-03")
    assert swept.exit_code == 0, swept.output
    lines = swept.stdout.splitlines()
    assert lines[0].startswith(
        "note: 2024-05-03 is a past date (today is 2026-12-07): the sweep finds what fell due"
        " on 2024-05-03 from the facts dated up to 2024-05-03"
    )
    assert re.match(
        r"sweep 2024-05-03: found \d+ notices due \(\d+ of them already in the outbox\); "
        r"messages: \d+ new, \d+ cancelled, sent \d+, failed 0, pending 0",
        lines[1],
    ), lines[1]
    again = sample_cli("untoc sweep --as-of 2024-04-16")
    assert "nothing new on 2024-04-16: it is the go-live day" in again.stdout
    today = sample_cli("untoc sweep --as-of 2026-12-07")
    assert "past date" not in today.stdout


def test_a_digest_on_a_holiday_says_why_nothing_was_sent(sample_cli):
    digest = sample_cli("untoc digest --as-of 2024-05-01")
    assert digest.exit_code == 0, digest.output
    assert "summaries for " in digest.stdout and "messages sent 0" in digest.stdout
    assert (
        "sent nothing: 2024-05-01 is not a working day (May Day); nothing leaves on such a day."
        " The summaries go out with the sweep of the next working day, 2024-05-02"
    ) in digest.stdout
    again = sample_cli("untoc digest --as-of 2024-05-02")
    assert "0 of them new" in again.stdout and "recorded by an earlier digest" in again.stdout


def test_held_messages_show_their_text_and_why_and_a_second_approval_says_by_whom(
    sample_cli,
):
    listed = sample_cli("untoc outbox list --awaiting --format json")
    held = [e for e in json.loads(listed.stdout) if e["state"] == "awaiting approval"]
    assert len(held) >= 2
    table = sample_cli("untoc outbox list --awaiting").stdout
    assert "why held" in table and "text (beginning)" in table and "subject" in table
    whys = {e["why"] for e in held}
    # the rung that needs approval, named; the President's summary, said
    assert any("the escalation 'mission' of C1-" in why for why in whys), whys
    assert any(why.startswith("a letter to the President of the Conference") for why in whys)
    assert all(e["text_beginning"] for e in held)
    summary = next(e for e in held if e["key"].startswith("presidency/"))
    assert summary["text_beginning"].startswith("1. ")  # the list of Parties, not "Excellency"
    shown = sample_cli(f"untoc outbox show {held[0]['key']}")
    assert shown.exit_code == 0, shown.output
    assert f"subject: {held[0]['subject']}" in shown.stdout and "why: " in shown.stdout
    assert len(shown.stdout.splitlines()) > 10  # the whole text

    key = held[0]["key"]
    first = sample_cli(f'untoc outbox approve {key} --by "A. Clerk"')
    assert first.exit_code == 0, first.output
    second = sample_cli(f"untoc outbox approve {key}")
    assert second.exit_code == 1
    assert re.search(
        rf"{re.escape(key)} was already approved by A\. Clerk on \d{{4}}-\d\d-\d\d \d\d:\d\d UTC;"
        " it waits for the next sweep",
        second.output,
    ), second.output
    rejected = sample_cli(f"untoc outbox reject {key} --why late")
    assert rejected.exit_code == 1 and "already approved by A. Clerk" in rejected.output
    sent = sample_cli("untoc outbox retry --all --as-of 2024-05-02")
    assert sent.exit_code == 0 and "nothing to retry" not in sent.stdout
    idle = sample_cli("untoc outbox retry --all --as-of 2024-05-02")
    assert idle.exit_code == 0, idle.output
    assert (
        "nothing to retry: no message is pending, in doubt or given up (held messages wait for"
        " approval, not for a retry)" in idle.stdout
    )


def test_clusters_names_why_the_next_cluster_is_the_one_it_names(sample_cli):
    said = sample_cli("untoc clusters --as-of 2024-04-16").stdout
    assert (
        "next in the order of review (mechanism.yaml, second): cluster 4 (International"
        " cooperation, mutual legal assistance and confiscation), not started: it may start"
        " once the rule is met (70 % of group 1 of cluster 1 complete"
    ) in said


def test_calendar_says_why_a_calendar_is_empty(sample_cli, monkeypatch):
    from untoc_workflow.cli import report_commands

    monkeypatch.setattr(report_commands, "today", lambda: TODAY)
    folder = sample_cli("untoc calendar --out calendars/")
    assert "wrote 0 calendar file(s) as of 2026-12-07" in folder.stdout
    assert "no calendar was written: no deadline falls on or after 2026-12-07" in folder.stdout
    assert "--include-overdue adds them" in folder.stdout
    one = sample_cli("untoc calendar --party NGA --out nga.ics")
    assert "the calendar of NGA has no event" in one.stdout
    dated = sample_cli("untoc calendar --as-of 2024-04-16 --party BIH --out bih.ics")
    assert "no event" not in dated.stdout and "BEGIN:VEVENT" in Path("bih.ics").read_text()


def test_the_next_commands_are_printed_as_they_can_be_run(tmp_path, monkeypatch):
    script = tmp_path / ".venv" / "bin" / "untoc"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(script), "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # the README's install puts nothing on it
    assert common.untoc_command() == ".venv/bin/untoc"
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin")
    assert common.untoc_command() == "untoc"
    monkeypatch.setattr(sys, "argv", ["/somewhere/pytest"])  # not run as the script
    assert common.untoc_command().endswith(("untoc", "-m untoc_workflow"))


@pytest.mark.slow
def test_the_demo_prints_its_next_commands_with_the_command_that_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in (
        "UNTOC_DATABASE_URL",
        "UNTOC_NOTIFY_URL",
        "UNTOC_PROCESS_DEFS",
        "UNTOC_PROCESS_DEFS_ONLY",
        "UNTOC_SETTINGS",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(core_commands, "untoc_command", lambda: ".venv/bin/untoc")
    out = CliRunner().invoke(app, ["demo"], catch_exceptions=False).stdout
    assert "Next: `.venv/bin/untoc status --as-of 2024-04-16`" in out
    assert "`.venv/bin/untoc outbox list --awaiting`" in out
    assert "`untoc " not in out


def test_the_commands_the_help_names_exist():
    """A `untoc ...` quoted in a help text is a command untoc has (with its options)."""
    names = {path for path, _ in COMMANDS}
    quoted = [
        (where, example)
        for where, text in _help_texts()
        for example in re.findall(r"`untoc ([^`]*)`", text)
    ]
    assert quoted
    unknown = []
    for where, example in quoted:
        words = [w for w in example.split() if not w.startswith("-")]
        known = max((len(p) for p in names if tuple(words[: len(p)]) == p), default=0)
        if known == 0:
            unknown.append((where, example))
            continue
        command = dict(COMMANDS)[tuple(words[:known])]
        options = {"--help", *(o for param in getattr(command, "params", []) for o in param.opts)}
        unknown += [(where, o) for o in re.findall(r"--[\w-]+", example) if o not in options]
    assert unknown == []
