"""Records as JSON objects with the ValueFlows field names (camelCase), decimals as decimal strings."""

from __future__ import annotations

import dataclasses
from typing import Any

from valueflows.domain.chain import plain


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_json(record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        out[camel(f.name)] = plain(value)
    return out
