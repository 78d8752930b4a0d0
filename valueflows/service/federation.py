"""Federation use cases: the actors this node speaks for, their keys, and what their outboxes publish.

The actors are the node itself (`node`) and each of its organizations (persons are not actors: opting in is not
built yet). Each has an RSA-2048 key pair, made by `valueflows init` and `valueflows serve` for every actor that
has none, else the first time the node speaks for it; the private key never leaves the store. An outbox lists,
newest first, the public records that concern the actor (the events it took part in, the resources it is
accountable for; every one of them for the node): public as the access policy shows them to an anonymous reader,
whoever asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.exc import IntegrityError

from valueflows.domain import access
from valueflows.domain.errors import NotFound
from valueflows.domain.model import PUBLISHES_AS_ACTOR, Agent, AgentType, is_actor
from valueflows.service.reading import Reading
from valueflows.store.ports import ActorKey, UnitOfWork
from valueflows.store.ports import Published as ChainEntry

NODE = "node"  # the node's own actor
AS = "https://www.w3.org/ns/activitystreams"
KEY_BITS = 2048
MAX_OUTBOX_PAGE = 50
_SCAN = 4  # an outbox page reads at most this many times its size of chain records to fill itself


class PeerError(Exception):
    """Another node could not be reached, or answered with something we cannot use."""


@dataclass(frozen=True)
class Signer:
    key_id: str  # the actor's key URL: <actor>#main-key
    private_pem: str


class Peers(Protocol):
    """Other nodes, over HTTP (`federation.client.HttpPeers`; tests may give another)."""

    def fetch(self, url: str, signer: Signer | None) -> dict[str, Any]: ...
    def post(self, inbox: str, body: bytes, signer: Signer) -> int: ...


@dataclass(frozen=True)
class Actor:
    name: str  # NODE, or the organization's id: the actor's preferredUsername and WebFinger account
    agent: Agent | None  # None for the node
    public_pem: str

    @property
    def display_name(self) -> str:
        return self.agent.name if self.agent is not None else "valueflows node"


@dataclass(frozen=True)
class OutboxItem:
    """A public record as an outbox publishes it: Create for its first chain record, Update for a later one."""

    seq: int
    verb: str  # "Create" | "Update"
    kind: str
    record: Any  # as an anonymous reader is shown it
    at: datetime
    publishes: tuple[Any, ...] = ()  # a proposal's primary intents
    reciprocal: tuple[Any, ...] = ()  # and its reciprocal ones
    clauses: tuple[Any, ...] = ()  # an agreement's commitments that anyone may see whole (its public terms)


@dataclass(frozen=True)
class OutboxPage:
    items: list[OutboxItem]
    next_before: int | None  # the cursor of the next (older) page, if there may be one


def new_key_pair() -> tuple[str, str]:
    """(public PEM as SubjectPublicKeyInfo, private PEM as unencrypted PKCS#8)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode("ascii")
    return public_pem, private_pem


def ensure_keys(uow: UnitOfWork) -> list[str]:
    """A key pair for the node and for every organization that has none (an operator's step: `init`, `serve`);
    the actors given one, in one transaction."""
    access.require_admin(uow.principal, "making federation keys")
    with uow.read() as tx:
        have = tx.actor_keys.actors()
        wanted = [NODE, *sorted(a.id for a in tx.records("agent").stream() if is_actor(a))]
    missing = [name for name in wanted if name not in have]
    if missing:
        made = [(name, *new_key_pair()) for name in missing]  # outside the transaction: it takes a while
        with uow.write() as tx:
            for name, public_pem, private_pem in made:
                if tx.actor_keys.get(name) is None:
                    tx.actor_keys.add(ActorKey(name, public_pem, private_pem, tx.now))
    return missing


def _key(uow: UnitOfWork, name: str) -> ActorKey:
    """The actor's key pair, made now if it has none (an organization added since the node started)."""
    with uow.read() as tx:
        found = tx.actor_keys.get(name)
    if found is not None:
        return found
    public_pem, private_pem = new_key_pair()
    try:
        with uow.write() as tx:
            if tx.actor_keys.get(name) is None:
                tx.actor_keys.add(ActorKey(name, public_pem, private_pem, tx.now))
    except IntegrityError:  # another request made it first: theirs stands
        pass
    with uow.read() as tx:
        made = tx.actor_keys.get(name)
    assert made is not None, "a key pair was just stored"
    return made


def linked(value: Any) -> str | None:
    """The IRI a JSON-LD value names: itself when a string, its `id` when a node (None for anything else)."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def local_id(base: str, kind: str, iri: Any) -> str | None:
    """The id of our record of `kind` at `iri` (a string or a node naming it); None: not one of ours."""
    from valueflows.linkeddata import rdf

    iri = linked(iri)
    prefix = rdf.iri(base, kind, "x")[:-1]
    if iri is None or not iri.startswith(prefix) or "/" in iri[len(prefix):]:
        return None
    return iri[len(prefix):]


def actor_url(base: str, name: str) -> str:
    return f"{base}/actors/{name}"


def signer(uow: UnitOfWork, base: str, name: str) -> Signer:
    """What signs the requests one of our actors makes."""
    return Signer(actor_url(base, name) + "#main-key", _key(uow, name).private_pem)


def local_name(base: str, url: str) -> str | None:
    """The name of our actor at `url` (None when it is not one of ours)."""
    prefix = base + "/actors/"
    if not url.startswith(prefix) or "/" in url[len(prefix):] or "#" in url[len(prefix):]:
        return None
    return url[len(prefix):]


PUBLIC_URL = "public_url"


def public_url(uow: UnitOfWork) -> str:
    """Where other nodes reach this one (set by `valueflows serve --public-url`, else its host and port)."""
    with uow.read() as tx:
        found = tx.federation.setting(PUBLIC_URL)
    if found is None:
        raise NotFound("this node has no public URL yet: start it once with `valueflows serve` (--public-url URL "
                       "when other nodes reach it by another name than its host and port)")
    return found


def set_public_url(uow: UnitOfWork, url: str) -> None:
    access.require_admin(uow.principal, "setting the node's public URL")
    with uow.write() as tx:
        tx.federation.set_setting(PUBLIC_URL, url.rstrip("/"))


def actor(uow: UnitOfWork, name: str) -> Actor:
    """The actor named `name` (NODE, or an organization's id); NotFound for anything else."""
    if name == NODE:
        return Actor(NODE, None, _key(uow, NODE).public_pem)
    with uow.read() as tx:
        agent = tx.agents.get(name)
    if agent is None or not is_actor(agent):
        raise NotFound(f"no actor {name!r} on this node: its actors are the node, its organizations and the persons "
                       "who chose to be")
    return Actor(name, agent, _key(uow, name).public_pem)


def publish_as_actor(uow: UnitOfWork, person: str, publish: bool = True) -> str | None:
    """A person chooses to be an actor of this node (`publish`), or to stop: its own token, or an admin. Recorded as
    a new version of its facts (classified vfl:PublishesAsActor), so the choice and its date stay in the chain. An
    actor publishes what the access policy shows anyone of the person's records, no more. The actor's URL, or
    None when it stopped."""
    from valueflows.service import records  # deferred: records' use cases are not federation's to load

    with uow.read() as tx:
        found = tx.agents.get(person)
    if found is None or found.type is not AgentType.PERSON:
        raise NotFound(f"no person with id {person!r} (organizations are actors already)")
    kept = tuple(c for c in found.classified_as if c != PUBLISHES_AS_ACTOR)
    wanted = (*kept, PUBLISHES_AS_ACTOR) if publish else kept
    if wanted != found.classified_as:
        records.revise_agent(uow, person, {"classified_as": wanted}, kind=AgentType.PERSON)
    if not publish:
        return None
    _key(uow, person)
    return person


def warm(public: Reading, found: list[ChainEntry]) -> None:
    """Read the records of these chain entries a kind at a time, and judge their events together: `public_item`
    then finds each in the reading's memory instead of asking the store once per entry."""
    kinds: dict[str, list[str]] = {}
    for entry in found:
        kinds.setdefault(entry.kind, []).append(entry.record_id)
    for kind, ids in kinds.items():
        shown = public.get_many(kind, ids)  # an event's view is remembered with it
        if kind == "proposed_intent":
            public.get_many("proposal", [p.published_in for p in shown])
        if kind == "commitment":
            public.get_many("agreement", [c.clause_of for c in shown if c.clause_of])


def public_item(public: Reading, found: ChainEntry, agent: str | None = None) -> OutboxItem | None:
    """A chain record as an outbox publishes it: None unless an anonymous reader is shown its record whole. A
    proposal is published with the intents it publishes (once it publishes one), and again as each is added; an
    agreement with its public terms (the commitments that are its clauses, those anyone may see whole), and again
    as each is added. In the outbox of `agent` (None: the node's), an agreement goes out only if one of its public
    terms names it: a clause anyone may not see does not tell who is party to what."""
    kind, record_id, verb = found.kind, found.record_id, "Create" if found.first else "Update"
    if kind in ("proposed_intent", "commitment"):
        part = public.get(kind, record_id)
        if part is None or public.view(kind, part).shown is not access.Shown.WHOLE:
            return None
        of = part.published_in if kind == "proposed_intent" else part.clause_of
        if of is None:
            return None
        kind, record_id, verb = ("proposal" if kind == "proposed_intent" else "agreement"), of, "Update"
    record = public.get(kind, record_id)
    if record is None or public.view(kind, record).shown is not access.Shown.WHOLE:
        return None
    if kind == "agreement":
        clauses = tuple(c for c in public.where("commitment", clause_of=record.id)
                        if public.view("commitment", c).shown is access.Shown.WHOLE)
        if agent is not None and not any(agent in (c.provider, c.receiver) for c in clauses):
            return None
        return OutboxItem(found.seq, verb, kind, record, found.recorded_at, clauses=clauses)
    if kind != "proposal":
        return OutboxItem(found.seq, verb, kind, record, found.recorded_at)
    parts = public.where("proposed_intent", published_in=record.id)
    primary = public.get_many("intent", [p.publishes for p in parts if not p.reciprocal])
    if not primary:
        return None  # nothing to answer yet
    return OutboxItem(found.seq, verb, kind, record, found.recorded_at, tuple(primary),
                      tuple(public.get_many("intent", [p.publishes for p in parts if p.reciprocal])))


def outbox(uow: UnitOfWork, name: str, before: int | None = None, limit: int = 20) -> OutboxPage:
    """A page of what the actor publishes, newest first, older than the chain position `before`."""
    actor(uow, name)  # NotFound for what is not an actor
    limit = max(1, min(limit, MAX_OUTBOX_PAGE))
    public = Reading(uow.acting_as(access.ANONYMOUS))
    agent = None if name == NODE else name
    items: list[OutboxItem] = []
    cursor = before
    for _ in range(_SCAN):  # private records are skipped: read on until the page is full, within bounds
        with uow.read() as tx:
            found = tx.chain.published(agent, cursor, limit)
        warm(public, found)
        for p in found:
            cursor = p.seq
            item = public_item(public, p, agent)
            if item is not None:
                items.append(item)
                if len(items) == limit:
                    return OutboxPage(items, cursor)
        if len(found) < limit:  # the chain has nothing older
            return OutboxPage(items, None)
    return OutboxPage(items, cursor)  # a short page (much was private), with where to go on
