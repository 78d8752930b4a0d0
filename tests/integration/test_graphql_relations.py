"""Relations of records in the main API (vf-graphql 0.9): an agent's events, relationships, resources and
processes as connections; a resource's flows one step and many steps away; what a process took in and put out,
planned or not; a specification's processes and the resources at its stage; the events an event triggered."""

from __future__ import annotations

from typing import Any

import pytest

from valueflows.api.gql.context import Context
from valueflows.api.gql.schema import legacy, schema
from valueflows.domain.access import ANONYMOUS, Principal, Scope
from valueflows.domain.inputs import MeasureInput
from valueflows.service import planning
from valueflows.service.planning import FlowInput
from valueflows.store.ports import UnitOfWork

ADMIN = Principal(agent=None, scope=Scope.ADMIN)
AT = '"2026-05-05T10:00:00Z"'


def run(uow: UnitOfWork, query: str, principal: Principal = ADMIN, api: Any = schema) -> Any:
    result = api.execute_sync(query, context_value=Context(uow, principal))
    assert not result.errors, [e.formatted for e in result.errors]
    return result.data


def nodes(connection: dict[str, Any]) -> list[Any]:
    return [e["node"] for e in connection["edges"]]


def event(uow: UnitOfWork, fields: str, new_resource: str = "") -> str:
    extra = f", newInventoriedResource: {{{new_resource}}}" if new_resource else ""
    done = run(uow, f"mutation {{ createEconomicEvent(event: {{{fields}, hasPointInTime: {AT}}}{extra}) "
                    "{ economicEvent { id } } }", api=legacy)
    return str(done["createEconomicEvent"]["economicEvent"]["id"])


@pytest.fixture
def workshop(uow: UnitOfWork) -> dict[str, str]:
    """A workshop welds a frame from steel: ana works, the steel is consumed, the frame produced."""
    for document in [
        'createPerson(person: {name: "Ana", id: "ana"}) { agent { id } }',
        'createPerson(person: {name: "Bo", id: "bo"}) { agent { id } }',
        'createOrganization(organization: {name: "Shop", id: "shop", legalForm: "worker_coop"}) { agent { id } }',
        'createResourceSpecification(resourceSpecification: {name: "Steel", id: "steel", '
        'defaultUnitOfResource: "kilogram"}) { resourceSpecification { id } }',
        'createResourceSpecification(resourceSpecification: {name: "Frame", id: "frame"}) '
        '{ resourceSpecification { id } }',
        'createProcessSpecification(processSpecification: {name: "Welding", id: "welding"}) '
        '{ processSpecification { id } }',
        'createProcess(process: {name: "Weld a frame", id: "weld", basedOn: "welding"}) { process { id } }',
        'createProcess(process: {name: "Paint", id: "paint"}) { process { id } }',
    ]:
        run(uow, "mutation { " + document + " }", api=legacy)
    raised = event(uow, 'action: "raise", provider: "shop", receiver: "shop", resourceQuantity: {hasDecimalValue: '
                        '"10", hasUnit: "kilogram"}, inScopeOf: ["shop"]',
                   'name: "Steel stock", conformsTo: "steel", id: "stock"')
    consumed = event(uow, 'action: "consume", provider: "shop", receiver: "shop", inputOf: "weld", '
                          'resourceInventoriedAs: "stock", resourceQuantity: {hasDecimalValue: "4", '
                          'hasUnit: "kilogram"}')
    worked = event(uow, 'action: "work", provider: "ana", receiver: "shop", inputOf: "weld", '
                        'effortQuantity: {hasDecimalValue: "3", hasUnit: "hour"}, resourceConformsTo: "frame"')
    produced = event(uow, 'action: "produce", provider: "shop", receiver: "shop", outputOf: "weld", '
                          'resourceQuantity: {hasDecimalValue: "1", hasUnit: "one"}',
                     'name: "Frame 1", conformsTo: "frame", id: "frame-1"')
    painted = event(uow, f'action: "work", provider: "bo", receiver: "shop", inputOf: "paint", triggeredBy: '
                         f'"{produced}", effortQuantity: {{hasDecimalValue: "1", hasUnit: "hour"}}')
    return {"raised": raised, "consumed": consumed, "worked": worked, "produced": produced, "painted": painted}


def test_an_agents_relations_are_connections(uow: UnitOfWork, workshop: dict[str, str]) -> None:
    shop = run(uow, """{ agent(id: "shop") {
      economicEvents(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } }
      economicEventsAsProvider(first: 100) { edges { node { id } } }
      economicEventsAsReceiver(first: 100) { edges { node { id } } }
      economicEventsInScope { edges { node { id } } }
      inventoriedEconomicResources { edges { node { id } } }
      processes { edges { node { id } } }
    } }""")["agent"]
    assert len(nodes(shop["economicEvents"])) == 2 and shop["economicEvents"]["pageInfo"]["hasNextPage"]
    assert {n["id"] for n in nodes(shop["economicEventsAsProvider"])} == {
        workshop["raised"], workshop["consumed"], workshop["produced"]}
    assert {n["id"] for n in nodes(shop["economicEventsAsReceiver"])} == set(workshop.values())
    assert [n["id"] for n in nodes(shop["economicEventsInScope"])] == [workshop["raised"]]
    assert {n["id"] for n in nodes(shop["inventoriedEconomicResources"])} == {"stock", "frame-1"}
    assert [n["id"] for n in nodes(shop["processes"])] == ["paint", "weld"]
    ana = run(uow, '{ agent(id: "ana") { processes(filter: {searchString: "WELD"}) { edges { node { id } } } '
                   'economicEvents(filter: {action: "work"}) { edges { node { id } } } } }')["agent"]
    assert [n["id"] for n in nodes(ana["processes"])] == ["weld"]
    assert [n["id"] for n in nodes(ana["economicEvents"])] == [workshop["worked"]]


def test_relationships_of_an_agent_and_of_a_role(uow: UnitOfWork, workshop: dict[str, str]) -> None:
    run(uow, 'mutation { createAgentRelationship(relationship: {subject: "ana", object: "shop", relationship: '
             '"member", since: "2026-01-01"}) { agentRelationship { id } } }', api=legacy)
    ana = run(uow, '{ agent(id: "ana") { relationships { edges { node { object { id } } } } '
                   'relationshipsAsObject { edges { node { id } } } '
                   'relationshipsAsSubject(filter: {roleId: ["member"]}) { edges { node { relationship { id } } } } '
                   '} }')["agent"]
    assert [n["object"]["id"] for n in nodes(ana["relationships"])] == ["shop"]
    assert nodes(ana["relationshipsAsObject"]) == []
    assert [n["relationship"]["id"] for n in nodes(ana["relationshipsAsSubject"])] == ["member"]
    role = run(uow, '{ agentRelationshipRole(id: "member") { agentRelationships { edges { node { subject '
                    '{ id } } } } } }')["agentRelationshipRole"]
    assert [n["subject"]["id"] for n in nodes(role["agentRelationships"])] == ["ana"]


def test_a_resource_one_step_and_many_steps_away(uow: UnitOfWork, workshop: dict[str, str]) -> None:
    frame = run(uow, """{ economicResource(id: "frame-1") {
      previous { id } next { id } imageList
      economicEventsInOutFrom { edges { node { id } } } economicEventsTo { edges { node { id } } }
      trace { __typename ... on EconomicEvent { id } ... on Process { id } ... on EconomicResource { id } }
      track { __typename ... on EconomicEvent { id } ... on Process { id } }
    } }""")["economicResource"]
    assert [e["id"] for e in frame["previous"]] == [workshop["produced"]]
    assert frame["next"] == [] and frame["imageList"] == []
    assert [n["id"] for n in nodes(frame["economicEventsInOutFrom"])] == [workshop["produced"]]
    assert nodes(frame["economicEventsTo"]) == []
    # back from the frame: the produce event, the welding, its inputs, and the steel they consumed, and so on
    trace = [(x["__typename"], x["id"]) for x in frame["trace"]]
    assert trace[:2] == [("EconomicEvent", workshop["produced"]), ("Process", "weld")]
    assert {("EconomicEvent", workshop["consumed"]), ("EconomicEvent", workshop["worked"]),
            ("EconomicResource", "stock"), ("EconomicEvent", workshop["raised"])} <= set(trace)
    assert len(trace) == len(set(trace))
    steel = run(uow, '{ economicResource(id: "stock") { track { __typename ... on EconomicEvent { id } '
                     '... on Process { id } ... on EconomicResource { id } } } }')["economicResource"]
    assert [(x["__typename"], x["id"]) for x in steel["track"]][:3] == [
        ("EconomicEvent", workshop["consumed"]), ("Process", "weld"), ("EconomicEvent", workshop["produced"])]
    legacy_frame = run(uow, '{ economicResource(id: "frame-1") { trace { id } track { id } } }', api=legacy)
    assert legacy_frame["economicResource"] == {"trace": frame["previous"], "track": frame["next"]}


def test_a_process_its_flows_and_its_specification(uow: UnitOfWork, workshop: dict[str, str]) -> None:
    commitment = planning.create_commitment(uow, FlowInput(
        action="work", provider="ana", receiver="shop", effort_quantity=MeasureInput("3", "hour"),
        input_of="weld")).record
    planning.fulfil(uow, planning.LinkInput(commitment.id, workshop["worked"]))
    weld = run(uow, """{ process(id: "weld") {
      observedInputs { id } observedOutputs { id } unplannedInputs { id } unplannedOutputs { id }
      previous { id } next { id }
      workingAgents { edges { node { id } } } involvedAgents { edges { node { id } } }
    } }""")["process"]
    assert {e["id"] for e in weld["observedInputs"]} == {workshop["consumed"], workshop["worked"]}
    assert [e["id"] for e in weld["unplannedInputs"]] == [workshop["consumed"]]  # the work was committed
    assert weld["observedOutputs"] == weld["unplannedOutputs"] == weld["next"] == [{"id": workshop["produced"]}]
    assert weld["previous"] == weld["observedInputs"]
    assert [n["id"] for n in nodes(weld["workingAgents"])] == ["ana"]
    assert {n["id"] for n in nodes(weld["involvedAgents"])} == {"ana", "shop"}
    welding = run(uow, '{ processSpecification(id: "welding") { conformingProcesses { edges { node { id } } } '
                       'resourcesCurrentlyAtStage { edges { node { id } } } } }')["processSpecification"]
    assert [n["id"] for n in nodes(welding["conformingProcesses"])] == ["weld"]
    assert [n["id"] for n in nodes(welding["resourcesCurrentlyAtStage"])] == ["frame-1"]
    frame = run(uow, '{ resourceSpecification(id: "frame") { conformingResources { edges { node { id } } } '
                     'economicEvents { edges { node { id } } } } }')["resourceSpecification"]
    assert [n["id"] for n in nodes(frame["conformingResources"])] == ["frame-1"]
    # events whose resourceConformsTo is the specification: the work on a frame and the frame's production
    assert {n["id"] for n in nodes(frame["economicEvents"])} == {workshop["worked"], workshop["produced"]}


def test_the_events_an_event_triggered_and_what_a_reader_may_see_of_them(uow: UnitOfWork,
                                                                         workshop: dict[str, str]) -> None:
    query = f'{{ economicEvent(id: "{workshop["produced"]}") {{ triggers {{ id }} }} }}'
    assert run(uow, query)["economicEvent"]["triggers"] == [{"id": workshop["painted"]}]
    # Bo's work for the shop is private to the shop's members: an anonymous reader does not see it
    assert run(uow, query, ANONYMOUS)["economicEvent"]["triggers"] == []
    anonymous = run(uow, '{ agent(id: "shop") { economicEventsAsReceiver { edges { node { id } } } } }', ANONYMOUS)
    seen = {n["id"] for n in nodes(anonymous["agent"]["economicEventsAsReceiver"])}
    assert workshop["painted"] not in seen and workshop["worked"] not in seen and workshop["produced"] in seen
