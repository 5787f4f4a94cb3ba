"""Read a mechanism file: shape (pydantic) and references (this module), every problem
located as `events[17].review` at file:line, all of them reported at once.

Events are read in batches so a file of a million events never holds a million models:
`MechanismReader.events()` yields core Events batch by batch and `finish()` raises the
collected problems. `parse_document` is the simple all-in-memory form.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import ValidationError

from ..core.model import Event, Party, Review
from ..definitions.load import allowed_keys as _model_allowed_keys
from ..errors import InputError, Problem, did_you_mean, problems_from_validation
from ..yamlsource import Located
from . import models as m
from .convert import data_to_json, event_from_model, party_from_model, review_from_model
from .facts import EventVocabulary
from .source import JsonStream, LocatedSource

if TYPE_CHECKING:
    from ..definitions import ProcessCatalog

MAX_PROBLEMS = 200  # beyond this a person fixes the first ones and tries again

# One valid event as the store takes it: (seq = 1-based file position, on, type, review,
# party, data as the core Event holds it, the data's canonical JSON, the id the file gave,
# note). A plain tuple: a million of them cost less than a million Events.
EventRow = tuple[
    int, date, str, "str | None", "str | None", Mapping[str, Any], str, "str | None", "str | None"
]


@dataclass(frozen=True)
class Known:
    """What the store already holds, so a file may refer to it (an events-only file)."""

    parties: Mapping[str, Party] = field(default_factory=dict)
    reviews: Mapping[str, Review] = field(default_factory=dict)
    # party -> emails of every focal point ever nominated for it
    focal_points: Mapping[str, set[str]] = field(default_factory=dict)
    # review -> parties that joined it by a redraw
    joined: Mapping[str, set[str]] = field(default_factory=dict)


@dataclass
class ParsedMechanism:
    parties: list[Party]
    reviews: list[Review]
    events: list[Event]


def parse_document(
    located: Located | LocatedSource | JsonStream,
    known: Known | None = None,
    definitions: ProcessCatalog | EventVocabulary | None = None,
) -> ParsedMechanism:
    """Parse and check a whole mechanism file; raise InputError listing every problem."""
    reader = MechanismReader(located, known, definitions)
    events: list[Event] = []
    for batch in reader.events():
        events.extend(batch)
    reader.finish()
    return ParsedMechanism(reader.parties, reader.reviews, events)


class MechanismReader:
    """Checks the head (format, parties, reviews) on creation; streams the events."""

    def __init__(
        self,
        source: Located | LocatedSource | JsonStream,
        known: Known | None = None,
        definitions: ProcessCatalog | EventVocabulary | None = None,
    ):
        self.vocabulary = vocabulary_of(definitions)
        self.source = LocatedSource(source) if isinstance(source, Located) else source
        self.file = self.source.file
        self.known = known or Known()
        self.problems: list[Problem] = []
        self._problem_count = 0
        # events that repeat an earlier one of the file exactly (same id, same content)
        self.repeated = 0
        self.parties: list[Party] = []
        self.reviews: list[Review] = []
        self._refused_parties: set[str] = set()
        self._refused_reviews: set[str] = set()
        # the Mechanism's declared shape, read once for the whole file
        self.mechanism = _mechanism()
        self._read_head()

    def line_of(self, path: str) -> int | None:
        return self.source.line_of(path)

    # -- problems --------------------------------------------------------------------

    @property
    def ok(self) -> bool:
        return self._problem_count == 0

    def _same_event(self, first: int, raw: Any, model: Any) -> bool:
        """Whether `raw`, valid to `model`, repeats the file's events[first] exactly (read
        again: a file of a million events keeps only their ids)."""
        earlier = self.source.raw_event(first)
        try:
            event = model.__pydantic_validator__.validate_python(raw)
            model = self._model_of_review(earlier) or self.vocabulary.models[earlier["type"]]
            return bool(model.__pydantic_validator__.validate_python(earlier) == event)
        except (ValidationError, KeyError, TypeError):
            return False

    def _model_of_review(self, raw: Any) -> Any:
        """The model of a review's fact as the review's own process declares it (a fact
        name two processes declare with other fields), or None."""
        if not isinstance(raw, dict) or raw.get("type") not in self.vocabulary.ambiguous:
            return None
        named = raw.get("review")
        review = self._reviews.get(named) if isinstance(named, str) else None
        if review is None:
            return None
        return self.vocabulary.model_for(raw["type"], review.process, review.process_version)

    def _add(self, path: str, message: str, hint: str | None = None) -> None:
        self._problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            line = self.source.line_of(path) if path else None
            self.problems.append(Problem(message, path=path, file=self.file, line=line, hint=hint))

    def _add_validation(self, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> None:
        source = self.source
        vocabulary = self.vocabulary

        def allowed(loc: Any) -> list[str]:
            loc = list(loc)
            if len(loc) >= 2 and loc[0] == "events" and isinstance(loc[1], int):
                try:
                    raw = source.raw_event(loc[1])
                    model = self._model_of_review(raw) or vocabulary.models[raw["type"]]
                except (KeyError, TypeError, IndexError):
                    return []
                return _model_allowed_keys(model, loc[2:])
            return _model_allowed_keys(m.MechanismDocument, loc)

        for p in problems_from_validation(exc, file=self.file, prefix=prefix, allowed_keys=allowed):
            message = p.message
            if message.startswith("Unable to extract tag using discriminator"):
                message = "required key 'type' is missing"
            self._problem_count += 1
            if len(self.problems) < MAX_PROBLEMS:
                line = source.line_of(p.path) if p.path else None
                self.problems.append(Problem(message, p.path, p.file, line, p.hint))

    def finish(self) -> None:
        """Raise InputError with every problem found, if any."""
        if self._problem_count:
            # in file order, whichever check found them
            problems = sorted(self.problems, key=lambda p: p.line or 0)
            if self._problem_count > len(problems):
                more = self._problem_count - len(problems)
                problems.append(Problem(f"... and {more} more problems", file=self.file))
            raise InputError(problems, title=f"{self.file}: the mechanism file has errors")

    # -- head ------------------------------------------------------------------------

    def _read_head(self) -> None:
        source = self.source
        if not source.is_mapping:
            self._add(
                "",
                "a mechanism file must be a mapping with `format`, `parties`, `reviews`, `events`",
            )
            self.finish()
        if not source.events_is_list:
            self._add("events", "`events` must be a list")
        if isinstance(source, JsonStream):
            for p in source.duplicate_key_problems():
                self._problem_count += 1
                self.problems.append(p)
        head = source.head
        data = head
        try:
            doc = m.MechanismDocument.model_validate(head)
        except ValidationError as exc:
            self._add_validation(exc)
            if any(p.path == "format" for p in self.problems):
                self.finish()  # not our format: the rest would only be noise
            # validate parties and reviews one by one so the good ones still serve checks
            doc = None
        parties: list[tuple[int, m.PartyModel]] | list[m.PartyModel]
        reviews: list[tuple[int, m.ReviewModel]] | list[m.ReviewModel]
        if doc is not None:
            parties = list(doc.parties)
            reviews = list(doc.reviews)
        else:
            # the refused ones are written in the file: what names them is not "unknown" too
            parties, self._refused_parties = _valid_items(data.get("parties"), m.PartyModel, "code")
            reviews, self._refused_reviews = _valid_items(data.get("reviews"), m.ReviewModel, "id")
        self._check_parties(parties)
        self._check_reviews(reviews)

    def _check_parties(self, parties: list[tuple[int, m.PartyModel]] | list[m.PartyModel]) -> None:
        seen: dict[str, int] = {}
        mechanism = self.mechanism
        required = mechanism.party_to if mechanism is not None else None
        groups = mechanism.regional_group_ids if mechanism is not None else ()
        for i, p in _indexed(parties):
            if required is not None and required not in p.instruments:
                self._add(
                    f"parties[{i}].instruments",
                    f"{required} is required: every party of the Mechanism is party to it",
                )
            group = p.regional_group
            if mechanism is not None and group is not None and group not in groups:
                self._add(
                    f"parties[{i}].regional_group",
                    f"{group!r} is not a regional group of the Mechanism",
                    did_you_mean(group, groups)
                    or f"regional groups (mechanism.yaml): {', '.join(groups) or 'none'}; or null",
                )
            if p.code in seen:
                self._add(
                    f"parties[{i}].code",
                    f"party code {p.code!r} is used twice (also parties[{seen[p.code]}])",
                )
                continue
            seen[p.code] = i
            self.parties.append(party_from_model(p))
        self._parties: dict[str, Party] = {
            **self.known.parties,
            **{p.code: p for p in self.parties},
        }

    def _check_reviews(self, reviews: list[Any]) -> None:
        seen: dict[str, int] = {}
        parties = self._parties
        for i, r in _indexed(reviews):
            at = f"reviews[{i}]"
            if r.id in seen:
                self._add(
                    f"{at}.id", f"review id {r.id!r} is used twice (also reviews[{seen[r.id]}])"
                )
                continue
            seen[r.id] = i
            catalog = self.vocabulary.catalog
            if catalog.get(r.process, r.process_version) is None:
                loaded = ", ".join(d.ref for d in catalog)
                self._add(
                    f"{at}.process_version" if r.process in catalog.processes else f"{at}.process",
                    f"no process definition {r.process}@{r.process_version} is loaded",
                    f"loaded: {loaded}",
                )
            self._check_shape(at, r)
            reviewed = parties.get(r.reviewed)
            if reviewed is None:
                self._unknown_party(f"{at}.reviewed", r.reviewed)
            else:
                for instrument in r.instruments:
                    if instrument not in reviewed.instruments:
                        self._add(
                            f"{at}.instruments",
                            f"{r.reviewed} is not party to {instrument},"
                            " so it cannot be reviewed on it",
                            f"{r.reviewed} is party to {', '.join(reviewed.instruments)}",
                        )
            reviewer_codes: set[str] = set()
            for j, a in enumerate(r.reviewers):
                ap = f"{at}.reviewers[{j}]"
                if a.party == r.reviewed:
                    self._add(f"{ap}.party", f"{a.party} cannot review itself")
                if a.party in reviewer_codes:
                    self._add(f"{ap}.party", f"{a.party} is listed twice as a reviewer")
                reviewer_codes.add(a.party)
                reviewer = parties.get(a.party)
                if reviewer is None:
                    self._unknown_party(f"{ap}.party", a.party)
                    continue
                for instrument in a.instruments:
                    if instrument not in r.instruments:
                        self._add(
                            f"{ap}.instruments",
                            f"{instrument} is not under review in {r.id}",
                            f"under review: {', '.join(r.instruments)}",
                        )
                    elif instrument not in reviewer.instruments:
                        self._add(
                            f"{ap}.instruments",
                            f"reviewer {a.party} is not party to {instrument},"
                            " so it cannot review it",
                            f"{a.party} is party to {', '.join(reviewer.instruments)}",
                        )
            # kept even with problems, so events naming it are not reported as unknown too;
            # nothing is imported while any problem stands
            self.reviews.append(review_from_model(r))
        self._reviews: dict[str, Review] = {**self.known.reviews, **{r.id: r for r in self.reviews}}

    def _check_shape(self, at: str, r: Any) -> None:
        """What the Mechanism's YAML declares of a review of its process (`reviews:` in
        mechanism.yaml: its cluster and group, instruments, reviewers); a process it names
        no shape for asks none of it."""
        mechanism = self.mechanism
        if mechanism is None:
            return
        shape = mechanism.shape_of(r.process)
        declared = f"mechanism.yaml reviews.{r.process}"
        for key, span in (("cluster", shape.cluster), ("group", shape.group)):
            number = getattr(r, key)
            if span is None:
                continue
            if number is None:
                self._add(
                    f"{at}.{key}",
                    f"required key {key!r} is missing",
                    f"a review of {r.process} is numbered in a {key}, {span} ({declared})",
                )
            elif not span.holds(number):
                self._add(
                    f"{at}.{key}",
                    f"{key} {number} is not a {key} of the Mechanism",
                    f"{key}s of {r.process}: {span} ({declared}.{key})",
                )
        if shape.instruments == "declared":
            known = mechanism.instrument_ids
            for instrument in r.instruments:
                if instrument not in known:
                    self._add(
                        f"{at}.instruments",
                        f"{instrument} is not an instrument of the Mechanism",
                        did_you_mean(instrument, known) or f"instruments: {', '.join(known)}",
                    )
        least = shape.reviewers.min if shape.reviewers is not None else 0
        if len(r.reviewers) < least:
            self._add(
                f"{at}.reviewers",
                f"a review of {r.process} has {least} or more reviewing Parties;"
                f" {r.id} has {len(r.reviewers)}",
            )

    def _unknown_type(self, at: str, raw: Any, kind: Any) -> None:
        if not isinstance(raw, dict):
            self._add(at, "an event must be a mapping with `on`, `type` and its fields")
        elif kind is None:
            self._add(at, "required key 'type' is missing")
        else:
            self._add(
                at,
                f"unknown type {kind!r}",
                did_you_mean(str(kind), self.vocabulary.models),
            )

    def _not_of_process(self, at: str, kind: str, review: Review) -> None:
        processes = sorted(f"{p}@{v}" for p, v in self.vocabulary.declaring.get(kind, ()))
        self._add(
            f"{at}.type",
            f"{review.id} runs {review.process}@{review.process_version}, "
            f"which does not declare the fact {kind!r}",
            f"declared by {', '.join(processes)}" if processes else None,
        )

    def _definition_of(self, review: Review, migrations: list[Any]) -> Any:
        catalog = self.vocabulary.catalog
        if migrations:
            last = migrations[-1]
            return catalog.get(last.process, last.version)
        return catalog.get(review.process, review.process_version)

    def _check_step(
        self, path: str, kind: str, step: str, review: Review, moved: dict[str, list[Any]]
    ) -> None:
        definition = self._definition_of(review, moved.get(review.id, []))
        if definition is None:
            return  # the review's process is reported where the review is
        if step not in definition.step_ids:
            self._add(
                path,
                f"{definition.ref} has no step {step!r}",
                did_you_mean(step, definition.step_ids)
                or f"steps: {', '.join(definition.step_ids)}",
            )
        elif kind == "deadline_extended" and step not in definition.extendable_steps:
            self._add(
                path,
                f"the deadline of {step!r} cannot be extended in {definition.ref}",
                f"extendable: {', '.join(definition.extendable_steps) or 'none'}",
            )

    def _check_migration(self, at: str, e: Any, review: Review) -> None:
        catalog = self.vocabulary.catalog
        if e.process != review.process:
            self._add(
                f"{at}.process",
                f"{review.id} runs {review.process}; a migration keeps the process",
            )
            return
        target = catalog.get(e.process, e.version)
        if target is None:
            self._add(
                f"{at}.version",
                f"no process definition {e.process}@{e.version} is loaded",
                f"loaded: {', '.join(d.ref for d in catalog)}",
            )
            return
        for old, new in e.steps.items():
            if new is not None and new not in target.step_ids:
                self._add(
                    f"{at}.steps.{old}",
                    f"{target.ref} has no step {new!r}",
                    did_you_mean(new, target.step_ids),
                )

    def _unknown_party(self, path: str, code: str) -> None:
        if code in self._refused_parties:
            return  # its own problem is reported where the party is written
        self._add(path, f"unknown party {code!r}", did_you_mean(code, self._parties))

    # -- events ----------------------------------------------------------------------

    def events(self, batch_size: int = 5000) -> Iterator[list[Event]]:
        """Yield the valid events as core Events (seq = 1-based file position), in batches.

        Problems are collected as they are found; call `finish()` after the last batch.
        """
        for rows in self.rows(batch_size):
            yield [
                Event(on, kind, seq, review, party, data, given, note)
                for seq, on, kind, review, party, data, _, given, note in rows
            ]

    def rows(self, batch_size: int = 5000) -> Iterator[list[EventRow]]:
        """Yield the valid events as rows (see `EventRow`: the core Event's values and its
        data's canonical JSON), in batches. Problems are collected as they are found; call
        `finish()` after the last batch.

        The usual event is read by its plain reader (fast.py); whatever that reader is not
        sure of goes through the pydantic model, which words every problem.
        """
        parties = self._parties
        reviews = self._reviews
        known = self.known
        ids: dict[str, int] = {}
        nominated: dict[str, set[str]] = {k: set(v) for k, v in known.focal_points.items()}
        joined: dict[str, set[str]] = {k: set(v) for k, v in known.joined.items()}
        # checks that need the whole file: (path, party/review, value)
        email_refs: list[tuple[str, str, str]] = []
        reviewer_refs: list[tuple[str, str, str]] = []
        steps_moved: dict[str, list[Any]] = {}  # review -> its migrations met so far
        # review -> (its steps, its extendable steps), for reviews not migrated in the file
        step_sets: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        vocabulary = self.vocabulary
        models = vocabulary.models
        names = {name: name for name in models}
        readers = vocabulary.readers
        ambiguous = vocabulary.ambiguous
        accepted_by = vocabulary.accepted
        accepted: dict[str, frozenset[str]] = {}  # review -> the facts its process declares
        batch: list[EventRow] = []
        append = batch.append
        orjson_dumps, SORT_KEYS = orjson.dumps, orjson.OPT_SORT_KEYS  # noqa: N806
        for i, raw in self.source.events():
            try:  # the usual case in two lookups; anything else is reported below
                t = names[raw["type"]]  # the vocabulary's own string (see `parties` below)
                model = models[t]
            except (KeyError, TypeError, IndexError):
                kind = raw.get("type") if isinstance(raw, dict) else None
                self._unknown_type(
                    f"events[{i}]",
                    raw,
                    kind if isinstance(kind, str) or kind is None else str(kind),
                )
                continue
            if t in ambiguous:
                model = self._model_of_review(raw) or model
            read = readers.get(model)
            got = read(raw) if read is not None else None
            data: Mapping[str, Any]
            if got is not None:
                on, data = got
                get = raw.get
                review_id, party, given, note = get("review"), get("party"), get("id"), get("note")
                try:  # fast.canonical_json, without its call
                    data_json = orjson_dumps(data, option=SORT_KEYS).decode()
                except TypeError:
                    data_json = data_to_json(data)
            else:
                try:
                    # the validator itself: model_validate's wrapper costs a call per event
                    e: Any = model.__pydantic_validator__.validate_python(raw)
                except ValidationError as exc:
                    self._add_validation(exc, prefix=("events", i))
                    continue
                core = event_from_model(e, seq=i + 1, vocabulary=vocabulary)
                on, t, review_id, party, data = (
                    core.on,
                    core.type,
                    core.review,
                    core.party,
                    core.data,
                )
                given, note = core.id, core.note
                data_json = data_to_json(data)
            before = self._problem_count
            if given is not None:
                first = ids.get(given)
                if first is None:
                    ids[given] = i
                elif self._same_event(first, raw, model):
                    # merged exports repeat events: the copy is skipped like a stored one
                    self.repeated += 1
                    continue
                else:
                    line = self.source.line_of(f"events[{first}]")
                    self._add(
                        f"events[{i}].id",
                        f"event id {given!r} is used twice with different content"
                        f" (also events[{first}]" + (f", line {line})" if line else ")"),
                        "give each fact its own id, or remove the wrong one",
                    )
            # A known party's code and a known review's id are taken from the head, one
            # string each for all their events: the import's tables of them (projection,
            # checks) then compare one object, not a million copies read from the file.
            if party is not None:
                found = parties.get(party)
                if found is None:
                    self._unknown_party(f"events[{i}].party", party)
                else:
                    party = found.code
            review = None
            if review_id is not None:
                review = reviews.get(review_id)
                if review is None:
                    if review_id not in self._refused_reviews:
                        self._add(
                            f"events[{i}].review",
                            f"unknown review {review_id!r}",
                            did_you_mean(review_id, reviews),
                        )
                else:
                    review_id = review.id
            if review is not None:
                facts = accepted.get(review_id)
                if facts is None:
                    facts = accepted[review_id] = accepted_by(
                        review.process, review.process_version
                    )
                if t not in facts:
                    self._not_of_process(f"events[{i}]", t, review)
            if t == "focal_point_nominated":
                emails = nominated.get(party)
                if emails is None:
                    emails = nominated[party] = set()
                emails.add(data["person"]["email"])
                if data["replaces"] is not None:
                    email_refs.append((f"events[{i}].replaces", party, data["replaces"]))
            elif t == "focal_point_withdrawn":
                email_refs.append((f"events[{i}].email", party, data["email"]))
            elif t == "deadline_extended" or t == "step_waived":
                if review is not None:
                    step = data["step"]
                    steps = step_sets.get(review.id)
                    if steps is None or step not in steps[t == "deadline_extended"]:
                        # not known good: check it, with the message if it is wrong
                        self._check_step(f"events[{i}].step", t, step, review, steps_moved)
                        definition = self._definition_of(review, steps_moved.get(review.id, []))
                        if definition is not None and review.id not in steps_moved:
                            step_sets[review.id] = (
                                frozenset(definition.step_ids),
                                frozenset(definition.extendable_steps),
                            )
            elif t == "process_migrated":
                if review is not None:
                    migration = _Migration(data["process"], data["version"], data["steps"])
                    self._check_migration(f"events[{i}]", migration, review)
                    steps_moved.setdefault(review.id, []).append(migration)
                    step_sets.pop(review.id, None)
            elif t == "reviewer_replaced":
                by = data["by"]
                if by not in parties:
                    self._unknown_party(f"events[{i}].by", by)
                if review is not None:
                    if by == review.reviewed:
                        self._add(f"events[{i}].by", f"{by} cannot review itself")
                    if by == party:
                        self._add(f"events[{i}].by", f"{by} cannot replace itself")
                    if by in parties:
                        joined.setdefault(review.id, set()).add(by)
                    reviewer_refs.append((f"events[{i}].party", review.id, party))
            elif party is not None and review is not None:
                # a review's fact from one Party: a reviewer's part (written feedback)
                reviewer_refs.append((f"events[{i}].party", review.id, party))
            if self._problem_count == before:
                append((i + 1, on, t, review_id, party, data, data_json, given, note))
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
                    append = batch.append
        for path, code, email in email_refs:
            if email not in nominated.get(code, ()):
                self._add(
                    path,
                    f"{email!r} was never nominated as a focal point of {code}",
                    did_you_mean(email, nominated.get(code, ())),
                )
        for path, review_id, code in reviewer_refs:
            review = reviews[review_id]
            current = {a.party for a in review.reviewers} | joined.get(review_id, set())
            if code not in current:
                self._add(
                    path,
                    f"{code} is not a reviewer of {review_id}",
                    f"reviewers: {', '.join(sorted(current))}",
                )
        if batch:
            yield batch


@dataclass(frozen=True)
class _Migration:
    """What the checks read of a `process_migrated` fact."""

    process: str
    version: int
    steps: Mapping[str, str | None]


_vocabularies: dict[int, tuple[Any, EventVocabulary]] = {}
_mechanisms: dict[tuple[str, float], Any] = {}


def _mechanism() -> Any:
    """The Mechanism's rules (the settings' mechanism.yaml), or None when they cannot be
    read (its own command says what is wrong with them); read once per file version."""
    from ..definitions.load import defs_file, is_mechanism_rules

    path = defs_file("mechanism.yaml", accept=is_mechanism_rules)
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return None
    if key not in _mechanisms:
        from ..mechanism.definition import load_mechanism

        try:
            _mechanisms[key] = load_mechanism(path)
        except InputError:
            _mechanisms[key] = None
    return _mechanisms[key]


def vocabulary_of(
    definitions: ProcessCatalog | EventVocabulary | None = None,
) -> EventVocabulary:
    """The event models of the loaded definitions (built once per catalog)."""
    if definitions is None:
        from ..definitions import load_definitions

        definitions = load_definitions()
    if isinstance(definitions, EventVocabulary):
        return definitions
    found = _vocabularies.get(id(definitions))
    if found is None or found[0] is not definitions:
        found = (definitions, EventVocabulary(definitions))
        _vocabularies[id(definitions)] = found
    return found[1]


def _indexed(items: list[Any]) -> Iterator[tuple[int, Any]]:
    for i, item in enumerate(items):
        if isinstance(item, tuple):
            yield item
        else:
            yield i, item


def _valid_items(raw: Any, model: type[Any], key: str) -> tuple[list[tuple[int, Any]], set[str]]:
    """The items that validate, with their index; and the `key` (id or code) of those that
    do not, also upper-cased, as what names them is written (`nga` refused as a party code,
    `NGA` where it is named)."""
    if not isinstance(raw, list):
        return [], set()
    valid, refused = [], set()
    for i, item in enumerate(raw):
        try:
            valid.append((i, model.model_validate(item)))
        except ValidationError:
            # already reported by the whole-document validation
            if isinstance(item, dict) and isinstance(item.get(key), str):
                refused |= {item[key], item[key].strip().upper()}
    return valid, refused
