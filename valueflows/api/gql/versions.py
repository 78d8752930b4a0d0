"""Two APIs over one set of types: the main one (vf-graphql 0.9) and the legacy one (vf-graphql 0.8.5).

Most fields are the same in both. Where the two references disagree (a list in 0.8 is a connection in 0.9, a
number is a `Float` in 0.8 and a `Decimal` in 0.9), the type declares the field once per API under the same
GraphQL name, tagged with `only(API)`; each schema keeps the fields of its API and the untagged ones. Types only
one API reaches (connections, the planning records) are only in that API's schema.

In an input type, strawberry fills every Python field whose GraphQL name the client sent, whichever API it is
in: two fields of one name both get the value, so the code that reads them tells the APIs apart by the value's
type (see `IMeasure`). Fields of different names (`id`, `revisionId`) have no such issue; one required in only
one API has the default `UNSET`, so GraphQL itself requires it there.
"""

from __future__ import annotations

from typing import Any, Final

from strawberry.types.field import StrawberryField

MAIN: Final = "0.9"
LEGACY: Final = "0.8"
APIS: Final = (MAIN, LEGACY)


def only(api: str) -> dict[str, Any]:
    """Field metadata: this field belongs to `api` alone."""
    return {"api": api}


def serves(field: StrawberryField, api: str) -> bool:
    metadata: dict[str, Any] = dict(field.metadata or {})
    return bool(metadata.get("api", api) == api)


REVISION_ID = ("The newest revision of this record (vf-graphql 0.9): the hash of the chain record that holds that "
               "version, so it changes whenever the record does.")
