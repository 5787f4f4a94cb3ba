"""The store and definition a flow run works on, from the runner's environment.

Settings (the database URL may carry a password) come from the worker's environment, never
from flow-run parameters, so they do not appear in the Prefect UI or its logs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def settings() -> Any:
    from untoc_workflow.settings import load_settings

    return load_settings()


@lru_cache(maxsize=1)
def store() -> Any:
    from untoc_workflow.store import open_store

    return open_store(settings().database_url)


@lru_cache(maxsize=1)
def definition() -> Any:
    from untoc_workflow.definitions import load_process

    return load_process(settings().process_defs / "country_review.yaml")
