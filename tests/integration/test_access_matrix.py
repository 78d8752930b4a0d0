"""The access matrix: every door of the application x every format x every kind of reader, on SQLite and PostgreSQL,
against the demo co-op after a committed dividend run and recorded licensed uses.

The doors are read from the application itself: every route of its route table and every field of its GraphQL
schema that can return a private record. A route or a field this file does not know how to call fails the test,
so a new door cannot escape the matrix. Each answer is searched for the private figures of the demo (the ids of a
member's work, each member's dividend, the licence obligations and what they were based on, tokens, idempotency
keys): a reader who may not see one must not find it anywhere, and each one is found by the readers who may.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    parse,
    visit,
)
from valueflows.api.app import KINDS, create_app
from valueflows.api.gql.schema import schemas
from valueflows.api.gql.versions import APIS, LEGACY, MAIN
from valueflows.domain.claims import ClaimInput
from valueflows.domain.inputs import AgentInput, MeasureInput
from valueflows.domain.planning import AgreementInput, FlowInput, LinkInput, PlanInput
from valueflows.domain.proposals import ProposalInput, SpatialThingInput
from valueflows.domain.recipes import RecipeFlowInput, RecipeProcessInput
from valueflows.domain.scenarios import DefinitionInput, ScenarioInput
from valueflows.service import claims as claim_use
from valueflows.service import (
    dividends,
    federation,
    planning,
    proposals,
    queries,
    recipes,
    records,
    scenarios,
    tokens,
)
from valueflows.service.bootstrap import open_ledger
from valueflows.service.demo import seed_demo
from valueflows.store.ports import Declaration, Delivery, Follow, ReceivedRecord, Trade
from valueflows.store.tables import claims, economic_events

READERS = ("anonymous", "bruno", "ana", "atelier", "agrimachines", "admin")
FORMATS = (None, "application/json", "application/ld+json", "text/turtle", "application/n-triples", "text/html")
RUN = dividends.RunRequest(date(2026, 1, 1), date(2026, 12, 31), Decimal("24000.00"), "EUR", Decimal("0.3"),
                           Decimal("0.4"), organization="atelier", note="AGM 2027")
# GraphQL types whose values are private figures (or lists of them)
PRIVATE_TYPES = {"EconomicEvent", "EconomicEventPage", "Claim", "DividendRun", "DividendAllocation",
                 "ExcludedContribution", "MemberStatement", "StatementDividend", "Obligation", "ContributionReport",
                 "Contribution", "LicenceDecision", "Commitment", "Fulfillment", "Satisfaction", "EventOrCommitment",
                 "Settlement", "Appreciation", "FederationFollow", "FederationStatus", "FederationDelivery",
                 "ReceivedRecord"}
PRIVATE_TYPES |= {f"{t}Connection" for t in PRIVATE_TYPES}  # lists of them, a window at a time


@dataclass
class Secret:
    """Strings that give a private figure away, and who may see them."""

    markers: set[str]
    allowed: set[str]
    witnesses: list[Any] = field(default_factory=list)  # requests in which every allowed reader finds a marker


@dataclass
class World:
    client: TestClient
    headers: dict[str, dict[str, str]]
    secrets: dict[str, Secret]
    samples: dict[str, list[str]]  # a few record ids of each collection, private ones included
    run: str


def _seed(url: str) -> tuple[Any, dict[str, str], dict[str, Secret], dict[str, list[str]], str]:
    uow = open_ledger(url)
    seed_demo(uow)
    committed = dividends.commit(uow, RUN, key="agm-2026")
    records.create_agent(uow, AgentInput("Tess Treasurer", "Person", id="tess"))
    secrets_of_tokens = {}
    headers = {"anonymous": {}}
    for reader, agent, scope in (("bruno", "bruno", "read"), ("ana", "ana", "read"), ("atelier", "atelier", "read"),
                                 ("agrimachines", "agrimachines", "read"), ("admin", "tess", "admin")):
        secret = tokens.create_token(uow, agent, scope)[1]
        secrets_of_tokens[reader] = secret
        headers[reader] = {"authorization": f"Bearer {secret}"}
    with uow.read() as conn:
        work = [r.id for r in conn.execute(economic_events.select().where(
            economic_events.c.provider == "ana", economic_events.c.action == "work"))]
        owed = conn.execute(claims.select().where(claims.c.licence.is_not(None))).all()
        paid = [r.id for r in conn.execute(economic_events.select().where(
            economic_events.c.agreed_in.is_not(None), economic_events.c.action == "transfer"))]
    cites = [o.triggered_by for o in owed]
    # Ana promised the co-op her work (at the workshop), and her work fulfilled it: private as her work is
    place = proposals.create_spatial_thing(uow, SpatialThingInput("Atelier", lat="45.19", long="5.72", id="here"))
    # an agreement whose clauses are her promise and a sale between organizations: its public terms are the sale
    planning.create_agreement(uow, AgreementInput("Drills for the Val", id="deal"))
    promise = planning.create_commitment(uow, FlowInput(
        "work", "ana", "atelier", effort_quantity=MeasureInput("40", "hour"), id="c-ana-promise",
        at_location="here", clause_of="deal")).record
    fulfilled = planning.fulfil(uow, LinkInput("c-ana-promise", work[0], id="f-ana-work")).record
    offer = planning.create_intent(uow, FlowInput("transfer", "atelier", resource_conforms_to="seed-drill",
                                                  resource_quantity=MeasureInput("1", "one"), id="i-offer")).record
    sale = planning.create_commitment(uow, FlowInput("transfer", "atelier", "agrimachines",
                                                     resource_conforms_to="seed-drill", clause_of="deal",
                                                     resource_quantity=MeasureInput("1", "one"), id="c-sale")).record
    planning.satisfy(uow, LinkInput(offer.id, sale.id, id="s-sale"))
    proposals.create_proposal(uow, ProposalInput("Seed drills", eligible_location=place.record.id, id="prop"))
    proposals.propose_intent(uow, "prop", offer.id)
    proposals.propose_to(uow, "prop", "agrimachines")
    # the co-op owes Ana for her work (a claim she and the co-op see), settled in part by a payment
    owed_ana = claim_use.create_claim(uow, ClaimInput("transfer", work[0], id="claim-ana",
                                                      resource_quantity=MeasureInput("100.00", "EUR"))).record
    claim_use.settle(uow, LinkInput(owed_ana.id, paid[0], resource_quantity=MeasureInput("10.00", "EUR"),
                                 id="settle-ana"))
    # the co-op thanks Ana's work with a payment, as an appreciation: as private as her work
    scenarios.appreciate(uow, work[0], paid[0], "thanks", record_id="thanks")
    scenarios.create_definition(uow, DefinitionInput("Yearly budget", id="yearly"))
    scenarios.create_scenario(uow, ScenarioInput("Budget 2027", defined_as="yearly", id="b2027"))
    recipes.create_recipe_process(uow, RecipeProcessInput("Weld a frame", id="weld"))
    recipes.create_recipe_exchange(uow, "Sale", record_id="sale")
    recipes.create_recipe_flow(uow, RecipeFlowInput("produce", "seed-drill", MeasureInput("1", "one"),
                                                    recipe_output_of="weld", id="weld-frame"))
    planning.create_plan(uow, PlanInput("Drills", id="plan-drills"))
    federation.publish_as_actor(uow, "ana")  # a person who chose to be an actor: her outbox is one more door
    # federation: a node that follows the co-op, a record it published here, a delivery waiting for it
    peer = "http://peer.example/actors/secret-peer"
    with uow.write() as tx:
        now = tx.now
        tx.federation.add_follower(Follow("atelier", peer, peer + "#follow-1", "accepted", now))
        tx.federation.keep_record(ReceivedRecord("http://peer.example/resources/secret-lathe", peer,
                                                 "EconomicResource", '{"name": "secret lathe"}', peer + "#c-1",
                                                 peer + "#main-key", now))
        tx.federation.enqueue(Delivery("d-1", "http://node.test/actors/atelier#accepts/1", "atelier",
                                       "http://peer.example/secret-inbox", "{}", 0, now, now))
        # a use Agrimachines declared to another node's steward (the agent standing for it here: Ana's co-op)
        tx.federation.declare(Declaration("http://node.test/actors/agrimachines#uses/1", "agrimachines",
                                          "http://peer.example/resources/secret-design", "atelier", "rejected",
                                          "{}", '{"content": "secret reason"}', None, now, now))
        # an offer another node published here (public there, public here) and Agrimachines' refused answer to it
        market = "http://market.example/actors/open-coop"
        offer = {"id": "http://market.example/proposals/kits", "type": "Proposal", "name": "Kits", "unitBased": True,
                 "publishes": {"id": "http://market.example/intents/kit", "type": "Intent", "action": "transfer",
                               "provider": "http://market.example/agents/open-coop",
                               "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"}}}
        tx.federation.keep_record(ReceivedRecord(offer["id"], market, "Proposal", json.dumps(offer),
                                                 market + "#c-2", market + "#main-key", now))
        tx.federation.keep_trade(Trade("http://node.test/actors/agrimachines#trades/1", "offered", "agrimachines",
                                       market, offer["id"], "rejected", "{}", '{"content": "secret trade reason"}',
                                       None, now, now))
    mine = {a.agent: a for a in committed.allocations}
    claims_of = {who: [c.id for c in committed.claims if c.receiver == who] for who in ("ana", "bruno")}

    def amounts(agent: str) -> set[str]:
        d = mine[agent].dividend
        return {f"{d}", f"{d:,}"}  # as decimal text, and as a page shows it

    member_run = ("graphql", f'{{ dividendRun(id: "{committed.run.id}") {{ allocations {{ dividend }} }} }}')
    secrets = {
        "a member's work": Secret(set(work), {"ana", "bruno", "atelier", "admin"}, [
            ("get", f"/events/{work[0]}", None), ("get", "/events?agent=ana&action=work", "text/turtle"),
            ("get", "/export?format=nt", None),
            ("graphql", f'{{ economicEvent(id: "{work[0]}") {{ id }} }}')]),
        "Ana's dividend": Secret(amounts("ana") | set(claims_of["ana"]), {"ana", "atelier", "admin"}, [
            member_run, ("get", f"/dividends/{committed.run.id}", "text/html"),
            ("get", f"/claims/{claims_of['ana'][0]}", None),
            ("graphql", '{ memberStatement(agent: "ana", start: "2026-01-01", end: "2026-12-31") { dividend } }')]),
        "Bruno's dividend": Secret(amounts("bruno") | set(claims_of["bruno"]), {"bruno", "atelier", "admin"},
                                   [member_run]),
        "obligations and their basis": Secret({o.id for o in owed} | {"48000"}, {"agrimachines", "atelier", "admin"}, [
            ("get", f"/claims/{owed[0].id}", "text/turtle"),
            ("graphql", '{ obligations(agent: "agrimachines", asOf: "2026-11-23") { claim { id } } }')]),
        "licensed uses": Secret(set(cites), {"agrimachines", "atelier", "admin"}, [
            ("get", f"/events/{cites[0]}", "application/ld+json")]),
        "a payment under the licence": Secret({"towards the CopyFair obligation"}, {"agrimachines", "atelier", "admin"},
                                              [("get", f"/events/{paid[0]}", None)]),
        "an overdue obligation": Secret({"of 440 EUR to Atelier Commun"}, {"agrimachines", "atelier", "admin"}, [
            ("graphql", '{ checkUse(use: {resource: "seed-drill-design", agent: "agrimachines", use: "sell", '
                        'revenue: "100.00", currency: "EUR", day: "2026-11-23"}) { summary } }')]),
        "a claim between Ana and the co-op": Secret({"claim-ana", "settle-ana"}, {"ana", "atelier", "admin"}, [
            ("graphql", '{ claim(id: "claim-ana") { id } }'), ("graphql", '{ settlement(id: "settle-ana") { id } }')]),
        "a promise of a member's work": Secret({promise.id, fulfilled.id}, {"ana", "bruno", "atelier", "admin"}, [
            ("graphql", '{ commitment(id: "c-ana-promise") { id } }'),
            ("graphql", '{ fulfillment(id: "f-ana-work") { id } }')]),
        "this node's peers": Secret({"secret-peer", "secret-lathe", "secret-inbox"}, {"admin"}, [
            ("graphql", '{ followers(actor: "atelier") { other } }'),
            ("graphql", "{ receivedRecords { id record } }"),
            ("graphql", "{ federationStatus { recent { inbox } } }")]),
        "a use declared to another node": Secret({"secret-design", "secret reason"}, {"agrimachines", "admin"}, [
            ("graphql", "{ licenceDeclarations { design reasons } }")]),
        "a trade with another node": Secret({"secret trade reason"}, {"agrimachines", "admin"}, [
            ("graphql", "{ trades { proposal reasons } }")]),
        "tokens and idempotency keys": Secret(set(secrets_of_tokens.values()) | {"demo:use:q3", "agm-2026"}, set()),
    }
    samples: dict[str, list[str]] = {}
    for name, kind in {**KINDS, "events": "economic_event"}.items():
        samples[name] = [r.id for r in queries.list_records(uow, kind, 3).items]
    samples["events"] += work[:2] + cites[:1] + paid
    samples["claims"] += [o.id for o in owed[:1]] + claims_of["ana"][:1]
    with uow.read() as tx:  # each private record's newest revision, for `revision(revisionId)`
        for kind, ids in (("economic_event", samples["events"]), ("commitment", ["c-ana-promise", "c-sale"]),
                          ("fulfillment", ["f-ana-work"]), ("satisfaction", ["s-sale"]), ("claim", ["claim-ana"]),
                          ("settlement", ["settle-ana"]), ("appreciation", ["thanks"])):
            samples[f"revision:{kind}"] = [tx.chain.latest(kind, [i])[i] for i in ids]
        for actor in ("atelier", "agrimachines", "ana"):  # chain positions for its activities: all sorts, spread out
            entries = sorted(tx.chain.published(actor, None, 10_000), key=lambda p: p.seq)
            firsts: dict[tuple[str, bool], list[int]] = {}
            for p in entries:
                firsts.setdefault((p.kind, p.first), []).append(p.seq)
            chosen = {p.seq for p in entries[::max(1, len(entries) // 15)]}
            chosen |= {seq for found in firsts.values() for seq in found[:3]}
            chosen |= set(range(1, 6))  # records that do not concern it: not its activities
            samples[f"activities:{actor}"] = [str(s) for s in sorted(chosen)]
    return uow, headers, secrets, samples, committed.run.id


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = (f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'ledger.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_schemas")())
    uow, headers, secrets, samples, run = _seed(url)
    with TestClient(create_app(uow), base_url="http://node.test", raise_server_exceptions=False) as client:
        yield World(client, headers, secrets, samples, run)
    uow.engine.dispose()


# -- the doors ------------------------------------------------------------------------------------------------

def _route_requests(w: World, path: str, methods: set[str]) -> list[tuple[str, str, str | None]]:
    """(method, url, accept) for every way a route is called; a route this does not know fails the test."""
    every = [("GET", None), *(("GET", f) for f in FORMATS[1:])]

    def each_format(url: str) -> list[tuple[str, str, str | None]]:
        return [(m, url, f) for m, f in every]

    def as_activities(url: str) -> list[tuple[str, str, str | None]]:  # what fediverse servers ask for
        return [("GET", url, a) for a in (None, "application/activity+json",
                                          'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')]

    def outbox_pages(name: str) -> list[str]:
        """Every page of an actor's outbox (followed as anyone follows them: the pages are the same for all)."""
        pages, url = [], f"/actors/{name}/outbox?page=true"
        while url:
            pages.append(url)
            url = w.client.get(url).json().get("next", "").replace("http://node.test", "")
        return pages

    # the node, organizations, a person who chose to be an actor (Ana), one who did not (Bruno: none)
    actors = ("node", "atelier", "agrimachines", "farmhack", "ana", "bruno")

    known: dict[str, Any] = {
        "/graphql": lambda: [("GET", "/graphql", "text/html")],  # POST: the GraphQL part of the matrix
        "/graphql/0.8": lambda: [("GET", "/graphql/0.8", "text/html")],
        "/health": lambda: each_format("/health"),
        "/healthz": lambda: each_format("/healthz"),
        "/metrics": lambda: each_format("/metrics"),
        "/verify": lambda: each_format("/verify"),
        "/context.jsonld": lambda: each_format("/context.jsonld"),
        "/events": lambda: [r for q in ("", "?agent=ana", "?action=work", "?agent=agrimachines",
                                        "?corrected=include&limit=1000") for r in each_format("/events" + q)],
        "/licences/{licence}": lambda: each_format("/licences/LicenseRef-CopyFair-1.0"),
        "/export": lambda: [("GET", f"/export?format={f}", None) for f in ("jsonld", "turtle", "nt")],
        "/import": lambda: [("POST", "/import", None)],
        "/dividends": lambda: each_format("/dividends"),
        "/dividends/{run_id}": lambda: [
            *each_format(f"/dividends/{w.run}"), ("GET", f"/dividends/{w.run}.csv", None),
            ("GET", "/dividends/preview?from=2026-01-01&to=2026-12-31&surplus=24000.00&currency=EUR&reserve=0.3"
                    "&cash=0.4&org=atelier", "text/html")],
        "/session": lambda: [("POST", "/session", None)] if "POST" in methods else each_format("/session?next=/"),
        "/": lambda: each_format("/"),
        "/session/end": lambda: [("POST", "/session/end", None)],
        "/session/link/{link}": lambda: each_format("/session/link/vf_000000000000_" + "a" * 43),
        "/session/link": lambda: [("POST", "/session/link", None)],
        "/me": lambda: [*each_format("/me"), *each_format("/me?year=2026")],
        "/me/work": lambda: [("POST", "/me/work", None)] if "POST" in methods else each_format("/me/work"),
        "/dividends/new": lambda: each_format("/dividends/new"),
        "/admin/members": lambda: [("POST", "/admin/members", None)] if "POST" in methods else each_format(
            "/admin/members"),
        "/admin/tokens": lambda: [("POST", "/admin/tokens", None)] if "POST" in methods else each_format(
            "/admin/tokens"),
        "/dividends/commit": lambda: [("POST", "/dividends/commit", None)],
        "/.well-known/webfinger": lambda: [r for n in actors for r in as_activities(
            f"/.well-known/webfinger?resource=acct:{n}@node.test")],
        "/actors/{name}": lambda: [r for n in actors for r in as_activities(f"/actors/{n}")],
        # the collection and its first page as every fediverse server asks; the later pages as Mastodon does
        "/actors/{name}/outbox": lambda: [
            r for n in actors[:-1] for i, url in enumerate((f"/actors/{n}/outbox", *outbox_pages(n)))
            for r in (as_activities(url) if i < 2 else [("GET", url, "application/activity+json")])],
        "/actors/{name}/activities/{seq:int}": lambda: [  # records of every kind along the chain, public or not
            ("GET", f"/actors/{n}/activities/{seq}", "application/activity+json")
            for n in ("atelier", "agrimachines", "ana") for seq in w.samples[f"activities:{n}"]],
        "/actors/{name}/inbox": lambda: [("POST", f"/actors/{n}/inbox", None) for n in actors],  # unsigned: 401
        "/inbox": lambda: [("POST", "/inbox", None)],
        "/actors/{name}/followers": lambda: [r for n in actors for r in as_activities(f"/actors/{n}/followers")],
        "/actors/{name}/following": lambda: [r for n in actors for r in as_activities(f"/actors/{n}/following")],
        "/shop": lambda: [*each_format("/shop"),  # with another node's design: a record received, not a design
                          *each_format("/shop?design=http%3A%2F%2Fpeer.example%2Fresources%2Fsecret-lathe")],
        "/shop/{resource}": lambda: each_format(
            "/shop/seed-drill-design?legal_form=company&headcount=240&use=sell&revenue=12000.00&currency=EUR"
            "&date=2026-08-14"),
        "/{collection}": lambda: [r for name in w.samples if name != "events" and ":" not in name
                                  for r in each_format(f"/{name}")],
        "/{collection}/{id:path}": lambda: [r for name, ids in w.samples.items() if ":" not in name for i in ids
                                            for r in each_format(f"/{name}/{i}")],
    }
    assert path in known, f"the access matrix does not know route {path} ({methods}): add it"
    return known[path]()


def _routes(w: World) -> list[tuple[str, str, str | None]]:
    found: list[tuple[str, str, str | None]] = []
    for route in w.client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            pytest.fail(f"the access matrix does not know mount {route.path}: add it")
        assert isinstance(route, Route)
        found += _route_requests(w, route.path, set(route.methods or ()))
    return found


def _call(w: World, reader: str, method: str, url: str, accept: str | None) -> Any:
    headers = {**w.headers[reader], **({"accept": accept} if accept else {})}
    if method == "POST" and url == "/import":
        body = w.client.get("/units/hour", headers={"accept": "application/n-triples"}).text
        return w.client.post(url, content=body, headers={**headers, "content-type": "application/n-triples"})
    if method == "POST" and url == "/session":
        token = headers.get("authorization", "Bearer vf_none").split()[1]
        return w.client.post(url, data={"token": token, "next": f"/dividends/{w.run}"}, follow_redirects=True)
    if method == "POST":
        return w.client.post(url, headers=headers, follow_redirects=False)
    return w.client.get(url, headers=headers)


def _shows(text: str, marker: str) -> bool:
    """A marker in an answer; a figure of digits only counts where it stands alone, not inside a hex id (a uuid may
    hold "48000")."""
    if marker.isdigit():
        return re.search(rf"(?<![0-9a-fA-F-]){marker}(?![0-9a-fA-F-])", text) is not None
    return marker in text


def _leaks(w: World, reader: str, text: str, asked: str) -> list[str]:
    """Private figures in an answer, except what the request itself named (an error may repeat the id asked)."""
    return [f"{name}: {m!r}" for name, s in w.secrets.items() if reader not in s.allowed
            for m in s.markers if _shows(text, m) and m not in asked]


def test_every_route_in_every_format_shows_each_reader_only_what_it_may_see(world: World) -> None:
    calls = _routes(world)
    assert len(calls) > 300
    for reader in READERS:
        for method, url, accept in calls:
            answer = _call(world, reader, method, url, accept)
            where = f"{method} {url} [{accept}] as {reader}"
            assert answer.status_code < 500, f"{where}: {answer.status_code} {answer.text[:300]}"
            assert "Traceback" not in answer.text, where
            leaks = _leaks(world, reader, answer.text, url)
            assert not leaks, f"{where} shows {leaks}"
            world.client.cookies.clear()


# -- GraphQL: every query field, and every field that can reach a private record ---------------------------------

def _documents(w: World, api: str = MAIN) -> dict[str, str]:
    """A document for every query of an API (lists are connections in the main API, plain lists in the legacy)."""
    run = w.run

    def listed(field: str, fields: str, args: str = "", size: int = 100) -> str:
        if api == LEGACY:
            return f"{{ {field}{args and f'({args})'} {{ {fields} }} }}"
        return (f"{{ {field}(first: {size}{args and f', {args}'}) {{ edges {{ cursor node {{ {fields} }} }} "
                f"pageInfo {{ startCursor endCursor hasNextPage hasPreviousPage }} }} }}")

    event_fields = ("id note action { id } provider { id } effortQuantity { hasDecimalValue } agreedIn "
                    "triggeredBy { id } corrects { id } correctedBy { id } withheld "
                    "track { __typename ... on Process { id } } trace { __typename ... on EconomicResource { id } }")
    if api == MAIN:  # the flows one step away, the items many steps away, the events this one triggered
        event_fields += (" previous { __typename ... on Process { id } } next { __typename ... on EconomicResource "
                         "{ id } } triggers { id note } track { ... on EconomicEvent { id note } } "
                         "trace { ... on EconomicEvent { id note } } fulfills { id fulfills { id note } } "
                         "satisfies { id satisfiedBy { ... on Commitment { id note } } }")

    def related(field: str, fields: str, args: str = "") -> str:
        """A relation of a record: a list in the legacy API, a connection in the main one."""
        if api == LEGACY:
            return f"{field}{args and f'({args})'} {{ {fields} }}"
        return f"{field}(first: 1000{args and f', {args}'}) {{ edges {{ node {{ {fields} }} }} }}"

    appreciated = ("appreciationOf { id note } appreciationWith { id note } settles { id settles { id } }"
                   if api == MAIN else "")

    def revision(kind: str, index: int, fields: str = "id note") -> str:
        """The record as its newest revision recorded it (main API only): as private as the record."""
        if api == LEGACY:
            return ""
        return f'revision(revisionId: "{w.samples[f"revision:{kind}"][index]}") {{ {fields} }}'

    def many_steps(field: str) -> str:
        """Track and trace: events in the legacy API, items of three kinds in the main one."""
        if api == LEGACY:
            return f"{field} {{ {event_fields} }}"
        return (f"{field} {{ ... on EconomicEvent {{ {event_fields} }} ... on EconomicResource {{ id }} "
                f"... on Process {{ id }} }}")

    claim_fields = "id provider { id } receiver { id } resourceQuantity { hasDecimalValue } note agreedIn"
    run_fields = (f"id withheld distributed allocations {{ agent {{ id }} dividend cash retained explanation {{ "
                  f"quantity }} }} excluded {{ agent {{ id }} quantity }} adjustments {{ agent {{ id }} quantity }} "
                  f"claims {{ {claim_fields} }} ")
    period = 'start: "2026-01-01T00:00:00Z", end: "2027-01-01T00:00:00Z"'
    use = ('use: {resource: "seed-drill-design", agent: "agrimachines", use: "sell", revenue: "100.00", '
           'currency: "EUR", day: "2026-11-23"}')
    commitment_fields = (f"id note action {{ id }} provider {{ id }} effortQuantity {{ hasDecimalValue }} "
                         f"progress {{ done }} fulfilledBy {{ id fulfilledBy {{ {event_fields} }} }} "
                         f"satisfies {{ id }}")
    satisfaction_fields = (f"id satisfies {{ id }} satisfiedBy {{ ... on Commitment {{ {commitment_fields} }} "
                           f"... on EconomicEvent {{ {event_fields} }} }}")
    planning_documents = {
        "intent": f'{{ intent(id: "i-offer") {{ id name satisfiedBy {{ {satisfaction_fields} }} }} }}',
        "intents": listed("intents", f"id satisfiedBy {{ {satisfaction_fields} }}"),
        "commitment": (f'{{ commitment(id: "c-ana-promise") {{ {commitment_fields} '
                       f'{revision("commitment", 0, commitment_fields)} }} }}'),
        "commitments": listed("commitments", commitment_fields),
        "fulfillment": (f'{{ fulfillment(id: "f-ana-work") {{ id effortQuantity {{ hasDecimalValue }} '
                        f'fulfills {{ {commitment_fields} }} fulfilledBy {{ {event_fields} }} '
                        f'{revision("fulfillment", 0, "id note effortQuantity { hasDecimalValue }")} }} }}'),
        "fulfillments": listed("fulfillments", f"id fulfills {{ id note }} fulfilledBy {{ {event_fields} }}"),
        "satisfaction": (f'{{ satisfaction(id: "s-sale") {{ {satisfaction_fields} '
                         f'{revision("satisfaction", 0, satisfaction_fields)} }} }}'),
        "satisfactions": listed("satisfactions", satisfaction_fields),
        "plan": (f'{{ plan(id: "plan-drills") {{ id independentDemands {{ {commitment_fields} }} '
                 f'nonProcessCommitments {{ {commitment_fields} }} processes {{ id }} '
                 f'{related("involvedAgents", "id")} }} }}'),
        "plans": listed("plans", "id name"),
        "agreement": (f'{{ agreement(id: "deal") {{ id commitments {{ {commitment_fields} }} '
                      f'economicEvents {{ {event_fields} }} unplannedEconomicEvents {{ {event_fields} }} '
                      f'{related("involvedAgents", "id")} }} }}'),
        "agreements": listed("agreements", "id name"),
        "proposal": (f'{{ proposal(id: "prop") {{ id primaryIntents {{ id satisfiedBy {{ {satisfaction_fields} }} }} '
                     f'publishes {{ publishes {{ id satisfiedBy {{ {satisfaction_fields} }} }} }} '
                     f'publishedTo {{ proposedTo {{ id }} }} eligibleLocation {{ id }} }} }}'),
        "proposals": listed("proposals", f"id primaryIntents {{ id satisfiedBy {{ {satisfaction_fields} }} }}"),
        "offers": listed("offers", f"id primaryIntents {{ id satisfiedBy {{ {satisfaction_fields} }} }}"),
        "requests": listed("requests", "id reciprocalIntents { id }"),
        "spatialThing": (f'{{ spatialThing(id: "here") {{ id name lat long agents {{ id }} intents {{ id }} '
                         f'commitments {{ {commitment_fields} }} {related("economicEvents", event_fields)} '
                         f'{related("economicResources", "id")} }} }}'),
        "spatialThings": listed("spatialThings", "id name"),
        "recipeProcess": '{ recipeProcess(id: "weld") { id name recipeInputs { id } recipeOutputs { id } } }',
        "recipeProcesses": listed("recipeProcesses", "id name"),
        "recipeFlow": '{ recipeFlow(id: "weld-frame") { id recipeOutputOf { id } resourceConformsTo { id } } }',
        "recipeFlows": listed("recipeFlows", "id note"),
        "recipeExchange": '{ recipeExchange(id: "sale") { id recipeClauses { id } } }',
        "recipeExchanges": listed("recipeExchanges", "id name"),
        "scenario": ('{ scenario(id: "b2027") { id name plans { id } refinements { id } definedAs { id } '
                     f'{related("processes", "id")} }} }}'),
        "scenarios": listed("scenarios", "id name"),
        "scenarioDefinition": f'{{ scenarioDefinition(id: "yearly") {{ id {related("scenarios", "id")} }} }}',
        "scenarioDefinitions": listed("scenarioDefinitions", "id name"),
        "appreciation": (f'{{ appreciation(id: "thanks") {{ id note appreciationOf {{ {event_fields} }} '
                         f'appreciationWith {{ {event_fields} }} {revision("appreciation", 0)} }} }}'),
        "appreciations": listed("appreciations", f"id note appreciationOf {{ {event_fields} }}"),
        "claim": (f'{{ claim(id: "claim-ana") {{ id note triggeredBy {{ {event_fields} }} '
                  f'{related("settledBy", "id settledBy { id note } resourceQuantity { hasDecimalValue }")} '
                  f'revision(revisionId: "{w.samples["revision:claim"][0]}") {{ id note }} }} }}'),
        "claims": listed("claims", "id note resourceQuantity { hasDecimalValue }"),
        "settlement": ('{ settlement(id: "settle-ana") { id note settles { id note } settledBy { id note } '
                       f'{revision("settlement", 0)} }} }}'),
        "settlements": listed("settlements", "id settles { id } settledBy { id note }"),
    }
    agent_fields = (f"id name {related('economicEvents', event_fields)} memberships {{ id }} "
                    f"{related('relationships', 'id')}")
    if api == MAIN:
        agent_fields += (f" {related('economicEventsAsProvider', event_fields)} "
                         f"{related('economicEventsAsReceiver', event_fields)} "
                         f"{related('economicEventsInScope', event_fields)} {related('processes', 'id')} "
                         f"{related('relationshipsAsSubject', 'id')} {related('relationshipsAsObject', 'id')} "
                         f"{related('inventoriedEconomicResources', 'id')} "
                         + " ".join(related(f, "id note") for f in (
                             "commitments", "commitmentsAsProvider", "commitmentsAsReceiver", "commitmentsInScope",
                             "intents", "intentsAsProvider", "intentsAsReceiver", "intentsInScope", "plans"))
                         + " " + " ".join(related(f, "id primaryIntents { id }") for f in (
                             "proposals", "proposalsInScope", "proposalsTo")))
    return {
        "myAgent": f"{{ myAgent {{ {agent_fields} }} }}",
        "agent": f'{{ agent(id: "ana") {{ {agent_fields} }} }}',
        "agents": (listed("agents", agent_fields, size=20) if api == MAIN
                   else f"{{ agents(limit: 20) {{ {agent_fields} }} }}"),
        "organization": f'{{ organization(id: "atelier") {{ {agent_fields} members {{ id }} contributions }} }}',
        "organizations": listed("organizations", "id name contributions"),
        "person": f'{{ person(id: "ana") {{ {agent_fields} }} }}',
        "people": listed("people", agent_fields),
        "agentRelationship": '{ agentRelationship(id: "m-ana") { id subject { id } } }',
        "agentRelationships": listed("agentRelationships", "id"),
        "agentRelationshipRole": ('{ agentRelationshipRole(id: "member") { id } }' if api == LEGACY else
                                  f'{{ agentRelationshipRole(id: "member") {{ id '
                                  f'{related("agentRelationships", "id")} }} }}'),
        "agentRelationshipRoles": listed("agentRelationshipRoles", "id"),
        "action": '{ action(id: "work") { id } }',
        "actions": "{ actions { id } }",
        "resourceSpecification": (f'{{ resourceSpecification(id: "design") {{ id '
                                  f'{related("conformingResources", "id")} '
                                  + (f'{related("economicEvents", event_fields)} {related("commitments", "id note")} '
                                     f'{related("intents", "id")} {related("claims", "id note")} }} }}'
                                     if api == MAIN else "} }")),
        "resourceSpecifications": listed("resourceSpecifications", "id"),
        "processSpecification": ('{ processSpecification(id: "x") { id } }' if api == LEGACY else
                                 f'{{ processSpecification(id: "x") {{ id {related("conformingProcesses", "id")} '
                                 f'{related("resourcesCurrentlyAtStage", "id")} '
                                 f'{related("commitmentsRequiringStage", "id note")} }} }}'),
        "processSpecifications": listed("processSpecifications", "id"),
        "unit": '{ unit(id: "hour") { id } }',
        "units": listed("units", "id"),
        "economicEvent": "".join(f'e{i}: economicEvent(id: "{e}") {{ {event_fields} {revision("economic_event", i)} '
                                 f'{appreciated} }} '
                                 for i, e in enumerate(w.samples["events"])).join(("{ ", "}")),
        "economicEvents": (listed("economicEvents", event_fields, size=1000) if api == MAIN
                           else f"{{ economicEvents(limit: 1000) {{ {event_fields} }} }}"),
        "economicEventsFiltered": f'{{ economicEventsFiltered(providerId: "ana") {{ {event_fields} }} }}',
        "events": (f'{{ a: events(filter: {{agent: "ana"}}, first: 1000) {{ items {{ {event_fields} }} nextCursor }} '
                   f'b: events(filter: {{includeCorrected: true}}, first: 1000) {{ items {{ id note }} }} }}'),
        "contributionReport": (f'{{ contributionReport({period}, receiver: "atelier") {{ totalHours contributors {{ '
                               f'agent {{ id }} hours share events other {{ quantity {{ hasDecimalValue }} }} }} }} '
                               f'all: contributionReport({period}) {{ contributors {{ agent {{ id }} hours }} }} }}'),
        "economicResource": (f'{{ economicResource(id: "steel-stock") {{ id {many_steps("trace")} '
                             f'{many_steps("track")} stage {{ id }} state {{ id }} '
                             + (f'previous {{ {event_fields} }} next {{ {event_fields} }} imageList '
                                f'{related("economicEventsInOutFrom", event_fields)} '
                                f'{related("economicEventsTo", event_fields)} {related("commitments", "id note")} '
                                f'{related("intents", "id")} }} }}' if api == MAIN else "} }")),
        "economicResources": listed("economicResources", f"id {many_steps('trace')} {many_steps('track')}"),
        "productBatch": '{ productBatch(id: "x") { id } }',
        "productBatches": listed("productBatches", "id"),
        "process": (f'{{ process(id: "p-build-drills") {{ id inputs {{ {event_fields} }} outputs {{ id }} '
                    f'unplannedEconomicEvents {{ id note }} trace {{ id }} track {{ id }} '
                    f'{related("workingAgents", "id")} nextProcesses {{ id }} previousProcesses {{ id }} '
                    + (f'{related("involvedAgents", "id")} observedInputs {{ {event_fields} }} '
                       f'observedOutputs {{ {event_fields} }} unplannedInputs {{ {event_fields} }} '
                       f'unplannedOutputs {{ {event_fields} }} previous {{ {event_fields} }} '
                       f'next {{ {event_fields} }} committedInputs {{ id note }} committedOutputs {{ id note }} '
                       f'intendedInputs {{ id }} intendedOutputs {{ id }} plannedWithin {{ id }} }} }}'
                       if api == MAIN else "} }")),
        "processes": listed("processes", f"id inputs {{ id }} {related('workingAgents', 'id')}"),
        **(planning_documents if api == MAIN else {}),
        "valueEquations": "{ valueEquations { id } }",
        "dividendPreview": ('{ dividendPreview(run: {start: "2026-01-01", end: "2026-12-31", surplus: "24000.00", '
                            f'currency: "EUR", reserveRate: "0.3", cashRate: "0.4"}}) {{ {run_fields} }} }}'),
        "dividendRun": f'{{ dividendRun(id: "{run}") {{ {run_fields} }} }}',
        "dividendRuns": f'{{ dividendRuns(organization: "atelier") {{ {run_fields} }} }}',
        "memberStatement": ('{ a: memberStatement(agent: "ana", start: "2026-01-01", end: "2026-12-31") { hours '
                            'dividend cash retained capitalAccount dividends { run dividend } } '
                            'b: memberStatement(agent: "bruno", start: "2026-01-01", end: "2026-12-31") '
                            '{ dividend } }'),
        "closedPeriods": '{ closedPeriods(organization: "atelier") { organization { id } start end closedBy } }',
        "licences": "{ licences { id } }",
        "licence": '{ licence(id: "PPL") { id } }',
        "checkLicence": '{ checkLicence(licence: "PPL", facts: {legalForm: "company"}) { answer } }',
        "checkUse": f"{{ checkUse({use}) {{ answer summary overdue withheld reasons {{ facts }} }} }}",
        **({"followers": '{ a: followers { other } b: followers(actor: "atelier") { other activity state since } }',
            "following": "{ following { actor other state } }",
            "federationStatus": ("{ federationStatus { queued delivered failed followers following "
                                 "recent { activity inbox state attempts nextAt lastError } } }"),
            "receivedRecords": "{ receivedRecords { id type origin activity keyId receivedAt record } }",
            "licenceDeclarations": ("{ licenceDeclarations { id agent design steward stewardHere state reasons "
                                    f"obligation {{ {claim_fields} }} declaredAt answeredAt }} }}"),
            "remoteProposals": "{ remoteProposals { id name node proposer purpose unitBased active publishes "
                               "reciprocal } }",
            "trades": ("{ trades { id side agent peer proposal state reasons agreement { id name } madeAt "
                       "answeredAt } }")}
           if api == MAIN else {}),
        "obligations": ('{ a: obligations(agent: "agrimachines", asOf: "2026-11-23") { status amount outstanding '
                        f'claim {{ {claim_fields} }} resource {{ id }} }} '
                        'b: obligations(steward: "atelier", asOf: "2026-11-23") { claim { id } } }'),
    }


def _reachable_types(api: str) -> set[str]:
    """Object types a query can return, through interfaces and unions too."""
    gql = schemas[api]._schema
    seen: set[str] = set()
    todo: list[Any] = [gql.query_type]
    while todo:
        t = todo.pop()
        if t.name in seen:
            continue
        seen.add(t.name)
        for f in t.fields.values():
            inner = f.type
            while isinstance(inner, GraphQLNonNull | GraphQLList):
                inner = inner.of_type
            if isinstance(inner, GraphQLObjectType):
                todo.append(inner)
            elif isinstance(inner, GraphQLInterfaceType | GraphQLUnionType):
                todo += gql.get_possible_types(inner)
    return seen


def _private_fields(api: str) -> set[tuple[str, str]]:
    """(type, field) for every field, on a type a query can reach, whose value holds a private figure."""
    gql = schemas[api]._schema
    out: set[tuple[str, str]] = set()
    for name in _reachable_types(api):
        t = gql.get_type(name)
        for fname, f in t.fields.items():  # type: ignore[union-attr]
            inner = f.type
            while isinstance(inner, GraphQLNonNull | GraphQLList):
                inner = inner.of_type
            if inner.name in PRIVATE_TYPES:
                out.add((name, fname))
    return out


def _selected(document: str, api: str) -> set[tuple[str, str]]:
    gql = schemas[api]._schema
    info = TypeInfo(gql)
    found: set[tuple[str, str]] = set()

    class Fields(Visitor):
        def enter_field(self, node: Any, *_: Any) -> None:
            parent = info.get_parent_type()
            if parent is not None:
                found.add((parent.name, node.name.value))
                for possible in gql.get_possible_types(parent) if not isinstance(parent, GraphQLObjectType) else []:
                    found.add((possible.name, node.name.value))

    visit(parse(document), TypeInfoVisitor(info, Fields()))
    return found


@pytest.mark.parametrize("api", APIS)
def test_every_query_field_and_every_field_reaching_a_private_record_is_in_the_matrix(world: World, api: str) -> None:
    documents = _documents(world, api)
    query_fields = set(schemas[api]._schema.query_type.fields)  # type: ignore[union-attr]
    assert query_fields == set(documents), f"not in the matrix: {query_fields - set(documents)}"
    covered = set().union(*(_selected(d, api) for d in documents.values()))
    missing = _private_fields(api) - covered
    assert not missing, f"fields that can reach a private record, not in the matrix: {sorted(missing)}"


def _gql(w: World, reader: str, document: str, api: str = MAIN) -> Any:
    path = "/graphql" if api == MAIN else f"/graphql/{api}"
    return w.client.post(path, json={"query": document}, headers=w.headers[reader])


# The documents are many and some are heavy (every agent with every connection, as six readers): in parts, so the
# test workers share them.
PARTS = 8


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("api", APIS)
def test_every_query_shows_each_reader_only_what_it_may_see(world: World, api: str, part: int) -> None:
    documents = sorted(_documents(world, api).items())
    for name, document in documents[part::PARTS]:
        for reader in READERS:
            answer = _gql(world, reader, document, api)
            where = f"GraphQL {api} {name} as {reader}"
            assert answer.status_code == 200, f"{where}: {answer.text[:300]}"
            codes = {e["extensions"]["code"] for e in answer.json().get("errors", [])}
            assert codes <= {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}, f"{where}: {answer.text[:500]}"
            leaks = _leaks(world, reader, answer.text, document)
            assert not leaks, f"{where} shows {leaks}"


def test_readers_who_may_see_a_private_figure_find_it(world: World) -> None:
    for name, secret in world.secrets.items():
        for witness in secret.witnesses:
            for reader in secret.allowed:
                if witness[0] == "graphql":
                    answer = _gql(world, reader, witness[1])
                else:
                    answer = _call(world, reader, "GET", witness[1], witness[2])
                assert answer.status_code == 200, (name, witness, reader, answer.text[:300])
                assert any(_shows(answer.text, m) for m in secret.markers), (
                    f"{name}: {reader} does not see it in {witness}")


def test_refusals_are_coded_and_hidden_records_answer_as_missing_ones(world: World) -> None:
    c, h = world.client, world.headers
    work = world.samples["events"][-4]
    hidden = c.get(f"/events/{work}", headers=h["agrimachines"])
    missing = c.get("/events/no-such-event", headers=h["agrimachines"])
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["code"] == missing.json()["error"]["code"] == "NOT_FOUND"
    assert c.get(f"/claims/{world.samples['claims'][-1]}").status_code == 401  # claims are never public
    assert c.get(f"/claims/{world.samples['claims'][-1]}", headers=h["bruno"]).status_code == 404
    assert c.get("/claims").status_code == 401
    theirs = c.get("/claims", headers=h["bruno"]).json()["items"]  # his own dividend claims, nothing else
    assert theirs and all("bruno" in (x["provider"], x["receiver"]) for x in theirs)
    assert c.get(f"/dividends/{world.run}", headers=h["agrimachines"]).status_code == 404
    assert c.post("/import", content=b"", headers={"content-type": "text/turtle"}).status_code == 401
    assert c.post("/import", content=b"", headers={**h["ana"], "content-type": "text/turtle"}).status_code == 403
    redacted = c.get(f"/events/{world.samples['events'][-1]}").json()  # the payment under the licence
    assert redacted["withheld"] == ["agreedIn", "note", "triggeredBy"] and redacted["note"] is None
    assert redacted["resourceQuantity"]["hasDecimalValue"] == "1000.00"  # the money moved: public
    assert c.get(f"/events/{world.samples['events'][-1]}", headers=h["atelier"]).json()["withheld"] == []
