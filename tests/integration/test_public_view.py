"""The public view of a ledger: what an anonymous reader gets is a whole ledger of its own (it imports cleanly and
exports the same), and an organization's choice to publish its members' contributions reaches every door."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from valueflows.api.app import create_app
from valueflows.domain.inputs import AgentInput
from valueflows.service import dividends, linked, records, tokens
from valueflows.service.bootstrap import open_any, open_ledger
from valueflows.service.demo import seed_demo
from valueflows.service.verify import verify
from valueflows.store.uow import UnitOfWork

BASE = "http://node.test"


@pytest.fixture
def demo(db_url: str) -> Iterator[UnitOfWork]:
    uow = open_any(db_url)
    seed_demo(uow)
    dividends.commit(uow, dividends.RunRequest(date(2026, 1, 1), date(2026, 12, 31), Decimal("24000.00"), "EUR",
                                               Decimal("0.3"), Decimal("0.4"), organization="atelier"), key="agm")
    yield uow  # type: ignore[misc]
    if isinstance(uow, UnitOfWork):
        uow.engine.dispose()


def _export(uow: UnitOfWork, fmt: str, headers: dict[str, str] | None = None) -> str:
    with TestClient(create_app(uow), base_url=BASE) as client:
        answer = client.get(f"/export?format={fmt}", headers=headers or {})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_the_public_export_imports_cleanly_and_exports_the_same(demo: UnitOfWork, tmp_path: Path) -> None:
    public = _export(demo, "nt")
    with demo.read() as tx:
        work = [e.id for e in tx.events.stream() if e.action == "work"]
        claimed = [c.id for c in tx.claims.stream()]
    assert not any(i in public for i in work + claimed)  # nobody's hours, no dividend, no obligation
    assert "Steel stock" in public and "Seed drill v2 design" in public  # the commons is there

    # streamed back in file order, the new ledger's public export is the same text
    target = open_ledger(f"sqlite:///{tmp_path / 'public.db'}")
    done = linked.import_stream(target, public.splitlines(keepends=True))
    assert done.written["economic_event"] > 0 and verify(target).ok
    assert _export(target, "nt") == public
    # from Turtle (read whole, records in an order of its own): the same graph, triple for triple
    again = open_ledger(f"sqlite:///{tmp_path / 'from-turtle.db'}")
    linked.import_data(again, _export(demo, "turtle"), "turtle")
    assert verify(again).ok
    assert sorted(_export(again, "nt").splitlines()) == sorted(public.splitlines())
    for uow in (target, again):
        uow.engine.dispose()

    admin = open_ledger_admin(demo)
    whole = _export(demo, "nt", admin)
    assert all(i in whole for i in work + claimed)  # an admin exports everything


def open_ledger_admin(uow: UnitOfWork) -> dict[str, str]:
    records.create_agent(uow, AgentInput("Tess", "Person", id="tess"))
    return {"authorization": f"Bearer {tokens.create_token(uow, 'tess', 'admin')[1]}"}


def test_an_organization_that_publishes_shows_its_members_hours_on_every_door(demo: UnitOfWork) -> None:
    with demo.read() as tx:
        work = next(e.id for e in tx.events.stream() if e.provider == "ana" and e.action == "work")
    assert work is not None
    admin = open_ledger_admin(demo)
    report = ('{ contributionReport(start: "2026-01-01T00:00:00Z", end: "2027-01-01T00:00:00Z", receiver: "atelier")'
              ' { contributors { agent { id } hours } } }')
    switch = ('mutation($v: ContributionVisibility!) { setContributionVisibility(organization: "atelier", '
              'visibility: $v) { agent { contributions } } }')

    def seen_by_anyone(client: TestClient) -> dict[str, bool]:
        doors = {f"/events/{work} [{accept}]": client.get(f"/events/{work}", headers={"accept": accept})
                 for accept in ("application/json", "application/ld+json", "text/turtle", "application/n-triples",
                                "text/html")}
        found = {door: answer.status_code == 200 and work in answer.text for door, answer in doors.items()}
        found["/events?agent=ana"] = work in client.get("/events?agent=ana&action=work&limit=1000").text
        found["/export"] = work in client.get("/export?format=nt").text
        found["graphql economicEvent"] = work in client.post("/graphql", json={
            "query": f'{{ economicEvent(id: "{work}") {{ id }} }}'}).text
        contributors = client.post("/graphql", json={"query": report}).json()["data"]["contributionReport"]
        found["graphql contributionReport"] = "ana" in {c["agent"]["id"] for c in contributors["contributors"]}
        return found

    with TestClient(create_app(demo), base_url=BASE) as client:
        assert not any(seen_by_anyone(client).values())
        assert client.post("/graphql", json={"query": switch, "variables": {"v": "public"}}
                           ).json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        published = client.post("/graphql", json={"query": switch, "variables": {"v": "public"}}, headers=admin)
        assert published.json()["data"]["setContributionVisibility"]["agent"]["contributions"] == "public"
        assert all(seen_by_anyone(client).values()), seen_by_anyone(client)
        client.post("/graphql", json={"query": switch, "variables": {"v": "members"}}, headers=admin)
        assert not any(seen_by_anyone(client).values())
        # money stays private whatever the organization publishes
        assert client.get("/claims").status_code == 401
    assert verify(demo).ok
    with demo.read() as tx:
        versions = [r.payload for r in tx.chain.stream() if r.kind == "agent" and r.record_id == "atelier"]
    assert ['"contributions":"public"' in v for v in versions] == [False, True, False]
