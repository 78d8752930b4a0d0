"""An ActivityPub peer built on bovine (https://codeberg.org/bovine/bovine), an implementation that is not ours, for
the interoperability test. It runs in an environment of its own (bovine pins pyld < 3) and:

- as a client, finds our actor by WebFinger, fetches it and our outbox with bovine's signed GETs, and parses them
  with bovine's own parsers (JSON-LD compaction under its context);
- as a server, serves an actor (`shop`) with an inbox, checks every signature our node sends (signed GETs of its
  actor and outbox, the signed POST of a Follow) with bovine's own checker against the key our actor publishes,
  and answers a Follow with an Accept signed by bovine's client.

Everything it saw goes, one JSON object a line, to the file given with --log; the test reads it.

    python bovine_peer.py --port 8123 --ours http://127.0.0.1:8000/actors/atelier --log seen.jsonl \
        --contexts tests/fixtures/contexts
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import bovine.utils
from aiohttp import web
from bovine.activitystreams import Actor
from bovine.activitystreams.activity_factory import ActivityFactory
from bovine.clients import lookup_uri_with_webfinger
from bovine.clients.signed_http import SignedHttpClient
from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key
from bovine.crypto.types import CryptographicIdentifier
from bovine.jsonld import jsonld_cache
from bovine.parse import Activity
from bovine.parse import Actor as ParsedActor

ACTIVITY_JSON = "application/activity+json"


class Peer:
    def __init__(self, port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.actor_id = f"{self.base}/actor"
        self.key_id = f"{self.actor_id}#main-key"
        self.public_pem, self.private_pem = generate_rsa_public_private_key()
        self.log = log.open("a", encoding="utf-8")
        self.session: aiohttp.ClientSession | None = None
        self.verify = build_validate_http_signature_raw(self.retrieve_key)

    def seen(self, **what: Any) -> None:
        self.log.write(json.dumps(what) + "\n")
        self.log.flush()

    async def retrieve_key(self, key_id: str) -> CryptographicIdentifier | None:
        """The signer's key, from its actor document (unsigned GET: our actors are public)."""
        assert self.session is not None
        async with self.session.get(key_id.split("#")[0], headers={"accept": ACTIVITY_JSON}) as answer:
            if answer.status != 200:
                return None
            document = await answer.json(content_type=None)
        key = document.get("publicKey", {})
        if key.get("id") != key_id:
            return None
        return CryptographicIdentifier.from_public_key(key)

    def document(self) -> dict[str, Any]:
        built: dict[str, Any] = Actor(
            id=self.actor_id, type="Service", name="A shop on bovine", preferred_username="shop",
            inbox=f"{self.base}/inbox", outbox=f"{self.base}/outbox", followers=f"{self.base}/followers",
            following=f"{self.base}/following", public_key=self.public_pem, public_key_name="main-key").build()
        return built

    async def checked(self, request: web.Request, body: bytes | None = None) -> str | None:
        """Who signed this request, as bovine's checker decides (None: not signed, or not verified)."""
        if "signature" not in request.headers:
            return None

        async def read() -> bytes:
            return body or b""

        owner: str | None = await self.verify(request.method, str(request.url), request.headers, read)
        return owner

    async def webfinger(self, request: web.Request) -> web.Response:
        resource = request.query.get("resource", "")
        if resource != f"acct:shop@{request.host}":
            return web.json_response({"error": "unknown"}, status=404)
        return web.json_response(bovine.utils.webfinger_response_json(resource, self.actor_id),
                                 content_type="application/jrd+json")

    async def actor(self, request: web.Request) -> web.Response:
        self.seen(kind="get", path=request.path, signer=await self.checked(request),
                  signed="signature" in request.headers)
        return web.json_response(self.document(), content_type=ACTIVITY_JSON)

    async def collection(self, request: web.Request) -> web.Response:
        self.seen(kind="get", path=request.path, signer=await self.checked(request),
                  signed="signature" in request.headers)
        return web.json_response({"@context": "https://www.w3.org/ns/activitystreams", "id": str(request.url),
                                  "type": "OrderedCollection", "totalItems": 0, "orderedItems": []},
                                 content_type=ACTIVITY_JSON)

    async def inbox(self, request: web.Request) -> web.Response:
        body = await request.read()
        signer = await self.checked(request, body)
        # the same request with one byte of its body changed must not verify (the digest covers the body)
        tampered = await self.checked(request, body.replace(b"Follow", b"Fellow", 1))
        activity = json.loads(body)
        self.seen(kind="post", path=request.path, type=activity.get("type"), actor=activity.get("actor"),
                  signer=signer, tampered=tampered)
        if signer is None or signer != activity.get("actor"):
            return web.json_response({"error": "signature"}, status=401)
        if activity.get("type") == "Follow" and activity.get("object") == self.actor_id:
            asyncio.get_running_loop().create_task(self.accept(activity))
        return web.Response(status=202)

    async def accept(self, follow: dict[str, Any]) -> None:
        """Answer a Follow as a bovine server does: an Accept, signed, to the follower's inbox."""
        assert self.session is not None
        client = SignedHttpClient(self.session, self.key_id, self.private_pem)
        async with await client.get(follow["actor"]) as answer:
            follower = ParsedActor(await answer.json(content_type=None))
        factory = ActivityFactory(self.document(), id_generator=lambda: f"{self.base}/activities/{uuid.uuid4()}")
        accept = factory.accept(follow).build()
        async with await client.post(follower.data["inbox"], json.dumps(accept),
                                     content_type=ACTIVITY_JSON) as answer:
            self.seen(kind="accept", status=answer.status, inbox=follower.data["inbox"], object=accept["object"],
                      answer=await answer.text())

    async def read_ours(self, ours: str) -> None:
        """As a client: WebFinger, then our actor and outbox with signed GETs, parsed by bovine."""
        assert self.session is not None
        host = ours.split("/")[2]
        name = ours.rstrip("/").rsplit("/", 1)[1]
        found, _ = await lookup_uri_with_webfinger(self.session, f"acct:{name}@{host}", domain=f"http://{host}")
        client = SignedHttpClient(self.session, self.key_id, self.private_pem)
        async with await client.get(ours) as answer:
            actor_status = answer.status
            parsed = ParsedActor(await answer.json(content_type=None))
        keys = [{"id": k.id, "controller": k.controller} for k in parsed.cryptographic_identifiers]
        async with await client.get(parsed.data["outbox"]) as answer:
            outbox = await answer.json(content_type=None)
        async with await client.get(outbox["first"]) as answer:
            page_status = answer.status
            page = await answer.json(content_type=None)
        items = [Activity(item, domain=host) for item in page.get("orderedItems", [])]
        self.seen(kind="client", webfinger=found, actor_status=actor_status, actor=parsed.id,
                  inbox=parsed.data.get("inbox"), keys=keys, outbox_type=outbox.get("type"), page_status=page_status,
                  items=[{"type": a.data.get("type"), "actor": a.actor_id,
                          "object_type": (a.data.get("object") or {}).get("type")} for a in items])

    async def run(self, port: int, ours: str) -> None:
        self.session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_get("/.well-known/webfinger", self.webfinger)
        app.router.add_get("/actor", self.actor)
        for path in ("/outbox", "/followers", "/following"):
            app.router.add_get(path, self.collection)
        app.router.add_post("/inbox", self.inbox)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            await self.read_ours(ours)
        except Exception as exc:  # the test reads what failed; the server stays up for the rest
            self.seen(kind="client", error=f"{exc.__class__.__name__}: {exc}")
        self.seen(kind="ready")
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ours", required=True, help="our node's actor to read as a client")
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--contexts", type=Path, required=True,
                        help="the published ActivityStreams and security contexts (this machine reaches no w3id.org)")
    args = parser.parse_args()
    for url, name in (("https://w3id.org/security/v1", "security-v1.jsonld"),):
        if jsonld_cache.retrieve(url) is None:  # bovine keeps its cache in the working directory
            jsonld_cache.add(url, json.loads((args.contexts / name).read_text())["@context"])
    asyncio.run(Peer(args.port, args.log).run(args.port, args.ours))


if __name__ == "__main__":
    main()
