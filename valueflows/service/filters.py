"""What vf-graphql 0.9's filter parameters select, as predicates over records (applied as a window is read)."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

Keep = Callable[[Any], bool] | None


def _contains(text: str | None, search: str) -> bool:
    return search.casefold() in (text or "").casefold()


def classified(any_of: Collection[str] | None, field: str = "classified_as") -> Keep:
    """Records classified as any of these (None: no condition)."""
    if not any_of:
        return None
    wanted = frozenset(any_of)
    return lambda r: bool(wanted.intersection(getattr(r, field)))


def processes(search: str | None = None, finished: bool | None = None, in_scope_of: Collection[str] | None = None,
              classified_as: Collection[str] | None = None, start: datetime | None = None,
              end: datetime | None = None) -> Keep:
    """Processes whose name or note holds `search`, finished or not, in any of the scopes, classified as any of
    the classes, and that began at or after `start` and ended at or before `end`."""
    if all(v is None or v == [] for v in (search, finished, in_scope_of, classified_as, start, end)):
        return None
    scopes, classes = frozenset(in_scope_of or ()), frozenset(classified_as or ())

    def keep(p: Any) -> bool:
        return all((
            search is None or _contains(p.name, search) or _contains(p.note, search),
            finished is None or p.finished is finished,
            not scopes or bool(scopes.intersection(p.in_scope_of)),
            not classes or bool(classes.intersection(p.classified_as)),
            start is None or (p.has_beginning is not None and p.has_beginning >= start),
            end is None or (p.has_end is not None and p.has_end <= end),
        ))

    return keep


def flows(search: str | None = None, providers: Collection[str] | None = None,
          receivers: Collection[str] | None = None, classified_as: Collection[str] | None = None,
          conforms_to: Collection[str] | None = None, finished: bool | None = None,
          actions: Collection[str] | None = None, start: datetime | None = None, end: datetime | None = None,
          in_scope_of: Collection[str] | None = None, places: Collection[str] | None = None) -> Keep:
    """Intents, commitments or events (vf-graphql 0.9's Intent-, Commitment- and Process…FilterParams): the name or
    note holds `search`; the provider, receiver, specification, action, scope and place among those given; finished
    or not; classified as any of the classes; when it happens (its point in time, else its beginning, else when it
    is due) within [start, end]. `places`: the ids of the places near a point (`near`)."""
    given = (search, providers, receivers, classified_as, conforms_to, finished, actions, start, end, in_scope_of,
             places)
    if all(v is None or v == [] for v in given):
        return None
    sets = [frozenset(v) if v else None for v in (providers, receivers, classified_as, conforms_to, actions,
                                                   in_scope_of)]
    p_ids, r_ids, classes, specs, verbs, scopes = sets
    nearby = frozenset(places) if places is not None else None

    def keep(f: Any) -> bool:
        when = getattr(f, "has_point_in_time", None) or getattr(f, "has_beginning", None) or getattr(f, "due", None)
        return all((
            search is None or _contains(getattr(f, "name", None), search) or _contains(f.note, search),
            p_ids is None or f.provider in p_ids,
            r_ids is None or f.receiver in r_ids,
            classes is None or bool(classes.intersection(f.resource_classified_as)),
            specs is None or f.resource_conforms_to in specs,
            finished is None or getattr(f, "finished", False) is finished,
            verbs is None or f.action in verbs,
            start is None or (when is not None and when >= start),
            end is None or (when is not None and when <= end),
            scopes is None or bool(scopes.intersection(f.in_scope_of)),
            nearby is None or getattr(f, "at_location", None) in nearby,
        ))

    return keep


EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def distance_km(lat1: Decimal, long1: Decimal, lat2: Decimal, long2: Decimal) -> float:
    """Great-circle distance (haversine) between two points in degrees."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(long2) - float(long1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def near(places: Iterable[Any], lat: Decimal, long: Decimal, radius_km: Decimal) -> frozenset[str]:
    """The ids of the places (SpatialThings with a point) within `radius_km` of a point."""
    return frozenset(p.id for p in places if p.lat is not None and p.long is not None
                     and distance_km(lat, long, p.lat, p.long) <= float(radius_km))
