"""ActivityStreams documents: actors, WebFinger answers, outboxes and their activities, as the fediverse (Mastodon
first) reads them. Each record an activity carries is our ValueFlows JSON-LD, with our context of its own so its
terms never mix with the ActivityStreams ones around it."""

from __future__ import annotations

from typing import Any

from valueflows.linkeddata import rdf
from valueflows.service.federation import AS, Actor, OutboxItem, OutboxPage
from valueflows.service.trading import TRADE_CONTEXT

SECURITY = "https://w3id.org/security/v1"
PUBLIC = AS + "#Public"
ACTIVITY_JSON = "application/activity+json"
JRD_JSON = "application/jrd+json"
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"
# Two actor properties the fediverse reads that ActivityStreams' context lacks, named as Mastodon names them.
MASTODON_TERMS = {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "toot": "http://joinmastodon.org/ns#",
                  "discoverable": "toot:discoverable"}


def actor_id(base: str, name: str) -> str:
    return f"{base}/actors/{name}"


def _page_url(base: str, actor: Actor) -> str:
    """Where a person reads about the actor: the node's home page, an organization's page."""
    return f"{base}/agents/{actor.name}" if actor.agent is not None else f"{base}/"


def actor_document(actor: Actor, base: str) -> dict[str, Any]:
    me = actor_id(base, actor.name)
    document: dict[str, Any] = {
        "@context": [AS, SECURITY, MASTODON_TERMS],
        "id": me,
        "type": "Application" if actor.agent is None else actor.agent.type.value,  # Person, Organization
        "preferredUsername": actor.name,
        "name": actor.display_name,
        "url": _page_url(base, actor),
        "inbox": f"{me}/inbox",
        "outbox": f"{me}/outbox",
        "followers": f"{me}/followers",
        "following": f"{me}/following",
        "endpoints": {"sharedInbox": f"{base}/inbox"},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": f"{me}#main-key", "owner": me, "publicKeyPem": actor.public_pem},
    }
    if actor.agent is not None and actor.agent.note:
        document["summary"] = actor.agent.note
    return document


def webfinger(actor: Actor, base: str, host: str) -> dict[str, Any]:
    me = actor_id(base, actor.name)
    return {
        "subject": f"acct:{actor.name}@{host}",
        "aliases": [me, _page_url(base, actor)],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": me},
            {"rel": PROFILE_PAGE, "type": "text/html", "href": _page_url(base, actor)},
        ],
    }


def activity(actor: Actor, item: OutboxItem, base: str) -> dict[str, Any]:
    """What the actor did: Create (or Update) a record, public, addressed to its followers too."""
    me = actor_id(base, actor.name)
    return {
        "id": f"{me}/activities/{item.seq}",
        "type": item.verb,
        "actor": me,
        "published": item.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "to": [PUBLIC],
        "cc": [f"{me}/followers"],
        "object": _object(actor, item, base),
    }


def _object(actor: Actor, item: OutboxItem, base: str) -> dict[str, Any]:
    """The record, as our JSON-LD; a proposal as FEP-0837 publishes one: with the intent it `publishes`, what it
    asks or gives in return (`reciprocal`), its purpose and its audience."""
    node = rdf.jsonld_node(item.kind, item.record, base)
    if item.kind == "agreement":  # with its public terms, as FEP-0837 describes an agreement's commitments
        node["stipulates"] = [rdf.jsonld_node("commitment", c, base) for c in item.clauses]
        return {"@context": [f"{base}/context.jsonld", TRADE_CONTEXT], **node}
    if item.kind != "proposal":
        return {"@context": f"{base}/context.jsonld", **node}

    def one(intents: tuple[Any, ...]) -> Any:
        found = [rdf.jsonld_node("intent", i, base) for i in intents]
        return found[0] if len(found) == 1 else found

    node.update({"attributedTo": actor_id(base, actor.name), "to": [PUBLIC],
                 "purpose": "offer" if any(i.provider for i in item.publishes) else "request",
                 "unitBased": item.record.unit_based, "publishes": one(item.publishes)})
    if item.reciprocal:
        node["reciprocal"] = one(item.reciprocal)
    return {"@context": [AS, f"{base}/context.jsonld", TRADE_CONTEXT], **node}


def outbox_collection(actor: Actor, base: str) -> dict[str, Any]:
    me = actor_id(base, actor.name)
    return {"@context": AS, "id": f"{me}/outbox", "type": "OrderedCollection", "first": f"{me}/outbox?page=true"}


def outbox_page(actor: Actor, page: OutboxPage, base: str, before: int | None) -> dict[str, Any]:
    me = actor_id(base, actor.name)
    here = f"{me}/outbox?page=true" + (f"&before={before}" if before is not None else "")
    document: dict[str, Any] = {
        "@context": AS, "id": here, "type": "OrderedCollectionPage", "partOf": f"{me}/outbox",
        "orderedItems": [activity(actor, item, base) for item in page.items],
    }
    if page.next_before is not None:
        document["next"] = f"{me}/outbox?page=true&before={page.next_before}"
    return document


def empty_collection(url: str) -> dict[str, Any]:
    """A collection this node keeps empty for now (followers and following before following is built)."""
    return {"@context": AS, "id": url, "type": "OrderedCollection", "totalItems": 0, "orderedItems": []}
