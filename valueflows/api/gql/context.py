"""What every resolver can reach: the unit of work, the per-request lookups, and who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from valueflows.domain.access import ANONYMOUS, Principal
from valueflows.service.lookups import Lookups
from valueflows.store.uow import UnitOfWork


@dataclass
class Context:
    uow: UnitOfWork
    principal: Principal = ANONYMOUS
    lookups: Lookups = field(init=False)

    def __post_init__(self) -> None:
        self.lookups = Lookups(self.uow)


Info = StrawberryInfo[Context, Any]
