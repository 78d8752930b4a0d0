"""Who may do what. Pure rules over a principal (the agent a token speaks for, and its scope).

- anonymous: reads the commons' public records;
- `read`: the same, as a known agent (`myAgent`);
- `write`: also records events in which its agent is provider or receiver, creates the processes,
  specifications and product batches such events need, and revises its own agent and the resources it is
  accountable for or has in custody;
- `admin`: everything (agents, memberships and relationships, roles, units, anyone's facts).
Private figures: a member's statement (with its capital account) is readable by that member and admins only;
an organization's dividend runs by its members (anyone who has been one) and admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from valueflows.domain.errors import LedgerError


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


class Unauthenticated(LedgerError):
    code = "UNAUTHENTICATED"


class Forbidden(LedgerError):
    code = "FORBIDDEN"


@dataclass(frozen=True, slots=True)
class Principal:
    agent: str | None = None
    scope: Scope | None = None

    @property
    def anonymous(self) -> bool:
        return self.scope is None


ANONYMOUS = Principal()


def _writer(p: Principal, what: str) -> None:
    if p.anonymous:
        raise Unauthenticated(f"{what} needs a token: send Authorization: Bearer <token>")
    if p.scope is Scope.READ:
        raise Forbidden(f"{what} needs a token with the write or admin scope; this one can only read")


def require_admin(p: Principal, what: str) -> None:
    _writer(p, what)
    if p.scope is not Scope.ADMIN:
        raise Forbidden(f"{what} needs an admin token")


def require_writer(p: Principal, what: str) -> None:
    _writer(p, what)


def may_record_event(p: Principal, provider: str, receiver: str) -> None:
    _writer(p, "recording an event")
    if p.scope is not Scope.ADMIN and p.agent not in (provider, receiver):
        raise Forbidden(f"a write token records only events in which its agent ({p.agent}) is provider or receiver")


def may_revise_agent(p: Principal, agent_id: str) -> None:
    _writer(p, "changing an agent")
    if p.scope is not Scope.ADMIN and p.agent != agent_id:
        raise Forbidden("a write token changes only its own agent")


def may_revise_resource(p: Principal, accountable: str, custodian: str) -> None:
    _writer(p, "changing a resource")
    if p.scope is not Scope.ADMIN and p.agent not in (accountable, custodian):
        raise Forbidden("a write token changes only resources its agent is accountable for or has in custody")


def may_read_private(p: Principal, owner: str) -> None:
    """A member's own figures: that member, or an admin."""
    if p.anonymous:
        raise Unauthenticated("these figures are private: send a token")
    if p.scope is not Scope.ADMIN and p.agent != owner:
        raise Forbidden("these figures are private to their member and to admins")


def may_read_org_private(p: Principal, is_member: bool) -> None:
    """An organization's shared figures (its dividend runs): its members and admins."""
    if p.anonymous:
        raise Unauthenticated("these figures are for the organization's members: send a token")
    if p.scope is not Scope.ADMIN and not is_member:
        raise Forbidden("these figures are for the organization's members and admins")


def may_read_obligations(p: Principal, user: str | None, steward: str | None) -> None:
    """Obligations between a user and a steward: either of them, and admins."""
    if p.anonymous:
        raise Unauthenticated("obligations are for the user, the steward and admins: send a token")
    if p.scope is not Scope.ADMIN and p.agent not in (user, steward):
        raise Forbidden("a token reads the obligations its own agent owes or is owed")


def obligations_view(p: Principal, user: str | None, steward: str | None) -> tuple[str | None, str | None]:
    """Whose obligations a principal may read, as (user, steward): a steward asking about one user sees only what
    is owed to itself; otherwise the principal must be the user or the steward asked for (or an admin)."""
    if not p.anonymous and p.scope is not Scope.ADMIN and user is not None and p.agent not in (user, steward):
        steward = p.agent
    may_read_obligations(p, user, steward)
    return user, steward
