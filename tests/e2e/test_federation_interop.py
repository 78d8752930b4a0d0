"""An ActivityPub implementation that is not ours (bovine, in an environment of its own: it pins pyld < 3) talks to
a real node of ours on 127.0.0.1: it finds our actor by WebFinger, reads it and our outbox with its signed GETs and
its JSON-LD parsers, and checks with its own signature checker every request our node signs to it (the GETs of its
actor and outbox, the POST of a Follow); its signed Accept is believed by our node only after our own check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import free_port, needs
from federation_support import Node, follow_state, publish_design, until

BOVINE = "bovine==0.5.19"  # a maintained Python ActivityPub library (MIT), used only here
HERE = Path(__file__).resolve().parent
PEER = HERE.parent / "interop" / "bovine_peer.py"
CONTEXTS = HERE.parent / "fixtures" / "contexts"


@pytest.fixture(scope="session")
def bovine_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A Python with bovine installed, in a virtualenv of its own (set VF_BOVINE_PYTHON to reuse one)."""
    given = os.environ.get("VF_BOVINE_PYTHON")
    if given:
        return given
    venv = tmp_path_factory.mktemp("bovine") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    done = subprocess.run([python, "-m", "pip", "install", "-q", BOVINE], capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:  # PyPI out of reach: skipped on a developer's machine, a failure in CI
        needs(f"{BOVINE} from PyPI ({done.stderr.strip().splitlines()[-1:] or 'pip failed'})")
    return python


@pytest.fixture
def peer(tmp_path: Path, bovine_python: str) -> Iterator[tuple[Node, str, Path]]:
    node = Node(tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}", "Atelier Commun", "atelier")
    publish_design(node)
    port, seen = free_port(), tmp_path / "seen.jsonl"
    workdir = tmp_path / "bovine"
    workdir.mkdir()
    proc = subprocess.Popen([bovine_python, str(PEER), "--port", str(port), "--ours", f"{node.base}/actors/atelier",
                             "--log", str(seen), "--contexts", str(CONTEXTS)],
                            cwd=workdir, stdout=subprocess.DEVNULL, stderr=(workdir / "stderr.log").open("w"))
    try:
        until(lambda: proc.poll() is not None or any(s["kind"] == "ready" for s in read(seen)),
              "the bovine peer up")
        assert proc.poll() is None, (workdir / "stderr.log").read_text()
        yield node, f"127.0.0.1:{port}", seen
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        node.server.stop()


def read(seen: Path) -> list[dict[str, Any]]:
    if not seen.exists():
        return []
    return [json.loads(line) for line in seen.read_text().splitlines() if line.strip()]


def test_bovine_reads_our_node_and_verifies_what_it_signs(peer: tuple[Node, str, Path]) -> None:
    node, host, seen = peer
    atelier, ours = f"{node.base}/actors/atelier", f"{node.base}/actors/node"

    # bovine as a client: WebFinger finds our actor; its parser reads the actor and its key; the outbox's page
    # holds our Create of the design, attributed to our actor (bovine refuses an actor on another domain)
    client = next(s for s in read(seen) if s["kind"] == "client")
    assert "error" not in client, client
    assert client["webfinger"] == atelier
    assert (client["actor_status"], client["actor"], client["inbox"]) == (200, atelier, f"{atelier}/inbox")
    assert client["keys"] == [{"id": f"{atelier}#main-key", "controller": atelier}]
    assert (client["outbox_type"], client["page_status"]) == ("OrderedCollection", 200)
    assert {"type": "Create", "actor": atelier, "object_type": "EconomicResource"} in client["items"]

    # our node follows bovine's actor: our signed GETs and our signed POST verify with bovine's checker against
    # the key our actor publishes; the same POST with one byte of its body changed does not
    asked = node.cli("follow", f"shop@{host}")
    assert asked["queued"] is True, asked
    shop = f"http://{host}/actor"
    until(lambda: follow_state(node, "node", shop) == "accepted", "bovine's Accept believed by our node")
    posts = [s for s in read(seen) if s["kind"] == "post"]
    assert [(p["type"], p["actor"], p["signer"], p["tampered"]) for p in posts] == [("Follow", ours, ours, None)]
    gets = [s for s in read(seen) if s["kind"] == "get" and s["signed"]]
    assert gets and {g["signer"] for g in gets} == {ours}, gets
    assert "/actor" in {g["path"] for g in gets}
    # bovine logs our inbox's answer once it has it, which can be after our node has taken the Accept in
    accepted = until(lambda: [s for s in read(seen) if s["kind"] == "accept"], "bovine's log of our answer")
    assert [a["status"] for a in accepted] == [202] and accepted[0]["inbox"] == f"{ours}/inbox"
