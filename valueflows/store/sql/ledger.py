"""The hash chain, idempotency keys and API tokens."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, func, insert, literal_column, or_, select, update

from valueflows.domain.chain import ChainRecord, ChainRevision
from valueflows.domain.limits import MAX_PAGE
from valueflows.store import prepared
from valueflows.store.ports import PUBLISHED, ActorKey, KeyUse, Published, TokenRow
from valueflows.store.tables import (
    actor_keys,
    api_tokens,
    commitments,
    economic_events,
    economic_resources,
    idempotency_keys,
    intents,
    ledger,
    proposed_intents,
    recipe_flows,
)

# An event's chain record is the one at its seq; every other kind's are found by (kind, record id) or hash, through
# the partial indexes, whose condition a query must repeat word for word (tables.NOT_EVENT).
_EVENT_RECORD = ledger.c.seq == economic_events.c.seq
_EVENT_KIND: Any = literal_column("'economic_event'")  # a literal, not a parameter: the partial indexes' condition
_NOT_EVENT = ledger.c.kind != _EVENT_KIND


class SqlChain:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def stream(self) -> Iterator[ChainRecord]:
        rows = self.conn.execution_options(yield_per=5000).execute(select(ledger).order_by(ledger.c.seq))
        for row in rows:
            yield ChainRecord(row.seq, row.kind, row.record_id, row.payload, row.prev_hash, row.hash)

    def count(self) -> int:
        return self.conn.scalar(select(func.count()).select_from(ledger)) or 0

    def head(self) -> tuple[int, str] | None:
        row = self.conn.execute(select(ledger.c.seq, ledger.c.hash).order_by(ledger.c.seq.desc()).limit(1)).first()
        return (row.seq, row.hash) if row else None

    def latest(self, kind: str, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(ids))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            some = wanted[start:start + 500]
            query = (select(economic_events.c.id, ledger.c.hash).join(ledger, _EVENT_RECORD)
                     .where(economic_events.c.id.in_(some)) if kind == "economic_event" else
                     select(ledger.c.record_id, ledger.c.hash).where(_NOT_EVENT, ledger.c.kind == kind,
                                                                      ledger.c.record_id.in_(some)))
            found.update({record_id: digest for record_id, digest in self.conn.execute(query.order_by(ledger.c.seq))})
        return found  # the newest revision of each wins

    def by_hash(self, digest: str) -> ChainRecord | None:
        """The chain record of a revision of a record that is not an event (an event has one, never named so)."""
        row = self.conn.execute(select(ledger).where(_NOT_EVENT, ledger.c.hash == digest).limit(1)).first()
        return ChainRecord(row.seq, row.kind, row.record_id, row.payload, row.prev_hash, row.hash) if row else None

    def history(self, kind: str, record_id: str) -> list[ChainRevision]:
        columns = (ledger.c.seq, ledger.c.hash, ledger.c.payload, ledger.c.recorded_at)
        query = (select(*columns).join(economic_events, _EVENT_RECORD).where(economic_events.c.id == record_id)
                 if kind == "economic_event" else
                 select(*columns).where(_NOT_EVENT, ledger.c.kind == kind, ledger.c.record_id == record_id))
        rows = self.conn.execute(query.order_by(ledger.c.seq).limit(MAX_PAGE))
        return [ChainRevision(seq, digest, payload, at) for seq, digest, payload, at in rows]

    def received_hashes(self, receiver: str, start: datetime, end: datetime) -> Iterator[str]:
        """The chain hashes of the events `receiver` received in [start, end), in chain order."""
        e = economic_events
        query = (select(ledger.c.hash).join(e, _EVENT_RECORD)
                 .where(e.c.receiver == receiver, e.c.happened_at >= start, e.c.happened_at < end)
                 .order_by(ledger.c.seq))
        for (h,) in self.conn.execute(query, execution_options={"yield_per": 10000}):
            yield h

    def published(self, agent: str | None, before: int | None, limit: int, after: int | None = None,
                  kinds: tuple[str, ...] = PUBLISHED) -> list[Published]:
        e, r, earlier = economic_events, economic_resources, ledger.alias("earlier")
        # a record's first revision (an event has only one)
        first = case((ledger.c.kind == "economic_event", ledger.c.seq), else_=select(func.min(earlier.c.seq)).where(
            earlier.c.kind != _EVENT_KIND, earlier.c.kind == ledger.c.kind,
            earlier.c.record_id == ledger.c.record_id).scalar_subquery())
        query = (select(ledger.c.seq, ledger.c.kind, ledger.c.record_id, ledger.c.recorded_at, first)
                 .where(ledger.c.kind.in_(kinds))
                 .order_by(ledger.c.seq.desc() if after is None else ledger.c.seq).limit(limit))
        if "economic_event" not in kinds:  # the kinds' index (events are not in it) instead of the whole chain
            query = query.where(_NOT_EVENT)
        if "commitment" in kinds:  # a commitment is published as a term of its agreement: only a clause of one
            query = query.where(or_(ledger.c.kind != "commitment", ledger.c.record_id.in_(_ANY_CLAUSE)))
        if agent is not None:
            query = (query.outerjoin(e, and_(ledger.c.kind == "economic_event", _EVENT_RECORD))
                     .outerjoin(r, and_(ledger.c.kind == "economic_resource", ledger.c.record_id == r.c.id))
                     .where(or_(e.c.provider == agent, e.c.receiver == agent, r.c.primary_accountable == agent,
                                _proposes(ledger.c.kind, ledger.c.record_id),
                                _agrees(ledger.c.kind, ledger.c.record_id),
                                _makes(ledger.c.kind, ledger.c.record_id))))
        if before is not None:
            query = query.where(ledger.c.seq < before)
        if after is not None:
            query = query.where(ledger.c.seq > after)
        return [Published(seq, kind, record_id, at, seq == first)
                for seq, kind, record_id, at, first in self.conn.execute(
                    query, {"outbox_agent": agent} if agent is not None else {})]


def recipe_making(agent: Any) -> Any:
    """The recipe processes that make what `agent` is accountable for (a resource's specification): those that
    produce it or cite it (a design, as the recipe that carries it cites it), and, step by step, those that produce
    what they take in (a frame for the drill). A recursive CTE; UNION stops at a loop."""
    owned, f, inputs, outputs = economic_resources.alias("owned"), recipe_flows, recipe_flows.alias("takes"), \
        recipe_flows.alias("gives")
    specifications = select(owned.c.conforms_to).where(owned.c.primary_accountable == agent,
                                                       owned.c.conforms_to.is_not(None))
    cites = and_(f.c.action == "cite", f.c.recipe_input_of.is_not(None))
    first = (select(case((cites, f.c.recipe_input_of), else_=f.c.recipe_output_of).label("process"))
             .where(f.c.resource_conforms_to.in_(specifications), or_(f.c.recipe_output_of.is_not(None), cites))
             .cte("making", recursive=True))
    step = (select(outputs.c.recipe_output_of)
            .join(inputs, inputs.c.resource_conforms_to == outputs.c.resource_conforms_to)
            .where(inputs.c.recipe_input_of == first.c.process, outputs.c.recipe_output_of.is_not(None)))
    return first.union(step)


# What concerns the actor an outbox is read for (`published`), built once (building them is dearer than running
# them): its value is the `outbox_agent` parameter.
_OUTBOX_AGENT: Any = bindparam("outbox_agent")
_PROPOSALS = (select(proposed_intents.c.published_in).join(intents, intents.c.id == proposed_intents.c.publishes)
              .where(proposed_intents.c.reciprocal.is_(False),
                     or_(intents.c.provider == _OUTBOX_AGENT, intents.c.receiver == _OUTBOX_AGENT)))
_PART_OF = select(proposed_intents.c.published_in).where(proposed_intents.c.id == ledger.c.record_id).scalar_subquery()
_C = commitments
_AGREEMENTS = select(_C.c.clause_of).where(_C.c.clause_of.is_not(None),
                                           or_(_C.c.provider == _OUTBOX_AGENT, _C.c.receiver == _OUTBOX_AGENT))
_CLAUSES = select(_C.c.id).where(_C.c.clause_of.in_(_AGREEMENTS))
_ANY_CLAUSE = select(_C.c.id).where(_C.c.clause_of.is_not(None))
_MAKING = select(recipe_making(_OUTBOX_AGENT).c.process)
_MAKING_FLOWS = select(recipe_flows.c.id).where(or_(recipe_flows.c.recipe_output_of.in_(_MAKING),
                                                    recipe_flows.c.recipe_input_of.in_(_MAKING)))


def _proposes(kind: Any, record_id: Any) -> Any:
    """The chain record is a proposal's (itself, or an intent it publishes) whose primary intents the actor offers
    or requests."""
    return or_(and_(kind == "proposal", record_id.in_(_PROPOSALS)),
               and_(kind == "proposed_intent", _PART_OF.in_(_PROPOSALS)))


def _agrees(kind: Any, record_id: Any) -> Any:
    """The chain record is an agreement in which the actor commits to something (a clause of it), or a clause of
    such an agreement (its terms changed)."""
    return or_(and_(kind == "agreement", record_id.in_(_AGREEMENTS)),
               and_(kind == "commitment", record_id.in_(_CLAUSES)))


def _makes(kind: Any, record_id: Any) -> Any:
    """The chain record is part of a recipe for what the actor is accountable for (`recipe_making`): one of its
    processes, or a flow into or out of one."""
    return or_(and_(kind == "recipe_process", record_id.in_(_MAKING)),
               and_(kind == "recipe_flow", record_id.in_(_MAKING_FLOWS)))


class SqlKeys:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def count(self) -> int:
        return self.conn.scalar(select(func.count()).select_from(idempotency_keys)) or 0

    def find(self, key: str) -> KeyUse | None:
        row = self.conn.execute(_FIND_KEY, {"key": key}).first()
        return KeyUse(row.kind, row.fingerprint, str(row.record_id)) if row is not None else None

    def find_many(self, keys: Iterable[str]) -> dict[str, KeyUse]:
        wanted, found = sorted(set(keys)), {}
        for start in range(0, len(wanted), 500):
            rows = self.conn.execute(select(idempotency_keys)
                                     .where(idempotency_keys.c.key.in_(wanted[start:start + 500])))
            found.update({row.key: KeyUse(row.kind, row.fingerprint, str(row.record_id)) for row in rows})
        return found

    def remember(self, key: str, use: KeyUse, at: datetime) -> None:
        self.remember_all([(key, use)], at)

    def remember_all(self, uses: Iterable[tuple[str, KeyUse]], at: datetime) -> None:
        rows = [{"key": key, "fingerprint": use.fingerprint, "kind": use.kind, "record_id": use.record_id,
                 "created_at": at} for key, use in uses]
        if rows:
            prepared.run(self.conn, _REMEMBER, rows)


_REMEMBER = insert(idempotency_keys)
_FIND_KEY = select(idempotency_keys).where(idempotency_keys.c.key == bindparam("key"))


class SqlTokens:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, token: TokenRow) -> None:
        self.conn.execute(insert(api_tokens).values(id=token.id, agent=token.agent, scope=token.scope,
                                                    secret_hash=token.secret_hash, created_at=token.created_at,
                                                    note=token.note, kind=token.kind, expires_at=token.expires_at))

    def get(self, token_id: str) -> TokenRow | None:
        row = self.conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
        return _token(row) if row is not None else None

    def revoke(self, token_id: str, at: datetime) -> bool:
        done = self.conn.execute(update(api_tokens).where(api_tokens.c.id == token_id,
                                                          api_tokens.c.revoked_at.is_(None)).values(revoked_at=at))
        return bool(done.rowcount)

    def all(self) -> list[TokenRow]:
        return [_token(r) for r in self.conn.execute(select(api_tokens).order_by(api_tokens.c.created_at))]


class SqlActorKeys:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, key: ActorKey) -> None:
        self.conn.execute(insert(actor_keys).values(key._asdict()))

    def get(self, actor: str) -> ActorKey | None:
        row = self.conn.execute(select(actor_keys).where(actor_keys.c.actor == actor)).first()
        return ActorKey._make(row) if row is not None else None

    def actors(self) -> set[str]:
        return set(self.conn.execute(select(actor_keys.c.actor)).scalars())


def _token(row: object) -> TokenRow:
    return TokenRow(row.id, row.agent, row.scope, row.secret_hash, row.created_at,  # type: ignore[attr-defined]
                    row.revoked_at, row.note, row.kind, row.expires_at)  # type: ignore[attr-defined]
