"""The store, settings and definition a flow run works on, from the runner's environment.

Settings (the database URL and the Apprise URL may carry passwords) come from the worker's
environment, or from a Prefect Secret block named by UNTOC_NOTIFY_URL_BLOCK, never from
flow-run parameters, so they do not appear in the Prefect UI or its logs.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

# Name of a Prefect Secret block holding the Apprise URL(s) with the SMTP password.
NOTIFY_URL_BLOCK = "UNTOC_NOTIFY_URL_BLOCK"


def _in_worker_folder(cwd: Path) -> bool:
    """True in the temporary folder a process worker runs each flow in (and deletes)."""
    import tempfile

    return cwd.name.endswith("prefect") and cwd.parent == Path(tempfile.gettempdir()).resolve()


def path_problems(loaded: Any, env: Mapping[str, str], cwd: Path) -> list[str]:
    """Why the settings would lose or miss files in a flow run: a relative path (resolved
    against a folder that changes, the process worker's temporary one), or, in that
    temporary folder, a default that lives there. Each names its variable."""
    problems = []
    temporary = _in_worker_folder(cwd)
    why = (
        "a process worker runs each flow in a temporary folder it deletes: "
        "give an absolute path in the worker's environment (docs/scaling-out.md)"
    )
    for var in ("UNTOC_SETTINGS", "UNTOC_OUTBOX_DIR", "UNTOC_PROCESS_DEFS"):
        value = env.get(var)
        if value and not Path(value).is_absolute():
            problems.append(f"{var}={value!r} is a relative path; {why}")
    database = str(loaded.database_url)
    if database.startswith("sqlite:///") and not database.startswith("sqlite:////"):
        problems.append(f"UNTOC_DATABASE_URL={database!r} is a relative SQLite path; {why}")
    if temporary:
        if not env.get("UNTOC_DATABASE_URL") and str(cwd) in database:
            problems.append(f"UNTOC_DATABASE_URL is not set; {why}")
        outbox = Path(loaded.outbox_dir)
        if not loaded.notify_url and not env.get("UNTOC_OUTBOX_DIR") and str(cwd) in str(outbox):
            problems.append(f"UNTOC_OUTBOX_DIR is not set (and no UNTOC_NOTIFY_URL); {why}")
    elif not loaded.notify_url and not Path(loaded.outbox_dir).is_absolute():
        problems.append(f"UNTOC_OUTBOX_DIR={str(loaded.outbox_dir)!r} is a relative path; {why}")
    return problems


@lru_cache(maxsize=1)
def settings() -> Any:
    from untoc_workflow.errors import InputError, Problem
    from untoc_workflow.settings import load_settings

    loaded = load_settings()
    problems = path_problems(loaded, os.environ, Path.cwd().resolve())
    if problems:
        # refused before anything is read or written: the run fails saying what to set
        raise InputError([Problem(p) for p in problems])
    block = loaded.notify_url_block
    if block and not os.environ.get("UNTOC_NOTIFY_URL"):
        from prefect.blocks.system import Secret

        # the environment wins; the block is read on the worker, at run time only
        loaded = loaded.model_copy(update={"notify_url": str(Secret.load(block).get())})
    return loaded


@lru_cache(maxsize=1)
def store() -> Any:
    """The store, once every process version reviews ran on is found unchanged (as every
    command checks it: store/fingerprints.py); otherwise an InputError naming the file,
    and the store is closed again."""
    from untoc_workflow.store import open_store
    from untoc_workflow.store.fingerprints import verify_fingerprints

    opened = open_store(settings().database_url)
    try:
        with opened.engine.connect() as conn:
            verify_fingerprints(conn, definition())
    except BaseException:
        opened.close()
        raise
    return opened


F = TypeVar("F", bound=Callable[..., Any])


def refuses_cleanly(fn: F) -> F:
    """Open the store before the flow's body runs; a refusal (a process version changed in
    place, a settings path a worker would lose) ends the run Failed with the refusal as its
    state message, as the command line says it, without a traceback in its logs."""

    def refusal() -> Any:
        from prefect.states import Failed

        from untoc_workflow.errors import InputError

        try:
            store()
        except InputError as exc:
            _logger().error("%s", exc.render())
            return Failed(message=exc.render())
        return None

    if inspect.iscoroutinefunction(fn):

        @wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            refused = refusal()
            if refused is not None:
                return refused
            return await fn(*args, **kwargs)

        run_async.__signature__ = _evaluated(fn)  # type: ignore[attr-defined]
        return run_async  # type: ignore[return-value]

    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        refused = refusal()
        if refused is not None:
            return refused
        return fn(*args, **kwargs)

    run.__signature__ = _evaluated(fn)  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


def _evaluated(fn: Callable[..., Any]) -> inspect.Signature:
    """The flow's signature with its annotations as types, not text: Prefect builds the
    parameters' model from the wrapper, whose module (this one) does not import the names
    the flow's text annotations use (`date`), so it could not resolve them."""
    return inspect.signature(fn, eval_str=True)


def _logger() -> Any:
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_logger

    try:
        return get_run_logger()
    except MissingContextError:  # called outside a flow run (a test, a script)
        return get_logger("untoc.flows")


@lru_cache(maxsize=1)
def definition() -> Any:
    """Every loaded version of every process: each review folds with its own version."""
    from untoc_workflow.definitions import load_definitions
    from untoc_workflow.wiring import wire

    wire()  # the flows are an edge: definitions are checked as the command line checks them
    return load_definitions(settings().definitions_folders)
