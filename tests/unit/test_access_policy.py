"""The access policy, as pure rules: who sees which record whole, redacted or not at all."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valueflows.domain import access
from valueflows.domain.access import (
    ANONYMOUS,
    HIDDEN,
    OPERATOR,
    WHOLE,
    Principal,
    Reader,
    Scope,
    Shown,
    View,
    redacted,
)
from valueflows.domain.model import EconomicClaim, EconomicEvent
from valueflows.domain.quantities import Measure

T = datetime(2026, 3, 2, 17, tzinfo=UTC)
PERSONS = {"ana", "bruno"}
LICENCE = "https://example.org/licences/copyfair"


def reader(agent: str | None = None, scope: Scope | None = Scope.READ, member_of: set[str] = frozenset(),
           published: set[str] = frozenset()) -> Reader:
    principal = Principal(agent, scope) if agent or scope is Scope.ADMIN else ANONYMOUS
    return Reader(principal, frozenset(member_of), frozenset(published), frozenset({LICENCE}))


def event(action: str = "work", provider: str = "ana", receiver: str = "coop", **fields: object) -> EconomicEvent:
    if action == "work":
        fields.setdefault("effort_quantity", Measure(Decimal(3), "hour"))
    else:
        fields.setdefault("resource_quantity", Measure(Decimal(3), "kilogram"))
        fields.setdefault("resource_inventoried_as", "stock")
    return EconomicEvent(str(fields.pop("id", "e1")), action, provider, receiver, has_point_in_time=T,
                         **fields)  # type: ignore[arg-type]


def view(r: Reader, e: EconomicEvent, licensed: bool = False) -> View:
    return access.event_view(r, e, PERSONS, licensed)


def test_a_persons_work_is_for_the_person_the_coops_members_and_admins() -> None:
    work = event()
    assert view(reader(), work) == HIDDEN
    assert view(reader("other"), work) == HIDDEN
    assert view(reader("ana"), work) == WHOLE
    assert view(reader("bruno", member_of={"coop"}), work) == WHOLE
    assert view(reader("coop"), work) == WHOLE  # the organization's own token
    assert view(reader(scope=Scope.ADMIN), work) == WHOLE


def test_an_organization_that_publishes_shows_its_members_work_to_everyone() -> None:
    assert view(reader(published={"coop"}), event()) == WHOLE
    assert view(reader(published={"elsewhere"}), event()) == HIDDEN


def test_work_in_scope_of_an_organization_is_for_that_organizations_members() -> None:
    work = event(receiver="bruno", in_scope_of=("coop",))
    assert view(reader("chloe", member_of={"coop"}), work) == WHOLE
    assert view(reader(), work) == HIDDEN


def test_what_moves_a_resource_is_public_with_its_note_withheld() -> None:
    gift = event("transfer", note="my offcuts", to_resource_inventoried_as="coop-stock")
    assert view(reader(), gift) == redacted("note")
    assert view(reader("bruno", member_of={"coop"}), gift) == WHOLE
    assert access.shown(gift, redacted("note")).note is None


def test_flows_between_organizations_are_public() -> None:
    sale = event("transfer", provider="coop", receiver="bigco", note="three drills")
    assert view(reader(), sale) == WHOLE
    assert view(reader(), event("cite", provider="coop", receiver="coop", resource_quantity=None)) == WHOLE


def test_what_a_person_receives_is_for_that_person_and_admins() -> None:
    service = event("deliverService", provider="coop", receiver="ana", resource_quantity=None,
                    resource_inventoried_as=None)
    assert view(reader("bruno", member_of={"coop"}), service) == HIDDEN
    assert view(reader(published={"coop"}), service) == HIDDEN
    assert view(reader("ana"), service) == WHOLE


def test_flows_under_a_licence_are_for_the_user_the_steward_and_admins() -> None:
    use = event("cite", provider="coop", receiver="bigco", resource_quantity=Measure(Decimal(1), "one"))
    assert view(reader(), use, licensed=True) == HIDDEN
    assert view(reader("bruno", member_of={"coop"}), use, licensed=True) == HIDDEN
    assert view(reader("bigco"), use, licensed=True) == WHOLE
    payment = event("transfer", provider="bigco", receiver="coop", agreed_in=LICENCE, note="towards Q3")
    views = access.event_views(reader(), {payment.id: payment}, PERSONS, ())
    assert views[payment.id] == redacted("agreedIn", "note", "triggeredBy")
    shown = access.shown(payment, views[payment.id])
    assert (shown.agreed_in, shown.note, shown.resource_quantity) == (None, None, payment.resource_quantity)


def test_a_correction_chain_is_shown_as_its_strictest_event() -> None:
    first = event("work", provider="coop", receiver="coop", id="a")  # an organization's own work: public
    fixed = event("work", provider="ana", receiver="coop", id="b", corrects="a")  # a person's: private
    views = access.event_views(reader(), {"a": first, "b": fixed}, PERSONS, ())
    assert views == {"a": HIDDEN, "b": HIDDEN}
    views = access.event_views(reader("ana"), {"a": first, "b": fixed}, PERSONS, ())
    assert views == {"a": WHOLE, "b": WHOLE}


def test_a_reference_to_a_hidden_record_is_withheld() -> None:
    assert access.with_references(WHOLE, {"triggeredBy": HIDDEN}) == redacted("triggeredBy")
    assert access.with_references(WHOLE, {"triggeredBy": WHOLE}) == WHOLE
    assert access.with_references(HIDDEN, {"triggeredBy": HIDDEN}) == HIDDEN


def test_claims_are_for_who_owes_who_is_owed_and_admins() -> None:
    claim = EconomicClaim("c", "transfer", "coop", "ana", T)
    assert access.claim_view(reader(), claim) == HIDDEN
    assert access.claim_view(reader("bruno", member_of={"coop"}), claim) == HIDDEN
    assert access.claim_view(reader("ana"), claim) == WHOLE
    assert access.claim_view(reader("coop"), claim) == WHOLE
    assert access.claim_view(Reader(OPERATOR), claim) == WHOLE


def test_a_run_shows_its_totals_to_members_and_everything_to_the_treasurer() -> None:
    assert access.run_view(reader(), "coop") == HIDDEN
    assert access.run_view(reader("other"), "coop") == HIDDEN
    member = access.run_view(reader("ana", member_of={"coop"}), "coop")
    assert member.shown is Shown.REDACTED and member.withheld == {"allocations", "excluded", "claims", "adjustments"}
    assert access.run_view(reader(scope=Scope.ADMIN), "coop") == WHOLE
    assert access.run_view(reader(published={"coop"}), "coop") == HIDDEN  # money is never published


def test_statements_and_obligations() -> None:
    assert access.statement_view(reader("ana"), "ana", "coop") == WHOLE
    assert access.statement_view(reader("bruno", member_of={"coop"}), "ana", "coop") == HIDDEN
    assert access.obligations_view(reader("bigco"), "bigco", "coop") == WHOLE
    assert access.obligations_view(reader("ana", member_of={"coop"}), "bigco", "coop") == HIDDEN
    with pytest.raises(access.Unauthenticated):
        access.obligations_asked(reader(), "bigco", None)
    # a steward asking about a user sees what that user owes to it
    assert access.obligations_asked(reader("coop"), "bigco", None) == ("bigco", "coop")
    with pytest.raises(access.Forbidden):
        access.obligations_asked(reader("ana"), None, "coop")


def test_public_kinds() -> None:
    for kind in ("agent", "membership", "economic_resource", "process", "unit", "value_equation"):
        assert access.public_kind(kind)
    for kind in ("economic_event", "claim", "dividend_run", "dividend_allocation"):
        assert not access.public_kind(kind)


views = st.sampled_from([WHOLE, HIDDEN, redacted("note"), redacted("agreedIn", "note")])


@given(st.lists(views, min_size=1, max_size=5))
def test_strictest_never_shows_more_than_any_part(parts: list[View]) -> None:
    combined = access.strictest(parts)
    assert combined.visible == all(v.visible for v in parts)
    if combined.visible:
        assert combined.withheld == frozenset().union(*(v.withheld for v in parts))


@given(action=st.sampled_from(["work", "transfer", "cite", "deliverService", "consume", "produce"]),
       provider=st.sampled_from(["ana", "bruno", "coop", "bigco"]),
       receiver=st.sampled_from(["ana", "coop", "bigco"]),
       who=st.sampled_from([None, "ana", "bruno", "coop", "bigco", "other"]),
       member=st.booleans(), published=st.booleans(), licensed=st.booleans())
def test_admins_and_parties_see_every_flow_whole_and_nobody_else_sees_more_than_them(
        action: str, provider: str, receiver: str, who: str | None, member: bool, published: bool,
        licensed: bool) -> None:
    e = event(action, provider, receiver)
    asking = reader(who, member_of={"coop"} if member else set(), published={"coop"} if published else set())
    got = view(asking, e, licensed)
    assert view(reader(scope=Scope.ADMIN), e, licensed) == WHOLE
    assert view(reader(provider), e, licensed) == WHOLE
    if who not in (provider, receiver) and got.visible and licensed:
        assert got.withheld  # never whole to a third party
    if access.moves_resources(action):
        assert got.visible  # a resource's history is public
