"""vf-graphql 0.9's filtering and ordering parameters of the planning modules (intents, commitments, a process's
flows, a plan's processes), and ours: `near` (within a radius of a point). Each turns into a predicate of
`service/filters.py`, applied as a window or a list is read through the access policy."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import ID

from valueflows.api.gql.context import Info
from valueflows.api.gql.scalars import URI, Decimal
from valueflows.service import filters, proposals
from valueflows.service.filters import Keep


def _ids(values: list[ID] | list[URI] | None) -> list[str] | None:
    return [str(v) for v in values] if values is not None else None


@strawberry.input(name="NearParams", description="Within a radius of a point (ours).")
class NearParams:
    lat: Decimal = strawberry.field(description="Latitude, in degrees.")
    long: Decimal = strawberry.field(description="Longitude, in degrees.")
    radius_km: Decimal = strawberry.field(description="The radius, in kilometres.")

    def places(self, info: Info) -> frozenset[str]:
        """The places within the radius."""
        return proposals.places_near(info.context.uow, self.lat, self.long, self.radius_km)


@strawberry.input(name="FlowFilterFields")
class _FlowFilter:
    """What 0.9's intent, commitment and process flow filters share (a base, not in the schema)."""

    search_string: str | None = None
    provider_id: list[ID] | None = None
    receiver_id: list[ID] | None = None
    resource_classified_as: list[URI] | None = None
    action: list[ID] | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None

    def keep(self, info: Info, **more: Any) -> Keep:
        return filters.flows(search=self.search_string, providers=_ids(self.provider_id),
                             receivers=_ids(self.receiver_id), classified_as=_ids(self.resource_classified_as),
                             actions=_ids(self.action), start=self.start_date, end=self.end_date, **more)


@strawberry.input(name="PlanningFilterFields")
class _PlanningFilter(_FlowFilter):
    resource_conforms_to: list[ID] | None = None
    finished: bool | None = None
    in_scope_of: list[ID] | None = None
    near: NearParams | None = strawberry.field(default=None, description="Where it is to happen: within a radius "
                                                                         "of a point (ours).")

    def keep(self, info: Info, **more: Any) -> Keep:
        return super().keep(info, conforms_to=_ids(self.resource_conforms_to), finished=self.finished,
                            in_scope_of=_ids(self.in_scope_of),
                            places=self.near.places(info) if self.near is not None else None)


@strawberry.input(name="IntentFilterParams")
class IntentFilterParams(_PlanningFilter):
    pass


@strawberry.input(name="CommitmentFilterParams")
class CommitmentFilterParams(_PlanningFilter):
    pass


@strawberry.input(name="ProcessCommitmentFilterParams")
class ProcessCommitmentFilterParams(_FlowFilter):
    pass


@strawberry.input(name="ProcessIntentFilterParams")
class ProcessIntentFilterParams(_FlowFilter):
    pass


@strawberry.input(name="ProcessEventFilterParams")
class ProcessEventFilterParams(_FlowFilter):
    pass


@strawberry.input(name="PlanProcessFilterParams")
class PlanProcessFilterParams:
    search_string: str | None = None
    after: datetime | None = strawberry.field(default=None, description="Began at or after.")
    before: datetime | None = strawberry.field(default=None, description="Ended at or before.")
    finished: bool | None = None

    def keep(self) -> Keep:
        return filters.processes(self.search_string, self.finished, start=self.after, end=self.before)


def kept(records: list[Any], keep: Keep) -> list[Any]:
    return records if keep is None else [r for r in records if keep(r)]


@strawberry.enum(name="Sort", description="An ordering (0.9's ordering module; lists are in id or ledger order).")
class Sort(Enum):
    asc = "asc"
    desc = "desc"


