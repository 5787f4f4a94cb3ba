"""Who recorded a fact from the command line, kept in the fact's note as the Prefect UI's
resume form keeps it ("...; recorded by NAME"): the event log says who recorded every fact
that came through `untoc record`."""

from __future__ import annotations

import getpass

from ..errors import InputError, Problem

# A person's name, perhaps with a service: longer is a mistake (a pasted paragraph).
MAX_RECORDER = 120
_OPTION = "--recorded-by"


def command_line_user() -> str:
    """The login name, marked as the command line's (the name runs.form_input gives too)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        user = "someone"
    return f"{user} (untoc command line)"


def recorder(given: str | None) -> str:
    """The name kept with the fact: `--recorded-by` on one line, else the login name.
    Refused: nothing but spaces, over MAX_RECORDER characters, a ";" (the note's separator:
    the name would not be read back) or a control character."""
    if given is None:
        return command_line_user()
    who = " ".join(given.split())  # line breaks and runs of spaces: one line, as kept
    problem = None
    if not who:
        problem = Problem("a name is needed, not only spaces", path=_OPTION)
    elif len(who) > MAX_RECORDER:
        problem = Problem(
            f"the name is {len(who)} characters long; at most {MAX_RECORDER} are allowed",
            path=_OPTION,
        )
    elif ";" in who:
        problem = Problem(
            "a name may not contain ';' (it separates the note from who recorded the fact)",
            path=_OPTION,
        )
    elif any(ord(c) < 32 or ord(c) == 127 for c in who):
        problem = Problem("the name contains a control character", path=_OPTION)
    if problem is not None:
        raise InputError([problem])
    return who


def kept_note(note: str | None, recorded_by: str | None) -> str:
    """The note stored with a fact recorded from the command line."""
    from ..orchestration.facts import with_recorder  # pydantic only; no Prefect

    kept = with_recorder(note, recorder(recorded_by))
    assert kept is not None  # recorder() never returns an empty name
    return kept
