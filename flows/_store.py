"""The store, settings and definition a flow run works on, from the runner's environment.

Settings (the database URL and the Apprise URL may carry passwords) come from the worker's
environment, or from a Prefect Secret block named by UNTOC_NOTIFY_URL_BLOCK, never from
flow-run parameters, so they do not appear in the Prefect UI or its logs.
"""

from __future__ import annotations

import dataclasses
import os
from functools import lru_cache
from typing import Any

# Name of a Prefect Secret block holding the Apprise URL(s) with the SMTP password.
NOTIFY_URL_BLOCK = "UNTOC_NOTIFY_URL_BLOCK"


@lru_cache(maxsize=1)
def settings() -> Any:
    from untoc_workflow.settings import load_settings

    loaded = load_settings()
    block = os.environ.get(NOTIFY_URL_BLOCK)
    if block and not os.environ.get("UNTOC_NOTIFY_URL"):
        from prefect.blocks.system import Secret

        # the environment wins; the block is read on the worker, at run time only
        loaded = dataclasses.replace(loaded, notify_url=str(Secret.load(block).get()))
    return loaded


@lru_cache(maxsize=1)
def store() -> Any:
    from untoc_workflow.store import open_store

    return open_store(settings().database_url)


@lru_cache(maxsize=1)
def definition() -> Any:
    """Every loaded version of every process: each review folds with its own version."""
    from untoc_workflow.definitions import load_definitions
    from untoc_workflow.wiring import wire

    wire()  # the flows are an edge: definitions are checked as the command line checks them
    return load_definitions(settings().definitions_folders)
