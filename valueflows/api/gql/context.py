"""What every resolver can reach: the unit of work, who is asking, the per-request reading of the ledger (every
record a resolver returns goes through it, and so through the access policy), and how to reach other nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from valueflows.domain.access import ANONYMOUS, Principal
from valueflows.service.federation import Peers
from valueflows.service.reading import Reading
from valueflows.store.ports import UnitOfWork


@dataclass
class Context:
    uow: UnitOfWork
    principal: Principal = ANONYMOUS
    peers: Peers | None = None  # other nodes (federation); None: over HTTP
    reading: Reading = field(init=False)

    def __post_init__(self) -> None:
        self.uow = self.uow.acting_as(self.principal)  # every use case a resolver calls acts for who asks
        self.reading = Reading(self.uow)


Info = StrawberryInfo[Context, Any]
