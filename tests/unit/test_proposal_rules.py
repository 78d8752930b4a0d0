"""The rules of proposals and places, in the pure core."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from valueflows.domain.errors import RuleViolation
from valueflows.domain.planning import Intent
from valueflows.domain.proposals import (
    Proposal,
    ProposalContext,
    ProposalInput,
    Publication,
    SpatialThingInput,
    check_proposal,
    check_proposed_intent,
    check_spatial_thing,
    is_offer,
    is_request,
    kept_revision,
    revised_proposal,
)

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def codes(error: pytest.ExceptionInfo[RuleViolation]) -> dict[str, str]:
    return {p.field: p.code for p in error.value.problems}


def test_a_place_is_a_name_and_a_point_in_degrees() -> None:
    place = check_spatial_thing(SpatialThingInput("Farm", lat="-33.8688", long="151.2093", alt="-12.5"), "p1")
    assert (place.id, place.lat, place.long, place.alt) == ("p1", Decimal("-33.8688"), Decimal("151.2093"),
                                                           Decimal("-12.5"))
    assert check_spatial_thing(SpatialThingInput("Edge", lat="90", long="-180"), "p2").long == Decimal(-180)
    with pytest.raises(RuleViolation) as bad:
        check_spatial_thing(SpatialThingInput("", lat="90.0001", alt=1.5, id="bad id"), "p3", taken={"p3"})
    assert codes(bad) == {"name": "required", "lat": "out_of_range", "alt": "not_decimal", "long": "required",
                          "id": "bad_id"}
    with pytest.raises(RuleViolation) as taken:
        check_spatial_thing(SpatialThingInput("x", id="here"), "p4", taken={"here"})
    assert codes(taken) == {"id": "duplicate_id"}


def test_a_proposal_is_checked_whole_and_a_revision_keeps_its_origin() -> None:
    ctx = ProposalContext(agents={"atelier"}, places={"workshop"})
    made = check_proposal(ProposalInput("Drills", in_scope_of=("atelier",), eligible_location="workshop",
                                        has_end=datetime(2027, 1, 1, tzinfo=UTC)), ctx, "pr1", NOW, "atelier")
    assert (made.proposed_by, made.created, made.active(NOW)) == ("atelier", NOW, True)
    assert not made.active(datetime(2027, 1, 1, tzinfo=UTC))  # the end is not included
    with pytest.raises(RuleViolation) as bad:
        check_proposal(ProposalInput(has_beginning=datetime(2027, 1, 1, tzinfo=UTC), has_end=datetime(2026, 1, 1),
                                     in_scope_of=("ghost",), eligible_location="moon"), ctx, "pr2", NOW, None)
    assert codes(bad) == {"hasEnd": "no_timezone", "inScopeOf[0]": "unknown_scope",
                          "eligibleLocation": "unknown_spatial_thing"}
    later = datetime(2027, 2, 1, tzinfo=UTC)
    request = revised_proposal(made, {"name": "Drills 2027", "unit_based": True, "note": None})
    revised = kept_revision(check_proposal(request, ctx, made.id, later, "someone-else"), made)
    assert (revised.name, revised.unit_based, revised.eligible_location) == ("Drills 2027", True, "workshop")
    assert (revised.created, revised.proposed_by) == (NOW, "atelier")


def test_an_intent_is_published_once_per_proposal() -> None:
    proposal = Proposal("pr1", "Drills")
    published = check_proposed_intent(proposal, "i1", True, False, Publication(), "pi1")
    assert (published.published_in, published.publishes, published.reciprocal) == ("pr1", "i1", False)
    with pytest.raises(RuleViolation) as twice:
        check_proposed_intent(proposal, "i1", True, True, Publication({"i1": False}), "pi2")
    assert codes(twice) == {"publishes": "already_published"}
    with pytest.raises(RuleViolation) as nothing:
        check_proposed_intent(None, "i9", False, False, Publication(), "pi3")
    assert codes(nothing) == {"publishedIn": "unknown_proposal", "publishes": "unknown_intent"}


def test_offers_and_requests_are_told_apart_by_their_primary_intents() -> None:
    offer = Intent("i1", "transfer", provider="atelier")
    request = Intent("i2", "transfer", receiver="farm")
    exchange = Intent("i3", "transfer", provider="atelier", receiver="farm")
    assert (is_offer([offer]), is_request([offer])) == (True, False)
    assert (is_offer([request]), is_request([request])) == (False, True)
    assert (is_offer([exchange]), is_request([exchange])) == (False, False)
    assert is_offer([offer, request]) and is_request([offer, request])
