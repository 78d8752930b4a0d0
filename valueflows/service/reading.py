"""Reading the ledger as someone: every record a door shows goes through here, and so through the access policy.

One `Reading` per request (or per command): it knows who is asking, fetches each record once, follows references
between records, and shows each record as the policy says (whole, redacted, or not at all). Lists of private
kinds (events, claims) are filtered page by page, so a page holds only what the reader may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from valueflows.domain import access
from valueflows.domain import records as rules
from valueflows.domain.access import Reader, View
from valueflows.domain.chain import ChainRevision, restored
from valueflows.domain.errors import NotFound, violation
from valueflows.domain.limits import MAX_PAGE
from valueflows.domain.model import MEMBER_ROLE, AgentRelationship, EconomicClaim, EconomicEvent, EconomicResource
from valueflows.service import licences, paging, queries
from valueflows.store.ports import UnitOfWork

# Most records a relation answers with at once (a page for lists that can grow without bound).
MAX_RELATED = MAX_PAGE
PRIVATE_KINDS = frozenset({"economic_event", "claim", "commitment", "fulfillment", "satisfaction", "appreciation",
                           "settlement"})
# Records read at a time when a list is filtered (a page of visible records may need several reads).
FILTER_BATCH = 500


def reader_of(uow: UnitOfWork) -> Reader:
    """Who is asking, with the facts the policy needs about it."""
    principal = uow.principal
    if principal.admin:
        return Reader(principal)
    with uow.read() as tx:
        member_of = tx.memberships.organizations_of(principal.agent) if principal.agent else frozenset()
        return Reader(principal, member_of, tx.agents.publishing(), licences.agreements())


def _seq(cursor: str | None, name: str) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit():
        raise violation(name, "bad_cursor", f"{name} is a cursor from a page of this list")
    return int(cursor)


class Reading:
    """What one principal may see, every record fetched once, every reference followed through the same door."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.principal = uow.principal
        self._reader: Reader | None = None
        self._records: dict[tuple[str, str], Any] = {}
        self._views: dict[str, View] = {}
        self._persons: dict[str, bool] = {}
        self._revisions: dict[tuple[str, str], str] = {}
        self._histories: dict[tuple[str, str], list[ChainRevision]] = {}
        # The items one flow away from a record, forward or back (`service.tracing`), worked out once a request.
        self.flows: dict[tuple[str, str, bool], list[tuple[str, Any]]] = {}

    @property
    def reader(self) -> Reader:
        if self._reader is None:
            self._reader = reader_of(self.uow)
        return self._reader

    # -- the policy, applied ------------------------------------------------------------------------------------

    def event_views(self, events: Iterable[EconomicEvent], remember: bool = True) -> dict[str, View]:
        """The view of each of these events (whole correction chains and references considered); `remember`
        keeps them for this request (not for a stream through the whole ledger)."""
        events = list(events)
        if self.principal.admin:
            return dict.fromkeys((e.id for e in events), access.WHOLE)
        known = self._views
        missing = [e for e in events if e.id not in known]
        found: dict[str, View] = {}
        if missing:
            views = self._chain_views(missing)
            targets = {e.triggered_by for e in missing if e.triggered_by}
            with self.uow.read() as tx:
                target_events = tx.events.get_many(targets).values() if targets else []
            target_views = self._chain_views(target_events) if targets else {}
            for e in missing:
                refs = {"triggeredBy": target_views.get(e.triggered_by, access.HIDDEN)} if e.triggered_by else {}
                found[e.id] = access.with_references(views[e.id], refs)
            if remember:
                known.update(found)
        return {e.id: known.get(e.id) or found[e.id] for e in events}

    def _chain_views(self, events: Iterable[EconomicEvent]) -> dict[str, View]:
        with self.uow.read() as tx:
            chains = tx.events.chains(events)
            parties = {a for e in chains.values() for a in (e.provider, e.receiver, *e.in_scope_of)}
            unknown = parties - self._persons.keys()
            if unknown:
                persons = tx.agents.persons_among(unknown)
                self._persons.update({a: a in persons for a in unknown})
            licensed = tx.claims.licence_triggers(chains)
        persons_here = {a for a in parties if self._persons.get(a)}
        return access.event_views(self.reader, chains, persons_here, licensed)

    def _persons_among(self, agents: Iterable[str | None]) -> set[str]:
        wanted = {a for a in agents if a}
        unknown = wanted - self._persons.keys()
        if unknown:
            with self.uow.read() as tx:
                persons = tx.agents.persons_among(unknown)
            self._persons.update({a: a in persons for a in unknown})
        return {a for a in wanted if self._persons.get(a)}

    def _flow_view(self, kind: str, record_id: str) -> View:
        """The view of the event or commitment a fulfilment or satisfaction points at (hidden if there is none)."""
        found = self._raw_many(kind, [record_id])
        return self.view(kind, found[0]) if found else access.HIDDEN

    def view(self, kind: str, record: Any) -> View:
        if kind == "economic_event":
            return self.event_views([record])[record.id]
        if kind == "claim":
            return access.claim_view(self.reader, record)
        if kind == "commitment":
            persons = self._persons_among((record.provider, record.receiver, *record.in_scope_of))
            return access.commitment_view(self.reader, record, persons)
        if kind == "fulfillment":  # as strict as the stricter of the commitment and the event
            return access.strictest([self._flow_view("commitment", record.fulfills),
                                     self._flow_view("economic_event", record.fulfilled_by)])
        if kind == "settlement":  # as strict as the stricter of the claim and the event
            return access.strictest([self._flow_view("claim", record.settles),
                                     self._flow_view("economic_event", record.settled_by)])
        if kind == "appreciation":  # as strict as the stricter of its two events
            return access.strictest([self._flow_view("economic_event", record.appreciation_of),
                                     self._flow_view("economic_event", record.appreciation_with)])
        if kind == "satisfaction":  # the intent is public; the event or commitment that satisfies it may not be
            by = "economic_event" if self._raw_many("economic_event", [record.satisfied_by]) else "commitment"
            return self._flow_view(by, record.satisfied_by)
        if access.public_kind(kind):
            return access.WHOLE
        return access.WHOLE if self.principal.admin else access.HIDDEN

    def show_many(self, kind: str, records: Iterable[Any], remember: bool = True) -> list[Any]:
        """The records this reader may see, as it may see them, in the order given."""
        records = list(records)
        if kind == "economic_event":
            views = self.event_views(records, remember)
            return [access.shown(e, views[e.id]) for e in records if views[e.id].visible]
        judged = [(r, self.view(kind, r)) for r in records]
        return [access.shown(r, v) for r, v in judged if v.visible]

    def show(self, kind: str, record: Any | None) -> Any | None:
        if record is None:
            return None
        shown = self.show_many(kind, [record])
        return shown[0] if shown else None

    # -- records by id --------------------------------------------------------------------------------------------

    def _raw_many(self, kind: str, ids: Iterable[str]) -> list[Any]:
        ids = list(dict.fromkeys(ids))
        wanted = [i for i in ids if (kind, i) not in self._records]
        if wanted:
            with self.uow.read() as tx:
                found = tx.records(kind).get_many(wanted)
            for i in wanted:
                self._records[(kind, i)] = found.get(i)
        return [r for i in ids if (r := self._records[(kind, i)]) is not None]

    def prefetch(self, kind: str, ids: Iterable[str]) -> None:
        """Read these records together now (one query), for `get` and `must` to find them one by one."""
        self._raw_many(kind, ids)

    def get(self, kind: str, record_id: str | None) -> Any | None:
        if record_id is None:
            return None
        return self.show(kind, next(iter(self._raw_many(kind, [record_id])), None))

    def record(self, kind: str, record_id: str) -> Any:
        """A record asked for by its id (at its IRI): NotFound whether it is missing or hidden from this reader,
        so its existence does not leak; an anonymous reader asking for a kind that is never public is asked to
        send a token."""
        self.require_kind(kind)
        return self.must(kind, record_id)

    def require_kind(self, kind: str) -> None:
        if not access.listable(kind):
            access.private_to_members(self.reader, f"{kind.replace('_', ' ')}s")

    def must(self, kind: str, record_id: str) -> Any:
        """A record another record refers to; NotFound if it does not exist or the reader may not see it."""
        found = self.get(kind, record_id)
        if found is None:
            raise NotFound(f"no {kind.replace('_', ' ')} with id {record_id!r}")
        return found

    def get_many(self, kind: str, ids: Iterable[str]) -> list[Any]:
        return self.show_many(kind, self._raw_many(kind, ids))

    # -- lists ------------------------------------------------------------------------------------------------------

    def list_page(self, kind: str, limit: int = 100, after: str | None = None) -> queries.Page:
        """A page of records in id order, holding only what the reader may see."""
        self.require_kind(kind)
        if kind not in PRIVATE_KINDS or self.principal.admin:
            return queries.list_records(self.uow, kind, limit, after)
        return self._filtered(lambda n, cursor: queries.list_records(self.uow, kind, n, cursor), kind, limit,
                              after, lambda r: r.id)

    def page(self, kind: str, start: str | None, limit: int | None) -> list[Any]:
        return list(self.list_page(kind, limit or 100, start).items)

    def _filtered(self, fetch: Any, kind: str, limit: int, after: Any, cursor_of: Any) -> queries.Page:
        """Read pages until `limit` visible records (and one more, to know there is a next page) are found."""
        queries.check_limit(limit)
        shown: list[Any] = []
        cursor = after
        while True:
            page = fetch(min(MAX_PAGE, max(limit + 1, FILTER_BATCH)), cursor)
            shown += self.show_many(kind, page.items)
            if len(shown) > limit or page.next_cursor is None:
                break
            cursor = page.next_cursor if kind != "economic_event" else int(page.next_cursor)
        return queries.render_page(shown, limit, cursor_of)

    def window(self, kind: str, s: paging.Slice, keep: Callable[[Any], bool] | None = None,
               **equals: object) -> paging.Window:
        """A window of records in id order (Relay's first/after, last/before), with the given fields equal and
        only those `keep` accepts."""
        self.require_kind(kind)

        def fetch(n: int, cursor: str | None, backward: bool) -> list[Any]:
            with self.uow.read() as tx:
                return tx.records(kind).page(n, after=s.after if backward else cursor,
                                             before=cursor if backward else s.before, backward=backward, **equals)

        return paging.read_window(s, fetch, self._shower(kind, keep), lambda r: str(r.id), self._batch(kind, keep))

    def event_window(self, where: queries.EventFilter, s: paging.Slice,
                     keep: Callable[[Any], bool] | None = None) -> paging.Window:
        """A window of events in ledger order, filtered; cursors are ledger sequence numbers."""

        def fetch(n: int, cursor: int | None, backward: bool) -> list[Any]:
            with self.uow.read() as tx:
                return tx.events.filtered(where, n, after=_seq(s.after, "after") if backward else cursor,
                                          before=cursor if backward else _seq(s.before, "before"),
                                          backward=backward)

        return paging.read_window(s, fetch, self._shower("economic_event", keep), lambda e: str(e.seq),
                                  self._batch("economic_event", keep), _seq)

    def relationship_window(self, s: paging.Slice) -> paging.Window:
        """Memberships (as relationships with the role 'member') and other relationships together, in id order."""
        members = self.window("membership", s)
        others = self.window("agent_relationship", s)
        merged = sorted([*map(rules.membership_relationship, members.items), *others.items], key=lambda x: x.id)
        more = len(merged) > members.limit
        merged = merged[-members.limit:] if s.backward else merged[:members.limit]
        return paging.Window(merged, [x.id for x in merged],
                             has_previous=members.has_previous or others.has_previous or (more and s.backward),
                             has_next=members.has_next or others.has_next or (more and not s.backward),
                             limit=members.limit)

    def _batch(self, kind: str, keep: Callable[[Any], bool] | None) -> int:
        """Records read at a time for a window: a page and one more when nothing is filtered out, else a batch."""
        filtered = keep is not None or (kind in PRIVATE_KINDS and not self.principal.admin)
        return FILTER_BATCH if filtered else 1

    def _shower(self, kind: str, keep: Callable[[Any], bool] | None) -> Callable[[list[Any]], list[Any]]:
        def show(found: list[Any]) -> list[Any]:
            if kind in PRIVATE_KINDS and not self.principal.admin:
                found = self.show_many(kind, found)
            return found if keep is None else [x for x in found if keep(x)]

        return show

    def fulfilling(self, event_ids: Iterable[str]) -> set[str]:
        """Those of these events that fulfil a commitment (as far as this reader may see the fulfilment)."""
        with self.uow.read() as tx:
            found = [f for i in dict.fromkeys(event_ids) for f in tx.records("fulfillment").where(MAX_RELATED,
                                                                                               fulfilled_by=i)]
        return {f.fulfilled_by for f in self.show_many("fulfillment", found)}

    def revision(self, kind: str, record_id: str) -> str:
        """A record's revision id (vf-graphql 0.9): the hash of the chain record of its newest version."""
        key = (kind, record_id)
        if key not in self._revisions:
            with self.uow.read() as tx:
                self._revisions.update({(kind, i): h for i, h in tx.chain.latest(kind, [record_id]).items()})
        if key not in self._revisions:
            raise NotFound(f"no {kind.replace('_', ' ')} with id {record_id!r} in the chain")
        return self._revisions[key]

    def history(self, kind: str, record_id: str) -> list[ChainRevision]:
        """Every revision of a record the reader sees, oldest first (empty for one it may not see)."""
        key = (kind, record_id)
        if key not in self._histories:
            if self.get(kind, record_id) is None:
                return []
            with self.uow.read() as tx:
                self._histories[key] = tx.chain.history(kind, record_id)
        return self._histories[key]

    def at_revision(self, kind: str, current: Any, revision_id: str) -> Any | None:
        """`current` (a record the reader sees, its newest version) as its revision `revision_id` recorded it, shown
        as the reader may see it; None if that is no revision of this record."""
        found = next((r for r in self.history(kind, current.id) if r.hash == revision_id), None)
        if found is None:
            return None
        return self.show(kind, restored(current, found.payload))

    def where(self, kind: str, **equals: str) -> list[Any]:
        """Records whose fields equal the given values (at most MAX_RELATED, in id order)."""
        with self.uow.read() as tx:
            found = tx.records(kind).where(MAX_RELATED, **equals)
        return self.show_many(kind, found)

    def event_list(self, where: queries.EventFilter, limit: int, after: int | None) -> queries.Page:
        if self.principal.admin:
            return queries.list_events(self.uow, where, limit, after)
        return self._filtered(lambda n, cursor: queries.list_events(self.uow, where, n, cursor), "economic_event",
                              limit, after, lambda ev: str(ev.seq))

    def events(self, where: queries.EventFilter, limit: int = MAX_RELATED, after: int | None = None) -> list[Any]:
        return list(self.event_list(where, limit, after).items)

    def event_page(self, start: str | None, limit: int | None) -> list[EconomicEvent]:
        after = None
        if start is not None:
            first = self.get("economic_event", start)
            if first is None:
                raise violation("start", "unknown_event", f"no event with id {start!r}")
            after = first.seq
        return self.events(queries.EventFilter(), limit or 100, after)

    def relationships(self, agent_id: str, role: str | None = None, side: str = "either") -> list[Any]:
        """Memberships (role 'member') and other relationships in which the agent is subject or object."""
        found: list[Any] = []
        if role in (None, MEMBER_ROLE.id):
            for column in ("member", "organization"):
                if side == "either" or (side == "subject") == (column == "member"):
                    found += [rules.membership_relationship(m)
                              for m in self.where("membership", **{column: agent_id})]
        if role != MEMBER_ROLE.id:
            for column in ("subject", "object"):
                if side in ("either", column):
                    extra = {"relationship": role} if role else {}
                    found += self.where("agent_relationship", **{column: agent_id}, **extra)
        return found

    def inventoried(self, agent: str, search: str | None = None, classification: str | None = None,
                    page: int | None = None) -> list[EconomicResource]:
        """The resources an agent is accountable for, found by name and classification, a page at a time."""
        found = self.where("economic_resource", primary_accountable=agent)
        return rules.resources_matching(found, search, classification, page)

    def relationship(self, relationship_id: str) -> AgentRelationship | None:
        """A relationship by id, or a membership seen as one."""
        found = self.get("agent_relationship", relationship_id)
        if found is None:
            membership = self.get("membership", relationship_id)
            found = rules.membership_relationship(membership) if membership else None
        return found  # type: ignore[no-any-return]

    def relationships_page(self, start: str | None, limit: int | None) -> list[AgentRelationship]:
        """Memberships and other relationships together, in id order."""
        members = [rules.membership_relationship(m) for m in self.page("membership", start, limit)]
        others = self.page("agent_relationship", start, limit)
        return sorted(members + others, key=lambda x: x.id)[:limit or 100]

    def correction_of(self, event_id: str) -> EconomicEvent | None:
        """The event that corrects this one, if any (and if the reader may see it)."""
        with self.uow.read() as tx:
            found = tx.events.corrections_of([event_id]).get(event_id)
        return self.show("economic_event", found)

    def resource_events(self, resource_id: str) -> list[EconomicEvent]:
        with self.uow.read() as tx:
            found = tx.events.by_resource(resource_id, MAX_RELATED)
        return self.show_many("economic_event", found)

    def claims(self, claims: Iterable[EconomicClaim]) -> list[EconomicClaim]:
        return self.show_many("claim", claims)

    def records(self, found: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
        """A stream of (kind, record), as this reader may see it (for exports): events are judged a batch at a
        time, so memory stays flat."""
        if self.principal.admin:
            yield from found
            return
        batch: list[Any] = []
        for kind, record in found:
            if kind == "economic_event":
                batch.append(record)
                if len(batch) >= FILTER_BATCH:
                    yield from (("economic_event", e) for e in self.show_many("economic_event", batch, remember=False))
                    batch = []
                continue
            if batch:
                yield from (("economic_event", e) for e in self.show_many("economic_event", batch, remember=False))
                batch = []
            view = self.view(kind, record)
            if view.visible:
                yield kind, access.shown(record, view)
        yield from (("economic_event", e) for e in self.show_many("economic_event", batch, remember=False))
