"""The secretariat's status report for any date: figures, charts, exports, forecasts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .status import status_report

if TYPE_CHECKING:
    from ..core import ReviewState
    from ..core.model import Snapshot
    from ..definitions.catalog import Definitions


def write_status_report(
    definition: Definitions,
    snapshot: Snapshot,
    as_of: date,
    out_dir: str | Path,
    *,
    lang: str = "en",
    with_forecast: bool = False,
    seed: int = 0,
    states: Mapping[str, ReviewState] | None = None,
    threshold: float | None = None,
) -> Path:
    """Write the HTML report (index.html, charts, report.json) into `out_dir`; return the page.

    `states` may be passed when the caller already folded the reviews on `as_of`;
    `threshold`: the share in force for the next cluster (default mechanism.yaml's)."""
    from ..core import mechanism_states
    from ..definitions.catalog import definitions_of
    from .html import own_words, write_html
    from .status import declares_next_cluster

    if states is None:
        states = mechanism_states(definition, snapshot, as_of, notifications=False)
    report = status_report(definition, snapshot, as_of, states=states, threshold=threshold)
    fc = None
    if with_forecast:
        from .forecast import draw_forecast, forecast

        fc = forecast(definition, snapshot, as_of, seed=seed, states=states, chart=False)
        fc["png"] = draw_forecast(fc, lang)
    # the page speaks as the process whose figures it gives does (its mechanism's name, its
    # reviews): the default process, or the one process with reviews
    declared: dict[str, dict[str, str]] = report["figures"]
    figured = next(iter(declared.values()), {}).get("process")
    speaker = next((d for d in definitions_of(definition) if d.process == figured), None)
    own = own_words(speaker or definitions_of(definition)[0], lang, declares_next_cluster())
    titles = step_titles(definition, lang)
    return write_html(
        report,
        out_dir,
        lang,
        fc,
        titles,
        own,
        stage_titles(definition, lang),
        fact_titles(definition, lang),
    )


def _newest_first(
    definitions: Definitions, titles_of: Callable[[Any], Iterable[tuple[str, str]]]
) -> dict[str, dict[str, str]]:
    """process -> name -> title, from `titles_of(definition)` of each process's versions,
    the newest version's title winning."""
    from .status import process_versions

    out: dict[str, dict[str, str]] = {}
    for process, versions in process_versions(definitions).items():
        titles = out.setdefault(process, {})
        for d in sorted(versions, key=lambda d: -d.version):
            for name, title in titles_of(d):
                titles.setdefault(name, title)
    return out


def step_titles(definitions: Definitions, lang: str = "en") -> dict[str, dict[str, str]]:
    """process -> step id -> its title in `lang`, from each process's definitions (the
    newest version's title wins): one source for what a step is called."""
    return _newest_first(definitions, lambda d: ((s.id, s.label(lang)) for s in d.steps))


def fact_titles(definitions: Definitions, lang: str = "en") -> dict[str, dict[str, str]]:
    """process -> fact -> its title in `lang`, for the facts each process declares
    (`facts:`; the newest version's title wins)."""
    return _newest_first(
        definitions,
        lambda d: ((n, f.label(lang) or n) for n, f in (getattr(d, "facts", None) or {}).items()),
    )


def stage_titles(definitions: Definitions, lang: str = "en") -> dict[str, dict[str, str]]:
    """process -> stage -> its title in `lang`, for the processes that title their stages
    (`stage_titles:`; the newest version's title wins); UNTOC's stages have none."""
    titled = _newest_first(
        definitions,
        lambda d: (
            (stage, title)
            for stage in getattr(d, "stage_titles", None) or {}
            if (title := d.stage_title(stage, lang))
        ),
    )
    return {process: titles for process, titles in titled.items() if titles}


__all__ = ["fact_titles", "stage_titles", "status_report", "step_titles", "write_status_report"]
