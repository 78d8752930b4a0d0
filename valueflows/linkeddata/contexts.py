"""The JSON-LD contexts we use, resolved from `vocab/`: pyld never fetches anything over the network."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from valueflows.data import data_dir
from valueflows.linkeddata.vocabulary import CONTEXT_URL
from valueflows.reciprocity.policy import POLICY_CONTEXT

FILES = {CONTEXT_URL: "ledger-context.jsonld", POLICY_CONTEXT: "policy-context.jsonld"}


class UnknownContext(ValueError):
    pass


@cache
def local_context(url: str) -> dict[str, Any]:
    name = FILES.get(url)
    if name is None:
        raise UnknownContext(f"context {url} is not one we publish; use {CONTEXT_URL} or an inline context")
    document: dict[str, Any] = json.loads((data_dir("vocab") / name).read_text(encoding="utf-8"))
    return document


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """A pyld document loader: our contexts from disk, everything else refused."""
    return {"contextUrl": None, "documentUrl": url, "document": local_context(url)}


def loader_for(bases: Iterable[str]) -> Callable[[str, Any], dict[str, Any]]:
    """A document loader that also knows the ledger context by each address a server at `bases` serves it at
    (`{base}/context.jsonld`): a document written against a node's own copy reads as one written against ours."""
    served = {f"{b.rstrip('/')}/context.jsonld" for b in bases}

    def load(url: str, options: Any = None) -> dict[str, Any]:
        return document_loader(CONTEXT_URL if url in served else url, options) | {"documentUrl": url}
    return load
