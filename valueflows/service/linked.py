"""Linked data in and out of the ledger: the whole ledger (or a period of it) streamed out as whoever asks may see
it, and files imported whole or not at all through the same use cases as the API.

Records are read in the order that puts what a record refers to before it, a few thousand rows at a time, and
written one by one: memory stays flat however large the ledger.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from valueflows.domain import access
from valueflows.domain.errors import LedgerError, Problem, RuleViolation
from valueflows.domain.inputs import EventInput
from valueflows.domain.model import AgentRelationshipRole
from valueflows.linkeddata.contexts import loader_for
from valueflows.linkeddata.documents import FORMATS, render_many, said_satisfaction
from valueflows.linkeddata.parsing import ImportError_, parse
from valueflows.linkeddata.reader import plan, refined_first
from valueflows.linkeddata.stream import StreamReader
from valueflows.linkeddata.vocabulary import EXPORT_ORDER
from valueflows.service import claims, ledger, planning, proposals, recipes, records, scenarios
from valueflows.service.batches import MAX_BATCH, KeyConflict, record_events
from valueflows.service.reading import Reading
from valueflows.store.ports import UnitOfWork, WriteTx
from valueflows.store.within import WithinTransaction

# The use case that writes each kind of record (an import goes through the same rules as the API).
USE_CASES: dict[str, Callable[..., Any]] = {
    "unit": records.create_unit, "agent": records.create_agent, "agent_relationship_role": records.create_role,
    "agent_relationship": records.create_relationship, "membership": records.create_membership,
    "resource_specification": records.create_specification,
    "process_specification": records.create_process_specification, "product_batch": records.create_batch,
    "process": records.create_process, "economic_event": ledger.record_event, "claim": records.import_claim,
    "spatial_thing": proposals.create_spatial_thing, "agreement": planning.create_agreement,
    "plan": planning.create_plan, "intent": planning.create_intent, "commitment": planning.create_commitment,
    "fulfillment": planning.fulfil, "satisfaction": planning.satisfy, "settlement": claims.settle,
    "appreciation": lambda uow, r, key: scenarios.appreciate(uow, r.of, r.by, r.note, r.id, key),
    "proposal": proposals.create_proposal,
    "proposed_intent": lambda uow, r, key: proposals.propose_intent(uow, r.published_in, r.publishes, r.reciprocal,
                                                                    key, r.id),
    "proposed_to": lambda uow, r, key: proposals.propose_to(uow, r.proposed, r.proposed_to, key, r.id),
    "recipe_process": recipes.create_recipe_process, "recipe_flow": recipes.create_recipe_flow,
    "recipe_exchange": lambda uow, r, key: recipes.create_recipe_exchange(uow, r.name, r.note, r.id, key),
    "scenario_definition": scenarios.create_definition, "scenario": scenarios.create_scenario}


def records_of(uow: UnitOfWork, since: datetime | None = None) -> Iterator[tuple[str, Any]]:
    """Every record, referenced before referring, as whoever asks may see it; with `since`, only events (and their
    claims) from then on."""
    return _said(uow, Reading(uow).records(_stored(uow, since)))


def _stored(uow: UnitOfWork, since: datetime | None) -> Iterator[tuple[str, Any]]:
    with uow.read() as tx:
        for kind in EXPORT_ORDER:
            found: Iterable[Any] = tx.events.since(since) if kind == "economic_event" else tx.records(kind).stream()
            if kind == "scenario":  # few; a scenario after the one it refines
                found = refined_first(list(found), lambda s: s.refinement_of, lambda s: s.id)
            elif kind == "agent":  # few; an agent after its group (a file read line by line finds it there)
                found = refined_first(list(found), lambda a: a.group, lambda a: a.id)
            for one in found:
                yield kind, one


def said(uow: UnitOfWork, kind: str, found: list[Any]) -> list[Any]:
    """Records as linked data says them: a satisfaction names whether an event or a commitment satisfies."""
    if kind != "satisfaction":
        return found
    with uow.read() as tx:
        events = tx.events.get_many([s.satisfied_by for s in found])
    return [said_satisfaction(s, s.satisfied_by in events) for s in found]


def _said(uow: UnitOfWork, found: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    for kind, one in found:
        yield kind, said(uow, kind, [one])[0] if kind == "satisfaction" else one


def export(uow: UnitOfWork, fmt: str, base: str, since: datetime | None = None) -> Iterator[str]:
    """The ledger as whoever asks may see it, as text chunks in `fmt` (jsonld, turtle or nt)."""
    return render_many(records_of(uow, since), fmt, base)


# -- import -----------------------------------------------------------------------------------------------------

@dataclass
class Imported:
    written: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0  # records already there, identical (or replayed: the same file imported again)
    # Events read and not yet written: they go in batches (`batches.record_events`), in file order.
    _events: list[tuple[str, EventInput]] = field(default_factory=list)

    def write(self, w: WriteTx, inner: WithinTransaction, kind: str, subject: str, request: Any) -> None:
        """One imported record through its use case (events a batch at a time); a refusal names the record's IRI."""
        if kind == "economic_event":
            self._events.append((subject, request))
            if len(self._events) == MAX_BATCH:
                self.finish(inner)
            return
        self.finish(inner)
        try:
            if kind in ("unit", "agent_relationship_role") and _same_as_stored(w, kind, request):
                self.unchanged += 1
                return
            done = USE_CASES[kind](inner, request, f"import:{kind}:{request.id}")
        except RuleViolation as exc:
            raise RuleViolation([Problem(f"<{subject}> {p.field}", p.code, p.message)
                                 for p in exc.problems]) from None
        except LedgerError as exc:
            raise RuleViolation([Problem(f"<{subject}>", exc.code.lower(), str(exc))]) from None
        self.count(kind, getattr(done, "replayed", False))

    def count(self, kind: str, replayed: bool) -> None:
        if replayed:
            self.unchanged += 1
        else:
            self.written[kind] = self.written.get(kind, 0) + 1

    def finish(self, inner: WithinTransaction) -> None:
        """Write the events read so far."""
        held, self._events = self._events, []
        if not held:
            return

        def name(i: int, field_name: str | None) -> str:
            return f"<{held[i][0]}> {field_name}" if field_name else f"<{held[i][0]}>"

        try:
            done = record_events(inner, [r for _, r in held], [f"import:economic_event:{r.id}" for _, r in held],
                                 name)
        except KeyConflict as exc:
            raise RuleViolation([Problem(name(exc.index, None), exc.code.lower(), str(exc).split(": ", 1)[1])]
                                ) from None
        for one in done:
            self.count("economic_event", one.replayed)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file is imported. An import holds tens of thousands of young objects
    (the parsed triples, the requests, what is written) and allocates as many again: each full collection on the
    way walks them all, and everything else the process holds (a third of the import's time in
    `bench_linked.py`). What an import leaves is freed by reference counting; cycles wait until it ends. Whoever
    found the collector on turns it back on (an import in another thread that found it paused does not)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def may_import(uow: UnitOfWork) -> None:
    """Importing a ledger file is for admins (asked before a door reads a large body, and again by the import)."""
    access.require_admin(uow.principal, "importing a ledger file")


def import_data(uow: UnitOfWork, data: str, fmt: str, on_record: Callable[[int, int], None] | None = None,
                bases: tuple[str, ...] = ()) -> Imported:
    """Import a file whole or not at all: every record through the same rules as the API, in one transaction.

    Ids are kept and used as idempotency keys, so importing the same file again writes nothing. A JSON-LD `@context`
    may be our published context's IRI or a server's copy of it at `{base}/context.jsonld` for one of `bases`. Any
    problem (a malformed file, a record the rules refuse) names the record's IRI, the property and why; nothing is
    written.
    """
    may_import(uow)
    if fmt not in FORMATS:
        raise RuleViolation([Problem("format", "unknown_format", f"one of {', '.join(FORMATS)}")])
    with collector_paused():
        return _import_data(uow, data, fmt, on_record, bases)


def _import_data(uow: UnitOfWork, data: str, fmt: str, on_record: Callable[[int, int], None] | None,
                 bases: tuple[str, ...]) -> Imported:
    try:
        steps = plan(parse(data, fmt, loader_for(bases)))
    except ImportError_ as exc:
        raise RuleViolation([Problem("file", "unreadable", str(exc))]) from None
    if steps.problems:
        raise RuleViolation(steps.problems)
    result = Imported()
    with uow.write() as w:
        inner = WithinTransaction(w, uow.principal)
        for i, (kind, subject, request) in enumerate(steps.steps):
            if on_record is not None:
                on_record(i, len(steps.steps))
            result.write(w, inner, kind, subject, request)
        result.finish(inner)
    return result


def _same_as_stored(w: WriteTx, kind: str, request: Any) -> bool:
    """Standard records every ledger starts with (units, the member role) are already there: identical is fine."""
    stored = w.records(kind).get(request.id)
    if stored is None:
        return False
    if kind == "agent_relationship_role":
        request = AgentRelationshipRole(request.id, request.role_label, request.inverse_role_label, request.note)
    return bool(stored == request)


def import_stream(uow: UnitOfWork, lines: Iterable[str], on_record: Callable[[int], None] | None = None) -> Imported:
    """Import N-Triples read line by line, in flat memory (`linkeddata.stream`): each record is written as soon as
    its block is read, still in one transaction, whole or nothing like `import_data`."""
    may_import(uow)
    result = Imported()
    reader = StreamReader()
    count = 0
    with collector_paused(), uow.write() as w:
        inner = WithinTransaction(w, uow.principal)

        def write(steps: list[tuple[str, str, Any]]) -> None:
            nonlocal count
            for kind, subject, request in steps:
                result.write(w, inner, kind, subject, request)
                count += 1
                if on_record is not None:
                    on_record(count)

        for step in reader.steps(lines):
            write([step])
        result.finish(inner)
    return result
