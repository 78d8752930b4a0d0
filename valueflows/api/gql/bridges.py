"""What the planning modules add to the observation types (vf-graphql's "bridging" schemas), in the main API:
an agent's intents, commitments and plans; a process's committed and intended inputs and outputs and the plan it
is planned within; what an event fulfils, satisfies and realizes; the commitments and intents about a resource,
a specification or a stage.

Each is a mixin the observation type inherits (`class Agent(AgentPlanning)`), so `types.py` stays the observation
half. The planning types are named lazily and imported when a field is resolved: `planning.py` imports `types.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import ID, Private

from valueflows.api.gql.connections import Connection, by_id, connection, sliced
from valueflows.api.gql.context import Info
from valueflows.api.gql.filtering import ProcessCommitmentFilterParams, ProcessIntentFilterParams, kept
from valueflows.api.gql.versions import MAIN, only
from valueflows.service import paging, proposals, relations

if TYPE_CHECKING:
    from valueflows.api.gql.claims import Claim, Settlement
    from valueflows.api.gql.planning import Agreement, Commitment, Fulfillment, Intent, Plan, Satisfaction
    from valueflows.api.gql.proposals import Proposal
    from valueflows.api.gql.recipes import RecipeFlow, RecipeProcess
    from valueflows.api.gql.scenarios import Appreciation, Scenario

MAIN_ONLY = only(MAIN)
PLANNING = "valueflows.api.gql.planning"
LazyIntent = Annotated["Intent", strawberry.lazy(PLANNING)]
LazyCommitment = Annotated["Commitment", strawberry.lazy(PLANNING)]
LazyPlan = Annotated["Plan", strawberry.lazy(PLANNING)]
LazyFulfillment = Annotated["Fulfillment", strawberry.lazy(PLANNING)]
LazySatisfaction = Annotated["Satisfaction", strawberry.lazy(PLANNING)]
LazyAgreement = Annotated["Agreement", strawberry.lazy(PLANNING)]
LazyProposal = Annotated["Proposal", strawberry.lazy("valueflows.api.gql.proposals")]
LazyRecipeProcess = Annotated["RecipeProcess", strawberry.lazy("valueflows.api.gql.recipes")]
LazyRecipeFlow = Annotated["RecipeFlow", strawberry.lazy("valueflows.api.gql.recipes")]
LazyScenario = Annotated["Scenario", strawberry.lazy("valueflows.api.gql.scenarios")]
LazyAppreciation = Annotated["Appreciation", strawberry.lazy("valueflows.api.gql.scenarios")]
LazySettlement = Annotated["Settlement", strawberry.lazy("valueflows.api.gql.claims")]
LazyClaim = Annotated["Claim", strawberry.lazy("valueflows.api.gql.claims")]
Keep = Callable[[Any], bool] | None


def _planning() -> Any:
    from valueflows.api.gql import planning  # deferred: planning imports the observation types

    return planning


def _window(info: Info, kind: str, s: paging.Slice, keep: Keep = None, **equals: object) -> Any:
    wrap = _planning().Intent if kind == "intent" else _planning().Commitment
    return connection(info.context.reading.window(kind, s, keep, **equals), lambda x: wrap(r=x))


def _not_served(field: str) -> Any:
    from valueflows.api.gql import claims  # deferred: claims imports the observation types

    claims.not_served(field)


def _either(agent: str) -> Keep:
    return lambda f: agent in (f.provider, f.receiver)


def _in_scope(agent: str) -> Keep:
    return lambda f: agent in f.in_scope_of


@strawberry.input(name="AgentPlanFilterParams")
class AgentPlanFilterParams:
    search_string: str | None = None
    finished: bool | None = None


@strawberry.type(name="PlanningOfAgent")
class AgentPlanning:
    r: Private[Any]

    @strawberry.field(metadata=MAIN_ONLY, description="Not served: see `claims(filter: {providerId, receiverId})`.")
    def claims(self, first: int | None = None, after: str | None = None, last: int | None = None,
               before: str | None = None) -> Connection[LazyIntent] | None:
        return _not_served("claims")

    @strawberry.field(metadata=MAIN_ONLY, description="Not served: see `claims(filter: {providerId})`.")
    def claims_as_provider(self, first: int | None = None, after: str | None = None, last: int | None = None,
                           before: str | None = None) -> Connection[LazyIntent] | None:
        return _not_served("claimsAsProvider")

    @strawberry.field(metadata=MAIN_ONLY, description="Not served: see `claims(filter: {receiverId})`.")
    def claims_as_receiver(self, first: int | None = None, after: str | None = None, last: int | None = None,
                           before: str | None = None) -> Connection[LazyIntent] | None:
        return _not_served("claimsAsReceiver")

    @strawberry.field(metadata=MAIN_ONLY, description="Not served: see `claims(filter: {inScopeOf})`.")
    def claims_in_scope(self, first: int | None = None, after: str | None = None, last: int | None = None,
                        before: str | None = None) -> Connection[LazyIntent] | None:
        return _not_served("claimsInScope")

    @strawberry.field(metadata=MAIN_ONLY, description="Scenarios in its scope.")
    def scenarios_in_scope(self, info: Info, first: int | None = None, after: str | None = None,
                           last: int | None = None, before: str | None = None) -> Connection[LazyScenario] | None:
        from valueflows.api.gql import scenarios  # deferred: scenarios imports the observation types

        return scenarios.scenarios_in_scope(info, self.r.id, first, after, last, before)

    @strawberry.field(metadata=MAIN_ONLY, description="Intents it provides or receives.")
    def intents(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                before: str | None = None) -> Connection[LazyIntent] | None:
        return _window(info, "intent", sliced(first, after, last, before), _either(self.r.id))

    @strawberry.field(metadata=MAIN_ONLY, description="Its offers.")
    def intents_as_provider(self, info: Info, first: int | None = None, after: str | None = None,
                            last: int | None = None, before: str | None = None) -> Connection[LazyIntent] | None:
        return _window(info, "intent", sliced(first, after, last, before), provider=self.r.id)

    @strawberry.field(metadata=MAIN_ONLY, description="Its requests.")
    def intents_as_receiver(self, info: Info, first: int | None = None, after: str | None = None,
                            last: int | None = None, before: str | None = None) -> Connection[LazyIntent] | None:
        return _window(info, "intent", sliced(first, after, last, before), receiver=self.r.id)

    @strawberry.field(metadata=MAIN_ONLY)
    def intents_in_scope(self, info: Info, first: int | None = None, after: str | None = None,
                         last: int | None = None, before: str | None = None) -> Connection[LazyIntent] | None:
        return _window(info, "intent", sliced(first, after, last, before), _in_scope(self.r.id))

    @strawberry.field(metadata=MAIN_ONLY, description="Commitments it made or that were made to it.")
    def commitments(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                    before: str | None = None) -> Connection[LazyCommitment] | None:
        return _window(info, "commitment", sliced(first, after, last, before), _either(self.r.id))

    @strawberry.field(metadata=MAIN_ONLY)
    def commitments_as_provider(self, info: Info, first: int | None = None, after: str | None = None,
                                last: int | None = None, before: str | None = None
                                ) -> Connection[LazyCommitment] | None:
        return _window(info, "commitment", sliced(first, after, last, before), provider=self.r.id)

    @strawberry.field(metadata=MAIN_ONLY)
    def commitments_as_receiver(self, info: Info, first: int | None = None, after: str | None = None,
                                last: int | None = None, before: str | None = None
                                ) -> Connection[LazyCommitment] | None:
        return _window(info, "commitment", sliced(first, after, last, before), receiver=self.r.id)

    @strawberry.field(metadata=MAIN_ONLY)
    def commitments_in_scope(self, info: Info, first: int | None = None, after: str | None = None,
                             last: int | None = None, before: str | None = None) -> Connection[LazyCommitment] | None:
        return _window(info, "commitment", sliced(first, after, last, before), _in_scope(self.r.id))

    @strawberry.field(metadata=MAIN_ONLY, description="Plans in which it made or received a commitment.")
    def plans(self, info: Info, filter: AgentPlanFilterParams | None = None, first: int | None = None,
              after: str | None = None, last: int | None = None, before: str | None = None
              ) -> Connection[LazyPlan] | None:
        f = filter or AgentPlanFilterParams()
        found = relations.plans_of(info.context.reading, self.r.id, f.search_string)
        return connection(by_id(found, first, after, last, before), lambda x: _planning().Plan(r=x))


@strawberry.input(name="agentProposalSearchParams")
class AgentProposalSearchParams:
    search_string: str | None = strawberry.field(default=None, description="In the proposal's name or note.")


def _proposal_window(info: Info, keep: Keep, first: int | None, after: str | None, last: int | None,
                     before: str | None, **equals: object) -> Any:
    from valueflows.api.gql import proposals  # deferred: proposals imports the planning types

    window = info.context.reading.window("proposal", sliced(first, after, last, before), keep, **equals)
    return connection(window, lambda x: proposals.Proposal(r=x))


@strawberry.type(name="ProposalsOfAgent")
class AgentProposals:
    r: Private[Any]

    @strawberry.field(metadata=MAIN_ONLY, description="Proposals it published, or whose primary intents it "
                                                      "provides or receives.")
    def proposals(self, info: Info, filter: AgentProposalSearchParams | None = None, first: int | None = None,
                  after: str | None = None, last: int | None = None, before: str | None = None
                  ) -> Connection[LazyProposal] | None:
        text = ((filter.search_string if filter else None) or "").casefold()
        keep = proposals.of_agent(proposals.Proposals(info.context.reading, datetime.now(UTC)), self.r.id, text)
        return _proposal_window(info, keep, first, after, last, before)

    @strawberry.field(metadata=MAIN_ONLY)
    def proposals_in_scope(self, info: Info, first: int | None = None, after: str | None = None,
                           last: int | None = None, before: str | None = None) -> Connection[LazyProposal] | None:
        return _proposal_window(info, _in_scope(self.r.id), first, after, last, before)

    @strawberry.field(metadata=MAIN_ONLY, description="Proposals addressed to it.")
    def proposals_to(self, info: Info, first: int | None = None, after: str | None = None,
                     last: int | None = None, before: str | None = None) -> Connection[LazyProposal] | None:
        addressed = {p.proposed for p in info.context.reading.where("proposed_to", proposed_to=self.r.id)}
        return _proposal_window(info, lambda p: p.id in addressed, first, after, last, before)


@strawberry.type(name="PlanningOfProcess")
class ProcessPlanning:
    r: Private[Any]

    @strawberry.field(metadata=MAIN_ONLY, description="The scenario it is nested in.")
    def nested_in(self, info: Info) -> LazyScenario | None:
        from valueflows.api.gql import scenarios  # deferred: scenarios imports the observation types

        found = info.context.reading.get("scenario", self.r.nested_in)
        return scenarios.Scenario(r=found) if found is not None else None

    def _flows(self, info: Info, kind: str, side: str, action: ID | None,
               filter: ProcessCommitmentFilterParams | ProcessIntentFilterParams | None) -> list[Any]:
        found = info.context.reading.where(kind, **{side: self.r.id})
        found = [f for f in found if action is None or f.action == action]
        return kept(found, filter.keep(info) if filter is not None else None)

    @strawberry.field(metadata=MAIN_ONLY)
    def committed_inputs(self, info: Info, action: ID | None = None,
                         filter: ProcessCommitmentFilterParams | None = None) -> list[LazyCommitment] | None:
        return [_planning().Commitment(r=c) for c in self._flows(info, "commitment", "input_of", action, filter)]

    @strawberry.field(metadata=MAIN_ONLY)
    def committed_outputs(self, info: Info, action: ID | None = None,
                          filter: ProcessCommitmentFilterParams | None = None) -> list[LazyCommitment] | None:
        return [_planning().Commitment(r=c) for c in self._flows(info, "commitment", "output_of", action, filter)]

    @strawberry.field(metadata=MAIN_ONLY)
    def intended_inputs(self, info: Info, action: ID | None = None,
                        filter: ProcessIntentFilterParams | None = None) -> list[LazyIntent] | None:
        return [_planning().Intent(r=i) for i in self._flows(info, "intent", "input_of", action, filter)]

    @strawberry.field(metadata=MAIN_ONLY)
    def intended_outputs(self, info: Info, action: ID | None = None,
                         filter: ProcessIntentFilterParams | None = None) -> list[LazyIntent] | None:
        return [_planning().Intent(r=i) for i in self._flows(info, "intent", "output_of", action, filter)]

    @strawberry.field(metadata=MAIN_ONLY, description="The plan its commitments are planned within (the first "
                                                      "one, if they name several).")
    def planned_within(self, info: Info) -> LazyPlan | None:
        found = relations.plan_of_process(info.context.reading, self.r.id)
        return _planning().Plan(r=found) if found is not None else None


@strawberry.type(name="PlanningOfEvent")
class EventPlanning:
    r: Private[Any]

    def _appreciations(self, info: Info, side: str) -> list[Any]:
        from valueflows.api.gql import scenarios  # deferred: scenarios imports the observation types

        return [scenarios.Appreciation(r=a) for a in info.context.reading.where("appreciation", **{side: self.r.id})]

    @strawberry.field(metadata=MAIN_ONLY, description="The claims it settles, and by how much.")
    def settles(self, info: Info) -> list[LazySettlement] | None:
        from valueflows.api.gql import claims  # deferred: claims imports the observation types

        return [claims.Settlement(r=s) for s in info.context.reading.where("settlement", settled_by=self.r.id)]

    @strawberry.field(metadata=MAIN_ONLY, description="Appreciations of it (the events given in return).")
    def appreciation_of(self, info: Info) -> list[LazyAppreciation] | None:
        return self._appreciations(info, "appreciation_of")

    @strawberry.field(metadata=MAIN_ONLY, description="Appreciations it gives (the events it returns).")
    def appreciation_with(self, info: Info) -> list[LazyAppreciation] | None:
        return self._appreciations(info, "appreciation_with")

    @strawberry.field(metadata=MAIN_ONLY, description="The commitments it fulfils, and by how much.")
    def fulfills(self, info: Info) -> list[LazyFulfillment] | None:
        return [_planning().Fulfillment(r=f) for f in info.context.reading.where("fulfillment",
                                                                                  fulfilled_by=self.r.id)]

    @strawberry.field(metadata=MAIN_ONLY, description="The intents it satisfies, and by how much.")
    def satisfies(self, info: Info) -> list[LazySatisfaction] | None:
        return [_planning().Satisfaction(r=s) for s in info.context.reading.where("satisfaction",
                                                                                   satisfied_by=self.r.id)]

    @strawberry.field(name="realizationOf", metadata=MAIN_ONLY, description="The agreement it realizes.")
    def realization_of_agreement(self, info: Info) -> LazyAgreement | None:
        found = info.context.reading.get("agreement", self.r.realization_of)
        return _planning().Agreement(r=found) if found is not None else None


@strawberry.type(name="PlanningOfResource")
class ResourcePlanning:
    r: Private[Any]

    @strawberry.field(metadata=MAIN_ONLY, description="Commitments about this resource.")
    def commitments(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                    before: str | None = None) -> Connection[LazyCommitment] | None:
        return _window(info, "commitment", sliced(first, after, last, before), resource_inventoried_as=self.r.id)

    @strawberry.field(metadata=MAIN_ONLY, description="Intents about this resource.")
    def intents(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                before: str | None = None) -> Connection[LazyIntent] | None:
        return _window(info, "intent", sliced(first, after, last, before), resource_inventoried_as=self.r.id)


@strawberry.type(name="PlanningOfSpecification")
class SpecificationPlanning:
    r: Private[Any]

    @strawberry.field(metadata=MAIN_ONLY, description="Claims of resources of this kind the reader may see.")
    def claims(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
               before: str | None = None) -> Connection[LazyClaim] | None:
        from valueflows.api.gql import claims  # deferred: claims imports the observation types

        window = info.context.reading.window("claim", sliced(first, after, last, before),
                                             resource_conforms_to=self.r.id)
        return connection(window, lambda x: claims.Claim(r=x))

    @strawberry.field(metadata=MAIN_ONLY, description="Commitments of resources of this kind.")
    def commitments(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                    before: str | None = None) -> Connection[LazyCommitment] | None:
        return _window(info, "commitment", sliced(first, after, last, before), resource_conforms_to=self.r.id)

    @strawberry.field(metadata=MAIN_ONLY, description="Offers and requests of resources of this kind.")
    def intents(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                before: str | None = None) -> Connection[LazyIntent] | None:
        return _window(info, "intent", sliced(first, after, last, before), resource_conforms_to=self.r.id)


@strawberry.type(name="PlanningOfStage")
class StagePlanning:
    r: Private[Any]

    @strawberry.field(metadata=MAIN_ONLY, description="Commitments whose resource must be at this stage.")
    def commitments_requiring_stage(self, info: Info, first: int | None = None, after: str | None = None,
                                    last: int | None = None, before: str | None = None
                                    ) -> Connection[LazyCommitment] | None:
        return _window(info, "commitment", sliced(first, after, last, before), stage=self.r.id)

    @strawberry.field(metadata=MAIN_ONLY, description="Recipe steps that are of this kind of process.")
    def conforming_recipe_processes(self, info: Info, first: int | None = None, after: str | None = None,
                                    last: int | None = None, before: str | None = None
                                    ) -> Connection[LazyRecipeProcess] | None:
        from valueflows.api.gql import recipes  # deferred: recipes imports the observation types

        window = info.context.reading.window("recipe_process", sliced(first, after, last, before),
                                             process_conforms_to=self.r.id)
        return connection(window, lambda x: recipes.RecipeProcess(r=x))

    @strawberry.field(metadata=MAIN_ONLY, description="Recipe flows whose resource must be at this stage.")
    def recipe_flows_requiring_stage(self, info: Info, first: int | None = None, after: str | None = None,
                                     last: int | None = None, before: str | None = None
                                     ) -> Connection[LazyRecipeFlow] | None:
        from valueflows.api.gql import recipes

        window = info.context.reading.window("recipe_flow", sliced(first, after, last, before), stage=self.r.id)
        return connection(window, lambda x: recipes.RecipeFlow(r=x))

