"""Agents of other nodes, as this ledger names them.

A record of ours that names an agent of another node (a use of our design by a company elsewhere; an obligation
of ours to a steward elsewhere) names a local agent that stands for it: an organization classified
`vfl:RemoteAgent`, linked to the agent's IRI on its node and to the actor that speaks for it there. It is made the
first time it is needed, in the transaction that needs it, and never speaks for itself: it is not an actor of
this node (its own node's actor is), and it has no members here.
"""

from __future__ import annotations

import json

from valueflows.domain import records as rules
from valueflows.domain.chain import facts
from valueflows.domain.inputs import AgentInput
from valueflows.domain.model import REMOTE_AGENT, Agent
from valueflows.service.ledger import new_id
from valueflows.store.ports import RemoteActor, RemoteAgent, WriteTx

REMOTE = REMOTE_AGENT
PAYMENTS_MARK = "payments"  # node settings: the chain position up to which payments to them were looked for


def name_of(origin: RemoteActor, agent_iri: str) -> str:
    """An agent of another node's name: its actor's, when that actor is the agent's own; else its IRI."""
    document = json.loads(origin.document)
    if origin.id.rsplit("/", 1)[-1] != agent_iri.rsplit("/", 1)[-1]:
        return agent_iri
    return str(document.get("name") or document.get("preferredUsername") or agent_iri)


def stand_in(tx: WriteTx, iri: str, actor: str, name: str) -> Agent:
    """The local agent standing for the agent at `iri` (spoken for by `actor`): as kept, else made now."""
    known = tx.federation.remote_agent(iri)
    if known is not None:
        found = tx.agents.get(known.agent)
        assert found is not None, "a remote agent's local agent exists"
        return found
    made = rules.check_agent(AgentInput(name[:200] or iri[:200], "Organization", note=f"an agent of another node: "
                                        f"{iri[:1500]}", classified_as=(REMOTE,)), new_id(), {}, {})
    tx.records("agent").add(made)
    tx.append("agent", made.id, facts(made))
    tx.federation.keep_remote_agent(RemoteAgent(made.id, iri, actor, tx.now))
    if tx.federation.setting(PAYMENTS_MARK) is None:  # payments to agents of other nodes: looked for from here on
        head = tx.chain.head()
        tx.federation.set_setting(PAYMENTS_MARK, str(head[0] if head else 0))
    return made
