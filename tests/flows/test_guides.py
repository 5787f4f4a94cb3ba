"""The guides' commands as written: every line of the ```sh blocks of docs/desk.md and
docs/scaling-out.md is exercised, and GUIDE below says where.

- RUN: run here in bash, in the guide's order, from a temporary folder holding the store
  (with the sample at the repository's path, as the guide's `untoc import` names it), against
  the session's Prefect server. One substitution: the guide's `http://127.0.0.1:4200/api` is
  that server (its auth string comes in the environment, as the guide's §2 of
  scaling-out.md sets it).
- HELP: a server, worker or runner that stays in the foreground (or a command that would
  act on every review of the shared server): its `--help` parses, and it has every option
  the line gives. Where another test runs it as written, ELSEWHERE names that test.
- EXPORT: a variable set for a machine this suite does not have (db.internal, the public
  address): the variable is one Prefect or untoc reads.
- SETUP: the installation and PostgreSQL's databases, done by the suite's own set-up
  (`pip install -c constraints.txt -e .` in CI; conftest.py creates the databases).

Every variable a guide exports, and every one of scaling-out.md's table of a worker's
environment, is checked to be read by Prefect or by untoc. A command added to a guide
without an entry in GUIDE fails `test_every_command_of_the_guides_is_exercised`.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, VENV_BIN, client_env

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

GUIDES = ("docs/desk.md", "docs/scaling-out.md")
GUIDE_URL = "http://127.0.0.1:4200/api"

RUN, HELP, EXPORT, SETUP = "run", "help", "export", "setup"

# command (comment dropped, spaces folded) -> how it is exercised, and where else it runs
GUIDE: dict[str, tuple[str, str]] = {
    # desk.md §1
    "python3 -m venv .venv && .venv/bin/pip install -c constraints.txt -e .": (SETUP, ""),
    ". .venv/bin/activate": (SETUP, ""),
    "export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1": (RUN, ""),
    # desk.md §2, scaling-out.md
    "prefect server start --host 127.0.0.1 --port 4200": (
        HELP,
        "conftest.py prefect_server (same options, a free port)",
    ),
    # desk.md §3
    "export PREFECT_API_URL=http://127.0.0.1:4200/api": (RUN, ""),
    "export UNTOC_DATABASE_URL=sqlite:///$PWD/untoc.db UNTOC_OUTBOX_DIR=$PWD/untoc-outbox": (
        RUN,
        "",
    ),
    "untoc import untoc_workflow/sample/mechanism.json": (RUN, ""),
    "untoc flows serve": (HELP, "test_country_review_flow.py served (with --no-schedules)"),
    # desk.md §4
    "export PREFECT_API_URL=http://127.0.0.1:4200/api UNTOC_DATABASE_URL=sqlite:///$PWD/untoc.db": (
        RUN,
        "",
    ),
    # 189 runs on the shared server would be picked up by the other modules' runners
    "untoc flows start-reviews": (HELP, "test_country_review_flow.py, test_worker_death.py"),
    # needs the deployments, which `untoc flows serve` (or `prefect deploy`) makes
    "untoc flows watch-sweep": (HELP, "test_deployments.py"),
    # desk.md §8 (PostgreSQL) and §9 (workers)
    "createdb untoc && createdb prefect": (SETUP, ""),
    "export UNTOC_DATABASE_URL=postgresql+psycopg://untoc@db.internal:5432/untoc": (EXPORT, ""),
    "export PREFECT_SERVER_DATABASE_CONNECTION_URL="
    "postgresql+asyncpg://prefect@db.internal:5432/prefect": (EXPORT, ""),
    # creates and changes the shared server's pool and deployments: run by their own tests
    "prefect work-pool create untoc-process --type process": (HELP, "test_deployments.py"),
    "prefect --no-prompt deploy --all": (HELP, "test_deployments.py, test_worker_death.py"),
    "untoc flows worker --pool untoc-process": (HELP, "test_deployments.py"),
    "untoc flows restart-reviews": (HELP, "test_deployments.py (with --review)"),
    "for d in country-review daily-sweep monthly-digest escalation-approval sweep-missed-alert; "
    'do prefect deployment delete "$d/$d"; done': (HELP, ""),
    # scaling-out.md
    "untoc flows waiting": (RUN, "test_country_review_flow.py"),
    'export PREFECT_SERVER_DATABASE_CONNECTION_URL="postgresql+asyncpg://prefect:'
    '${PREFECT_DB_PASSWORD}@db.internal:5432/prefect"': (EXPORT, ""),
    'export PREFECT_SERVER_API_AUTH_STRING="secretariat:${PREFECT_API_PASSWORD}"': (
        EXPORT,
        "conftest.py prefect_server",
    ),
    "export PREFECT_API_URL=https://prefect.untoc.example.org/api": (EXPORT, ""),
    'export PREFECT_API_AUTH_STRING="secretariat:${PREFECT_API_PASSWORD}"': (
        EXPORT,
        "conftest.py client_env",
    ),
    'export UNTOC_DATABASE_URL="postgresql+psycopg://untoc:${UNTOC_DB_PASSWORD}'
    '@db.internal:5432/untoc"': (EXPORT, ""),
    "untoc flows worker --pool untoc-process --limit 4": (
        HELP,
        "test_worker_death.py, test_worker_stop.py",
    ),
}


def guide_commands(path: Path) -> list[tuple[int, str]]:
    """(line, command) of each command of the ```sh blocks of `path`, in order: comments
    dropped, a `for ... done` loop joined into one command."""
    out: list[tuple[int, str]] = []
    inside, loop, loop_at = False, [], 0
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        if raw.startswith("```"):
            inside = raw.strip() == "```sh"
            continue
        if not inside:
            continue
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        line = " ".join(line.split())
        if line.startswith("for ") or loop:
            loop_at = loop_at or number
            loop.append(line)
            if line == "done":
                out.append((loop_at, f"{loop[0]} {'; '.join(loop[1:-1])}; done"))
                loop, loop_at = [], 0
            continue
        out.append((number, line))
    return out


def all_commands() -> list[tuple[str, int, str]]:
    return [(g, n, c) for g in GUIDES for n, c in guide_commands(REPO / g)]


def test_every_command_of_the_guides_is_exercised():
    found = all_commands()
    assert len(found) >= 25  # both guides' blocks were read
    missing = [f"{g}:{n}: {c}" for g, n, c in found if c not in GUIDE]
    assert not missing, "commands of the guides no test exercises:\n" + "\n".join(missing)
    stale = set(GUIDE) - {c for _, _, c in found}
    assert not stale, f"GUIDE lists commands the guides no longer give: {stale}"


def _prefect_names() -> set[str]:
    from prefect.settings import Settings
    from prefect.settings.legacy import _get_valid_setting_names

    return set(_get_valid_setting_names(Settings))


def _untoc_names() -> set[str]:
    """The UNTOC_ variables the code reads (named in its source as a string)."""
    names: set[str] = set()
    for folder in ("untoc_workflow", "flows"):
        for source in (REPO / folder).rglob("*.py"):
            names |= set(re.findall(r"[\"'](UNTOC_[A-Z_]+)[\"']", source.read_text()))
    return names


def exported(command: str) -> list[str]:
    return [w.split("=", 1)[0] for w in shlex.split(command)[1:]]


def test_every_variable_the_guides_name_is_read_by_prefect_or_untoc():
    prefect, untoc = _prefect_names(), _untoc_names()
    assert {"PREFECT_API_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL"} <= prefect
    assert {"UNTOC_DATABASE_URL", "UNTOC_OUTBOX_DIR"} <= untoc
    known = prefect | untoc | {"DO_NOT_TRACK"}
    named = [
        (f"{g}:{n}", name)
        for g, n, c in all_commands()
        if c.startswith("export ")
        for name in exported(c)
    ]
    # the table of a worker's environment in scaling-out.md
    guide = (REPO / "docs/scaling-out.md").read_text()
    table = guide.split("Give every worker:", 1)[1].split("\n\n", 2)[1]
    named += [
        ("docs/scaling-out.md table", name)
        for row in table.splitlines()[2:]
        for name in re.findall(r"`([A-Z][A-Z_]+)`", row.split("|")[1])
    ]
    assert len(named) >= 20, named
    unknown = [f"{where}: {name}" for where, name in named if name not in known]
    assert not unknown, unknown


@pytest.mark.parametrize(
    "command", sorted(c for c, (how, _) in GUIDE.items() if how == HELP), ids=lambda c: c[:50]
)
def test_a_command_that_stays_in_the_foreground_parses_with_the_guides_options(command):
    if command.startswith("for "):
        # the loop deletes every deployment of prefect.yaml (each flow named as its deployment)
        import yaml

        declared = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]
        looped = command.split(" in ", 1)[1].split(";", 1)[0].split()
        assert sorted(looped) == sorted(d["name"] for d in declared)
        command = f'prefect deployment delete "{looped[0]}/{looped[0]}"'
    words = [w for w in shlex.split(command) if w != "--no-prompt"]  # prefect's own option
    first = next((i for i, w in enumerate(words) if w.startswith("--")), len(words))
    head = words[:first]  # the command and its arguments: --help is read before them
    shown = subprocess.run(
        [str(VENV_BIN / head[0]), *head[1:], "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=client_env("http://127.0.0.1:9/api", REPO, "sqlite:///:memory:"),
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    text = " ".join(shown.stdout.split())
    for option in words[first:]:
        if not option.startswith("--"):
            continue
        assert option in text, f"{' '.join(head)} has no option {option}"
    if "--no-prompt" in command:  # a global option of prefect
        top = subprocess.run(
            [str(VENV_BIN / "prefect"), "--help"], capture_output=True, text=True, timeout=60
        )
        assert "--no-prompt" in top.stdout


def test_the_guides_run_lines_run_as_written(prefect_api, tmp_path):
    """desk.md §1, §3 and §4's exports and `untoc import`, and scaling-out.md's
    `untoc flows waiting`, in one shell, in the guides' order, with `set -e`: the exports
    reach the commands that follow them (the store is where the guide's variable says, and
    `untoc import` finds the session's server to resume runs: none of this store's)."""
    runs = [c for g, n, c in all_commands() if GUIDE[c][0] == RUN]
    assert "untoc import untoc_workflow/sample/mechanism.json" in runs
    sample = tmp_path / "untoc_workflow" / "sample"
    sample.mkdir(parents=True)
    (sample / "mechanism.json").symlink_to(REPO / "untoc_workflow/sample/mechanism.json")
    env = client_env(prefect_api, tmp_path, "unset")
    for name in ("PREFECT_API_URL", "UNTOC_DATABASE_URL", "UNTOC_OUTBOX_DIR"):
        env.pop(name)  # the guide's exports set them
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    script = "\n".join(["set -euo pipefail", *(c.replace(GUIDE_URL, prefect_api) for c in runs)])
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # the store is where the guide's variable says, with the sample's 189 reviews
    from untoc_workflow.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'untoc.db'}") as store:
        assert len(store.snapshot().reviews) == 189
    assert "resumed 0 waiting run(s) of the 188 review(s)" in done.stdout, done.stdout
