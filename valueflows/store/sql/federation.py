"""Federation state on SQLite and PostgreSQL (see `ports.Federation`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from valueflows.store import prepared
from valueflows.store.ports import (
    Declaration,
    Delivery,
    Follow,
    Received,
    ReceivedRecord,
    RemoteActor,
    RemoteAgent,
    Trade,
    TradedCommitment,
)
from valueflows.store.tables import (
    declarations,
    deliveries,
    followers,
    following,
    inbox_activities,
    node_settings,
    received_records,
    remote_actors,
    remote_agents,
    traded_commitments,
    trades,
)


class SqlFederation:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _inserted(self, statement: object) -> bool:
        """Run an INSERT that may meet its own row: False (and nothing written) when it does."""
        prepared.flush(self.conn)  # a writer's kept writes go first: their failure is not this INSERT's
        try:
            with self.conn.begin_nested():  # a savepoint: the failed INSERT alone is undone
                self.conn.execute(statement)  # type: ignore[call-overload]
        except IntegrityError:
            return False
        return True

    def remote_actor(self, actor_id: str) -> RemoteActor | None:
        row = self.conn.execute(select(remote_actors).where(remote_actors.c.id == actor_id)).first()
        return RemoteActor._make(row) if row is not None else None

    def remote_actor_by_key(self, key_id: str) -> RemoteActor | None:
        row = self.conn.execute(select(remote_actors).where(remote_actors.c.key_id == key_id).limit(1)).first()
        return RemoteActor._make(row) if row is not None else None

    def keep_remote_actor(self, actor: RemoteActor) -> None:
        self.conn.execute(delete(remote_actors).where(remote_actors.c.id == actor.id))
        self.conn.execute(insert(remote_actors).values(actor._asdict()))

    def followers(self, actor: str) -> list[Follow]:
        f = followers
        rows = self.conn.execute(select(f.c.actor, f.c.follower, f.c.follow_id, f.c.since)
                                 .where(f.c.actor == actor).order_by(f.c.since, f.c.follower))
        return [Follow(a, other, follow_id, "accepted", since) for a, other, follow_id, since in rows]

    def add_follower(self, follow: Follow) -> bool:
        return self._inserted(insert(followers).values(actor=follow.actor, follower=follow.other,
                                                       follow_id=follow.follow_id, since=follow.since))

    def remove_follower(self, actor: str, follower: str) -> bool:
        done = self.conn.execute(delete(followers).where(followers.c.actor == actor,
                                                         followers.c.follower == follower))
        return bool(done.rowcount)

    def following(self, actor: str | None = None) -> list[Follow]:
        f = following
        query = select(f.c.actor, f.c.target, f.c.follow_id, f.c.state, f.c.since).order_by(f.c.since, f.c.target)
        if actor is not None:
            query = query.where(f.c.actor == actor)
        return [Follow._make(row) for row in self.conn.execute(query)]

    def follow(self, follow: Follow) -> None:
        self.conn.execute(delete(following).where(following.c.actor == follow.actor,
                                                  following.c.target == follow.other))
        self.conn.execute(insert(following).values(actor=follow.actor, target=follow.other,
                                                   follow_id=follow.follow_id, state=follow.state,
                                                   since=follow.since))

    def following_by_activity(self, follow_id: str) -> Follow | None:
        f = following
        row = self.conn.execute(select(f.c.actor, f.c.target, f.c.follow_id, f.c.state, f.c.since)
                                .where(f.c.follow_id == follow_id)).first()
        return Follow._make(row) if row is not None else None

    def received(self, activity_id: str) -> Received | None:
        row = self.conn.execute(select(inbox_activities).where(inbox_activities.c.id == activity_id)).first()
        return Received._make(row) if row is not None else None

    def receive(self, activity: Received) -> None:
        self.conn.execute(insert(inbox_activities).values(activity._asdict()))

    def enqueue(self, delivery: Delivery) -> bool:
        return self._inserted(insert(deliveries).values(delivery._asdict()))

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        d = deliveries
        rows = self.conn.execute(select(d).where(d.c.delivered_at.is_(None), d.c.failed_at.is_(None),
                                                 d.c.next_at <= now).order_by(d.c.next_at, d.c.id).limit(limit))
        return [Delivery._make(row) for row in rows]

    def delivered(self, delivery_id: str, at: datetime) -> None:
        self.conn.execute(update(deliveries).where(deliveries.c.id == delivery_id)
                          .values(delivered_at=at, attempts=deliveries.c.attempts + 1, last_error=None))

    def retry(self, delivery_id: str, attempts: int, next_at: datetime, error: str) -> None:
        self.conn.execute(update(deliveries).where(deliveries.c.id == delivery_id)
                          .values(attempts=attempts, next_at=next_at, last_error=error))

    def failed(self, delivery_id: str, attempts: int, at: datetime, error: str) -> None:
        self.conn.execute(update(deliveries).where(deliveries.c.id == delivery_id)
                          .values(attempts=attempts, failed_at=at, last_error=error))

    def deliveries(self, limit: int = 100) -> list[Delivery]:
        rows = self.conn.execute(select(deliveries).order_by(deliveries.c.created_at.desc(), deliveries.c.id)
                                 .limit(limit))
        return [Delivery._make(row) for row in rows]

    def count_deliveries(self) -> dict[str, int]:
        d = deliveries
        state = (select(func.count()).select_from(d))
        return {"queued": self.conn.scalar(state.where(d.c.delivered_at.is_(None), d.c.failed_at.is_(None))) or 0,
                "delivered": self.conn.scalar(state.where(d.c.delivered_at.is_not(None))) or 0,
                "failed": self.conn.scalar(state.where(d.c.failed_at.is_not(None))) or 0}

    def setting(self, name: str) -> str | None:
        return self.conn.scalar(select(node_settings.c.value).where(node_settings.c.name == name))

    def received_record(self, record_id: str) -> ReceivedRecord | None:
        row = self.conn.execute(select(received_records).where(received_records.c.id == record_id)).first()
        return ReceivedRecord._make(row) if row is not None else None

    def keep_record(self, record: ReceivedRecord) -> None:
        self.conn.execute(delete(received_records).where(received_records.c.id == record.id))
        self.conn.execute(insert(received_records).values(record._asdict()))

    def received_records(self, origin: str | None = None, limit: int = 100,
                         kind: str | None = None) -> list[ReceivedRecord]:
        r = received_records
        query = select(r).order_by(r.c.received_at.desc(), r.c.id).limit(limit)
        if origin is not None:
            query = query.where(r.c.origin == origin)
        if kind is not None:
            query = query.where(r.c.type == kind)
        return [ReceivedRecord._make(row) for row in self.conn.execute(query)]

    def remote_agent(self, iri: str) -> RemoteAgent | None:
        row = self.conn.execute(select(remote_agents).where(remote_agents.c.iri == iri)).first()
        return RemoteAgent._make(row) if row is not None else None

    def remote_agent_of(self, agent: str) -> RemoteAgent | None:
        row = self.conn.execute(select(remote_agents).where(remote_agents.c.agent == agent)).first()
        return RemoteAgent._make(row) if row is not None else None

    def keep_remote_agent(self, agent: RemoteAgent) -> None:
        self.conn.execute(insert(remote_agents).values(agent._asdict()))

    def declare(self, declaration: Declaration) -> None:
        self.conn.execute(delete(declarations).where(declarations.c.id == declaration.id))
        self.conn.execute(insert(declarations).values(declaration._asdict()))

    def declaration(self, declaration_id: str) -> Declaration | None:
        row = self.conn.execute(select(declarations).where(declarations.c.id == declaration_id)).first()
        return Declaration._make(row) if row is not None else None

    def declarations(self, user: str | None = None, limit: int = 100) -> list[Declaration]:
        d = declarations
        query = select(d).order_by(d.c.declared_at.desc(), d.c.id).limit(limit)
        if user is not None:
            query = query.where(d.c.user == user)
        return [Declaration._make(row) for row in self.conn.execute(query)]

    def set_setting(self, name: str, value: str) -> None:
        self.conn.execute(delete(node_settings).where(node_settings.c.name == name))
        self.conn.execute(insert(node_settings).values(name=name, value=value))

    def keep_trade(self, trade: Trade) -> None:
        self.conn.execute(delete(trades).where(trades.c.id == trade.id))
        self.conn.execute(insert(trades).values(trade._asdict()))

    def trade(self, trade_id: str) -> Trade | None:
        row = self.conn.execute(select(trades).where(trades.c.id == trade_id)).first()
        return Trade._make(row) if row is not None else None

    def trades(self, agent: str | None = None, limit: int = 100) -> list[Trade]:
        query = select(trades).order_by(trades.c.made_at.desc(), trades.c.id).limit(limit)
        if agent is not None:
            query = query.where(trades.c.agent == agent)
        return [Trade._make(row) for row in self.conn.execute(query)]

    def link_commitment(self, link: TradedCommitment) -> None:
        self.conn.execute(insert(traded_commitments).values(link._asdict()))

    def traded_commitment(self, commitment: str) -> TradedCommitment | None:
        row = self.conn.execute(select(traded_commitments)
                                .where(traded_commitments.c.commitment == commitment)).first()
        return TradedCommitment._make(row) if row is not None else None

    def traded_commitment_at(self, iri: str) -> TradedCommitment | None:
        row = self.conn.execute(select(traded_commitments).where(traded_commitments.c.iri == iri)).first()
        return TradedCommitment._make(row) if row is not None else None
