"""The Prefect side: start one country-review run per review, find the step a run waits
at, resume it with a fact. Prefect is imported only here, and only when an API is set."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from ..errors import InputError, Problem
from .desk import review_of_run
from .facts import fact_from_event
from .position import step_from_key, waited_facts

if TYPE_CHECKING:
    from datetime import date

    from ..core.model import Review, Snapshot
    from ..definitions.catalog import Definitions

FLOW_NAME = "country-review"
DEPLOYMENT = f"{FLOW_NAME}/{FLOW_NAME}"
# A review's run is replaced only when the previous one ended badly.
_RESTARTABLE = ("FAILED", "CRASHED", "CANCELLED")
_PAGE = 200  # the server's largest page
REPLACED = ", replaced)"  # the end of a replaced run's name: "C1-G1-NGA (crashed, replaced)"
_CREATE_TRIES = 8  # about two minutes of a busy server
_BUSY_FOR = 60.0  # seconds a resume retries a server answering 503 ("database is locked")


def api_configured() -> bool:
    """True when a Prefect API is configured for this process (env `PREFECT_API_URL`)."""
    return bool(os.environ.get("PREFECT_API_URL"))


def review_tags(review: Review, definition: Definitions | None = None) -> list[str]:
    """Tags a review's run starts with: its process (`untoc`, `csacg`: the process's `tag`,
    read in `definition`, the catalog; else the process's id), group and cluster (when its
    process numbers its reviews in any) and each Party's role, to filter in the UI, and
    `party:` for each Party, to find the runs a Party's fact (a focal point named) may
    resume. The run adds its step and lateness once it knows them (`run_tags`)."""
    from .own_words import numbered, process_tag

    own: Any = None
    if definition is not None:
        with contextlib.suppress(InputError):  # a version no longer loaded: its id
            own = review_process(definition, review)
    reviewers = [r.party for r in review.reviewers]
    parties = dict.fromkeys([review.reviewed, *reviewers])
    return [
        process_tag(own) if own is not None else process_tag(_Named(review.process)),
        *([f"group:{review.group}"] if numbered(review.group) else []),
        *([f"cluster:{review.cluster}"] if numbered(review.cluster) else []),
        f"reviewed:{review.reviewed}",
        *(f"reviewer:{p}" for p in reviewers),
        *(f"party:{p}" for p in parties),
    ]


@dataclass(frozen=True)
class _Named:
    process: str


def review_process(definition: Definitions, review: Review) -> Any:
    """The (process, version) definition `review` records, from one definition or a catalog."""
    from ..definitions.catalog import ProcessCatalog

    if isinstance(definition, ProcessCatalog):
        return definition.resolve(review.process, review.process_version)
    return definition


@dataclass
class WaitingRun:
    """A suspended country-review run and the step its suspend key names."""

    id: UUID
    review: str
    step: str | None
    key: str | None
    tags: list[str] = field(default_factory=list)


@dataclass
class StartResult:
    started: dict[str, UUID] = field(default_factory=dict)
    already: dict[str, UUID] = field(default_factory=dict)  # review -> its live run
    failed: dict[str, str] = field(default_factory=dict)  # review -> why (after retries)


class ServerUnreachable(InputError):
    """No Prefect API answered (or it refused us): said in one line, with what to run later."""


def server_problem(exc: BaseException) -> ServerUnreachable | None:
    """The one-line account of a transport or auth failure talking to the Prefect API."""
    import httpx

    url = os.environ.get("PREFECT_API_URL", "")
    if isinstance(exc, httpx.TransportError):
        return ServerUnreachable(
            [
                Problem(
                    f"no Prefect server answers at {url} ({type(exc).__name__})",
                    hint="start it (`prefect server start`, docs/desk.md), then run "
                    "`untoc flows sync` to move the waiting runs to where the event log is",
                )
            ]
        )
    if isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code in (401, 403):
        return ServerUnreachable(
            [
                Problem(
                    f"the Prefect server at {url} refused the request ({exc.response.status_code})",
                    hint="set PREFECT_API_AUTH_STRING to the server's user:password",
                )
            ]
        )
    return None


def ping_server(timeout: float = 5.0) -> None:
    """Raise ServerUnreachable unless the Prefect API answers its health check."""
    import httpx

    url = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    auth = os.environ.get("PREFECT_API_AUTH_STRING")
    try:
        response = httpx.get(
            f"{url}/health",
            timeout=timeout,
            auth=tuple(auth.split(":", 1)) if auth and ":" in auth else None,  # type: ignore[arg-type]
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise server_problem(exc) or ServerUnreachable(
            [Problem(f"the Prefect server at {url} is not healthy: {exc}")]
        ) from None


T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(coro)
        from prefect.utilities.asyncutils import run_coro_as_sync

        # it waits for the result: None only for a caller that does not wait
        return cast(T, run_coro_as_sync(coro))
    except Exception as exc:
        problem = server_problem(exc)
        if problem is None:
            raise
        raise problem from None


async def _all_runs(client: Any, **filters: Any) -> list[Any]:
    out: list[Any] = []
    while True:
        page = await client.read_flow_runs(limit=_PAGE, offset=len(out), **filters)
        out.extend(page)
        if len(page) < _PAGE:
            return out


def _flow_filter() -> Any:
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    return FlowFilter(name=FlowFilterName(any_=[FLOW_NAME]))


async def astart_review_runs(
    reviews: Iterable[Any], *, deployment: str = DEPLOYMENT, parallel: int = 4
) -> StartResult:
    """Create a run of the country-review deployment for each review that has no live (or
    completed) run yet. Runs are named after the review and tagged with group, cluster and
    parties; the only parameter is the review id (no settings, no secrets)."""
    from prefect import get_client

    reviews = list(reviews)
    result = StartResult()
    catalog = _catalog()  # each run's tags name its own process
    async with get_client() as client:
        dep = await client.read_deployment_by_name(deployment)
        # every run of the flow, whatever deployment made it (a deleted deployment's runs
        # too): the idempotency key counts the review's failed runs, and the server keeps a
        # key per flow
        runs = await _all_runs(client, flow_filter=_flow_filter())
        wanted = {r.id for r in reviews}
        ended_badly: dict[str, int] = {}
        replaced = []
        for r in runs:
            state = r.state.type.value if r.state else "SCHEDULED"
            review_id = review_of_run(r.name, r.parameters)
            if review_id not in wanted:
                continue  # another review's run: neither counted nor renamed here
            if state in _RESTARTABLE:
                ended_badly[review_id] = ended_badly.get(review_id, 0) + 1
                if not r.name.endswith(REPLACED):
                    # the review each run is for, not the loop's last one
                    replaced.append((r, review_id, state.lower()))
            else:
                result.already.setdefault(review_id, r.id)
        # Only the live run is named after its review: the list shows one run per review.
        for r, review_id, state in replaced:
            with contextlib.suppress(Exception):  # a name is cosmetic; never block a start
                await client.update_flow_run(r.id, name=f"{review_id} ({state}{REPLACED}")
        gate = asyncio.Semaphore(parallel)

        async def start(review: Review) -> None:
            # The idempotency key makes a retry after a lost answer return the same run.
            key = f"review:{review.id}:{ended_badly.get(review.id, 0)}"
            for attempt in range(_CREATE_TRIES):
                try:
                    async with gate:
                        run = await client.create_flow_run_from_deployment(
                            dep.id,
                            parameters={"review_id": review.id},
                            name=review.id,
                            tags=review_tags(review, catalog),
                            # two `start-reviews` at once create one run: the server
                            # returns the run it has for this key (a new key after each
                            # failed run)
                            idempotency_key=key,
                        )
                except Exception as exc:  # a busy server (503, "database is locked")
                    if attempt + 1 == _CREATE_TRIES:
                        result.failed[review.id] = str(exc).splitlines()[0]
                        return
                    # the same key again: a create that did succeed returns its run
                    await asyncio.sleep(min(2**attempt, 20) * (0.5 + random.random()))
                else:
                    result.started[review.id] = run.id
                    return

        await asyncio.gather(*(start(r) for r in reviews if r.id not in result.already))
    return result


_LIVE = ("SCHEDULED", "PENDING", "RUNNING", "PAUSED")


async def arestart_review_runs(
    reviews: Iterable[Any], *, deployment: str = DEPLOYMENT
) -> tuple[int, StartResult]:
    """Cancel the live runs of `reviews` and start new ones on the deployment as it now
    stands: how runs move from served flows to a work pool and back (a run keeps the work
    queue it was created with). Nothing is lost: a new run rebuilds its position from the
    event log. Returns the runs cancelled and what was started."""
    from prefect import get_client
    from prefect.states import Cancelled

    reviews = list(reviews)
    wanted = {r.id for r in reviews}
    cancelled = 0
    async with get_client() as client:
        # every live run of the flow: a deleted deployment leaves its runs without one
        runs = await _all_runs(client, flow_filter=_flow_filter())
        for r in runs:
            state = r.state.type.value if r.state else "SCHEDULED"
            if state in _LIVE and review_of_run(r.name, r.parameters) in wanted:
                await client.set_flow_run_state(
                    r.id,
                    Cancelled(message="replaced: a new run follows the review from the log"),
                    force=True,
                )
                cancelled += 1
    return cancelled, await astart_review_runs(reviews, deployment=deployment)


def restart_review_runs(
    reviews: Iterable[Any], *, deployment: str = DEPLOYMENT
) -> tuple[int, StartResult]:
    return _run(arestart_review_runs(reviews, deployment=deployment))


def start_review_runs(reviews: Iterable[Any], *, deployment: str = DEPLOYMENT) -> StartResult:
    return _run(astart_review_runs(reviews, deployment=deployment))


async def awaiting_runs(
    review_id: str | None = None, *, party: str | None = None
) -> list[WaitingRun]:
    """Suspended country-review runs (of one review, or tagged with a party)."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterName,
        FlowRunFilterState,
        FlowRunFilterStateType,
        FlowRunFilterTags,
    )
    from prefect.client.schemas.objects import StateType

    run_filter = FlowRunFilter(
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED])),
        # the live run's name starts with its review; the parameter decides below
        name=FlowRunFilterName(like_=review_id) if review_id else None,
        tags=FlowRunFilterTags(all_=[f"party:{party}"]) if party else None,
    )
    async with get_client() as client:
        runs = await _all_runs(client, flow_filter=_flow_filter(), flow_run_filter=run_filter)
    out = []
    for r in runs:
        review = review_of_run(r.name, r.parameters)
        if review_id and review != review_id:
            continue
        key = r.state.state_details.pause_key if r.state else None
        out.append(WaitingRun(r.id, review, step_from_key(key), key, list(r.tags)))
    return out


def waiting_runs(review_id: str | None = None, *, party: str | None = None) -> list[WaitingRun]:
    return _run(awaiting_runs(review_id, party=party))


def _catalog() -> Any:
    from ..definitions import load_definitions
    from ..settings import load_settings

    return load_definitions(load_settings().definitions_folders)


def _step_facts() -> dict[str, frozenset[str]]:
    """Step id -> the facts a run waiting there takes, in every loaded definition."""
    return waited_facts(_catalog())


def form_input(event: Mapping[str, Any], definition: Definitions | None = None) -> dict[str, Any]:
    """The input a run's resume form takes for a logged fact: its fields, and who recorded
    it (the note says; else the command line's user). `definition` reads the fact's fields
    (default: every loaded definition)."""
    fact = fact_from_event(event, definition if definition is not None else _catalog())
    run_input = fact.model_dump(mode="json", exclude_none=True)
    if not run_input.get("recorded_by"):
        import getpass

        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name in this environment
            user = "someone"
        run_input["recorded_by"] = f"{user} (untoc command line)"
    return run_input


async def aresume_with_fact(
    flow_run_id: UUID, run_input: Mapping[str, Any], *, settle: float = 10.0
) -> None:
    """Resume a suspended run with a fact's input (as the Prefect UI's form would send it).

    A run turns Suspended a moment before it saves its input form; a resume in between is
    rejected with "Run input schema not found", so that one rejection is retried for up to
    `settle` seconds. Any other rejection (input that does not fit the form) raises."""
    import httpx
    from prefect import get_client
    from prefect.client.schemas.responses import SetStateStatus

    loop = asyncio.get_running_loop()
    deadline = loop.time() + settle
    busy_until = loop.time() + _BUSY_FOR
    async with get_client() as client:
        while True:
            fitted = await _fitted_to_form(client, flow_run_id, run_input)
            try:
                answer = await client.resume_flow_run(flow_run_id, run_input=fitted)
            except httpx.HTTPStatusError as exc:
                # a Prefect server on SQLite answers 503 "database is locked" to some of
                # several resumes at once (after its client's own retries): wait and ask
                # again; the resume is idempotent (a resumed run is not resumed twice)
                if exc.response.status_code != 503 or loop.time() > busy_until:
                    raise
                await asyncio.sleep(0.5 + random.random())
                continue
            if answer.status == SetStateStatus.ACCEPT:
                return
            reason = getattr(answer.details, "reason", "") or ""
            if "schema not found" not in reason or asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(f"flow run {flow_run_id} was not resumed: {reason}")
            await asyncio.sleep(0.2)


async def _fitted_to_form(
    client: Any, flow_run_id: UUID, run_input: Mapping[str, Any]
) -> dict[str, Any]:
    """A logged fact's input cut to the fields the run's form has: the form refuses any
    other (a person's extra field is refused; a command's spare ones, such as the fact's
    type, are left out here). Unchanged when the form cannot be read yet."""
    import json

    data = {k: v for k, v in run_input.items() if k != "fact"}
    try:
        run = await client.read_flow_run(flow_run_id)
        keyset = run.state.state_details.run_input_keyset if run.state else None
        if not keyset:
            return data
        schema = json.loads(await client.read_flow_run_input(flow_run_id, keyset["schema"]))
    except Exception:  # not saved yet: the resume answers "schema not found" and is retried
        return data
    fields = schema.get("properties") or {}
    return {k: v for k, v in data.items() if k in fields} if fields else data


async def aresume_waiting_runs(review_id: str | None, event: Mapping[str, Any]) -> list[str]:
    if review_id:
        runs = await awaiting_runs(review_id)
    elif event.get("party"):
        runs = await awaiting_runs(party=str(event["party"]))
    else:
        return []
    if not runs:
        return []
    facts = _step_facts()
    kind = event.get("type")
    run_input = form_input(event)
    resumed = []
    for run in runs:
        # A fact for another step stays in the log; the run picks it up from there when
        # its own step's fact arrives (it rebuilds its position from the log).
        if run.step is None or kind not in facts.get(run.step, ()):
            continue
        try:
            await aresume_with_fact(run.id, run_input)
        except RuntimeError:
            # its form does not take this fact (a Party it no longer waits for): the fact
            # is in the log all the same, and `untoc flows sync` moves the run on
            continue
        resumed.append(str(run.id))
    return resumed


def resume_waiting_runs(review_id: str | None, event: Mapping[str, Any]) -> list[str]:
    """Resume every suspended run waiting at the step `event` completes (see
    `resume_waiting_run`); for a party's fact (no review), the runs tagged with the party."""
    if not api_configured():
        return []
    from .facts import FACTS

    if event.get("type") not in FACTS(_catalog()):
        return []  # no run waits for facts of this type (an extension, a redraw...)
    return _run(aresume_waiting_runs(review_id, event))


def _completing_event(snapshot: Snapshot, review_id: str, kind: str) -> dict[str, Any] | None:
    """The logged fact of type `kind` that a run waiting at that step would have received."""
    from ..mechanism_file import event_to_dict

    review = snapshot.reviews[review_id]
    parties = {review.reviewed, *(r.party for r in review.reviewers)}
    found = None
    for e in snapshot.events:
        if e.type != kind:
            continue
        if e.review == review_id or (e.review is None and e.party in parties):
            found = e  # the latest one: the fact that last moved the step
    return event_to_dict(found) if found is not None else None


async def async_sync_waiting_runs(
    definition: Definitions, snapshot: Snapshot, today: date
) -> list[str]:
    """Resume every suspended run whose step the event log shows done (facts recorded while
    no Prefect API was reachable, imported, or about a party rather than a review), with
    the logged fact, so it moves to the step the log says. Returns the run ids resumed."""
    from .position import review_position, run_step_facts

    facts = waited_facts(definition)
    resumed = []
    for run in await awaiting_runs():
        if run.review not in snapshot.reviews or run.step is None or run.step not in facts:
            continue
        now = review_position(definition, snapshot, run.review, today)
        if now.step == run.step and not now.complete:
            continue  # still waiting where the log says
        kinds = run_step_facts(now, run.step, facts)
        found = (_completing_event(snapshot, run.review, k) for k in kinds)
        event = next((e for e in found if e is not None), None)
        if event is None:
            continue
        try:
            await aresume_with_fact(run.id, form_input(event, definition))
        except RuntimeError:
            continue  # its form refuses the logged fact: left where it is, said by the count
        resumed.append(str(run.id))
    return resumed


def sync_waiting_runs(definition: Definitions, snapshot: Snapshot, today: date) -> list[str]:
    return _run(async_sync_waiting_runs(definition, snapshot, today))


def resume_waiting_run(review_id: str | None, event: Mapping[str, Any]) -> str | None:
    """After `untoc record` appended `event` (a mechanism-file event dict): when a Prefect
    API is configured and the run of `review_id` is suspended at the step this fact
    completes, resume it with the fact and return its flow run id; else None, at once when
    PREFECT_API_URL is not set. With `review_id` None, a party's fact (focal point named)
    resumes the runs of that party's reviews waiting for it; the first id is returned."""
    resumed = resume_waiting_runs(review_id, event)
    return resumed[0] if resumed else None


# A country-review run is Running for seconds (it suspends at once) and Pending for as long
# as a worker takes to start its process: one left in either longer than this was claimed
# by a worker or runner that died (SIGKILL, a machine lost) and nobody will move it.
STALE_AFTER_DEFAULT = "10m"
_STRANDABLE = ("PENDING", "RUNNING")
SWEEP_FLOW = "daily-sweep"


def parse_duration(text: str) -> Any:
    """ "90s", "10m", "2h" (a number alone is minutes) as a timedelta; InputError else."""
    from datetime import timedelta

    raw = text.strip().lower()
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
    number, unit = (raw[:-1], raw[-1]) if raw and raw[-1] in units else (raw, "m")
    try:
        amount = float(number)
    except ValueError:
        amount = -1.0
    if amount <= 0:
        raise InputError(
            [
                Problem(
                    f"{text!r} is not a duration",
                    path="--stale-after",
                    hint="a positive number with s, m, h or d: 90s, 10m, 2h",
                )
            ]
        )
    return timedelta(**{units[unit]: amount})


@dataclass
class StrandedResult:
    crashed: dict[str, str] = field(default_factory=dict)  # run id -> the review or flow
    started: StartResult = field(default_factory=StartResult)


async def areplace_stranded_runs(
    reviews: Mapping[str, Any],
    stale_after: Any,
    now: Any,
    *,
    deployment: str = DEPLOYMENT,
) -> StrandedResult:
    """Mark Crashed every country-review or daily-sweep run left Pending or Running since
    before `now - stale_after` (its worker no longer answers), and start a live run for
    each of those reviews in `reviews` (id -> review) on `deployment`: it rebuilds the
    review's position from the event log, so each review ends with one live run. A sweep
    so marked frees the deployment's one slot for the next sweep."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    out = StrandedResult()
    cutoff = now - stale_after
    run_filter = FlowRunFilter(
        state=FlowRunFilterState(
            type=FlowRunFilterStateType(any_=[StateType(s) for s in _STRANDABLE])
        )
    )
    flows = FlowFilter(name=FlowFilterName(any_=[FLOW_NAME, SWEEP_FLOW]))
    stranded_reviews: list[Any] = []
    async with get_client() as client:
        names = {f.id: f.name for f in await client.read_flows(flow_filter=flows)}
        for r in await _all_runs(client, flow_filter=flows, flow_run_filter=run_filter):
            since = r.state.timestamp if r.state else None
            if since is None or since > cutoff:
                continue
            review_run = names.get(r.flow_id) == FLOW_NAME
            if review_run and review_of_run(r.name, r.parameters) not in reviews:
                continue  # another store's review (a server shared by tests): not ours
            if await _heard_since(client, r.id, cutoff):
                continue  # a long sweep whose process still beats (flows' heartbeats)
            state = r.state.type.value.lower() if r.state else "pending"
            await client.set_flow_run_state(
                r.id,
                Crashed(
                    message=f"stranded: {state} since {since:%Y-%m-%d %H:%M} UTC and no "
                    "worker moved it; replaced by a live run at the step the event log shows"
                    if names.get(r.flow_id) == FLOW_NAME
                    else f"stranded: {state} since {since:%Y-%m-%d %H:%M} UTC and no worker "
                    "moved it; marked crashed so the next sweep can run"
                ),
                force=True,
            )
            if names.get(r.flow_id) == FLOW_NAME:
                review_id = review_of_run(r.name, r.parameters)
                out.crashed[str(r.id)] = review_id
                if review_id in reviews:
                    stranded_reviews.append(reviews[review_id])
            else:
                out.crashed[str(r.id)] = SWEEP_FLOW
    if stranded_reviews:
        unique = list({r.id: r for r in stranded_reviews}.values())
        out.started = await astart_review_runs(unique, deployment=deployment)
    return out


async def _heard_since(client: Any, run_id: Any, since: Any) -> bool:
    """True when the run's process sent a heartbeat event after `since` (workers started
    with PREFECT_FLOWS_HEARTBEAT_FREQUENCY, docs/scaling-out.md): it is alive, however long
    it has been Running. Without heartbeats the state's age alone decides."""
    from prefect.events.filters import (
        EventFilter,
        EventNameFilter,
        EventOccurredFilter,
        EventResourceFilter,
    )

    try:
        page = await client.read_events(
            EventFilter(
                occurred=EventOccurredFilter(since=since),
                event=EventNameFilter(name=["prefect.flow-run.heartbeat"]),
                resource=EventResourceFilter(id=[f"prefect.flow-run.{run_id}"]),
            ),
            limit=1,
        )
    except Exception:  # the events API is optional to this decision
        return False
    return bool(page.events)


def replace_stranded_runs(
    reviews: Mapping[str, Any], stale_after: Any, now: Any, *, deployment: str = DEPLOYMENT
) -> StrandedResult:
    return _run(areplace_stranded_runs(reviews, stale_after, now, deployment=deployment))


def _key_fingerprint(key: str | None) -> str | None:
    """The log fingerprint a suspend key was made with (position.suspend_key)."""
    parts = (key or "").split("--")
    return parts[2] if len(parts) == 4 else None


async def arefresh_stale_runs(
    definition: Definitions, snapshot: Snapshot, today: date, *, deployment: str = DEPLOYMENT
) -> list[str]:
    """Replace every suspended run whose review's log moved at another open step than the
    one it waits at (a Party's experts named while the run waits for the SAQ): its form
    still takes its own step's fact, but its name, message and tags (the latest open step,
    how many are open) are those of before. The new run rebuilds them from the log. Runs
    whose own step the log shows done are resumed by `async_sync_waiting_runs` instead.
    Returns the reviews whose run was replaced."""
    from .position import review_position

    stale = []
    for run in await awaiting_runs():
        if run.review not in snapshot.reviews or run.step is None:
            continue
        was = _key_fingerprint(run.key)
        if was is None:
            continue
        now = review_position(definition, snapshot, run.review, today)
        if now.complete or now.step != run.step or now.fingerprint == was:
            continue
        stale.append(snapshot.reviews[run.review])
    if not stale:
        return []
    _cancelled, result = await arestart_review_runs(stale, deployment=deployment)
    return sorted(result.started)


def refresh_stale_runs(
    definition: Definitions, snapshot: Snapshot, today: date, *, deployment: str = DEPLOYMENT
) -> list[str]:
    return _run(arefresh_stale_runs(definition, snapshot, today, deployment=deployment))
