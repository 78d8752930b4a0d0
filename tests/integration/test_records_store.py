"""Agents, memberships and units through the use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from valueflows.domain.errors import NotFound, RuleViolation
from valueflows.domain.inputs import AgentInput, MembershipInput
from valueflows.domain.model import Unit
from valueflows.service import records
from valueflows.service.verify import verify
from valueflows.store import repository as repo
from valueflows.store.uow import UnitOfWork


def test_agent_facts_change_and_every_version_stays_in_the_chain(seeded: UnitOfWork) -> None:
    records.update_agent(seeded, "coop", AgentInput("Atelier", "Organization", legal_form="worker_coop",
                                                   headcount=14, annual_revenue="250000.00", revenue_currency="EUR"))
    with seeded.read() as conn:
        agent = repo.get(conn, "agent", "coop")
        versions = [r for r in conn.chain.stream() if r.record_id == "coop"]
    assert (agent.headcount, agent.annual_revenue) == (14, Decimal("250000"))
    assert len(versions) == 2 and '"headcount":12' in versions[0].payload and '"headcount":14' in versions[1].payload
    assert verify(seeded).ok
    with pytest.raises(NotFound):
        records.update_agent(seeded, "nobody", AgentInput("X", "Person"))


def test_membership_lifecycle(seeded: UnitOfWork) -> None:
    m = records.create_membership(seeded, MembershipInput("ana", "coop", date(2025, 1, 1), id="m1")).record
    with pytest.raises(RuleViolation):
        records.create_membership(seeded, MembershipInput("ana", "coop", date(2025, 6, 1)))
    ended = records.end_membership(seeded, m.id, date(2026, 6, 30), key="end-m1").record
    assert ended.until == date(2026, 6, 30)
    assert records.end_membership(seeded, m.id, date(2026, 6, 30), key="end-m1").replayed
    with pytest.raises(RuleViolation):
        records.end_membership(seeded, m.id, date(2026, 7, 31))
    assert verify(seeded).ok


def test_units_and_duplicate_ids(seeded: UnitOfWork) -> None:
    week = Unit("week", "week", "wk", "http://www.ontology-of-units-of-measure.org/resource/om-2/week", "time")
    assert records.create_unit(seeded, week).record == week
    with pytest.raises(RuleViolation):
        records.create_unit(seeded, week)
    with pytest.raises(RuleViolation) as caught:
        records.create_agent(seeded, AgentInput("Another Ana", "Person", id="ana"))
    assert caught.value.problems[0].code == "duplicate_id"
    assert verify(seeded).ok
