"""A light client reading a hostile ledger server: every malformed answer is a typed
RealDIDError (DecodeError for a malformed body), never KeyError, TypeError,
AttributeError, JSONDecodeError, UnicodeDecodeError, OverflowError or RecursionError.

The server is real: uvicorn on a loopback port, serving the answers of a real
log, each test replacing one of them with a malformed one.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from tools.ledger_world import ORIGIN, ledger_world

from realdid.api.ledger import create_ledger_app
from realdid.errors import DecodeError, RealDIDError
from realdid.ledger.client import LightClient, TrustPolicy
from realdid.ledger.entries import b64url
from realdid.ledger.http import MAX_ANSWER_BYTES, HttpLogSource, LedgerHttpError
from realdid.ledger.log import Log
from realdid.ledger.note import NoteSigner
from realdid.ledger.stores.sql import SqlStore

KEY = NoteSigner.generate("realdid-log")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Answer = tuple[int, str, bytes]


class HostileLedger:
    """An ASGI app answering each path with whatever ``answers`` holds for it."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.gzipped: set[str] = set()  # paths answered with Content-Encoding: gzip

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        assert scope["type"] == "http"
        status, media_type, body = self.answers.get(scope["path"], (404, "text/plain", b"no"))
        headers = [(b"content-type", media_type.encode())]
        if scope["path"] in self.gzipped:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class World:
    def __init__(self, real: dict[str, Answer], hostile: HostileLedger, url: str) -> None:
        self.real, self.hostile, self.url = real, hostile, url
        self.http = httpx.Client(base_url=url, timeout=30)  # one connection pool for all

    def source(self) -> HttpLogSource:
        return HttpLogSource(self.url, self.http)

    def serve(
        self,
        path: str,
        body: bytes,
        status: int = 200,
        media: str = "application/json",
        *,
        gzipped: bool = False,
    ) -> None:
        self.hostile.answers = {**self.real, path: (status, media, body)}
        self.hostile.gzipped = {path} if gzipped else set()

    def client(self) -> LightClient:
        return LightClient(TrustPolicy(ORIGIN, KEY.verifier), self.source())


SERVICE_KEY = f"service:{ledger_world().forum.did}"
LOOKUP = "/lookup/" + SERVICE_KEY
INCLUSION = "/proof/inclusion"
CONSISTENCY = "/proof/consistency"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    log = Log(SqlStore.sqlite(Path(tmp_path_factory.mktemp("hostile")) / "ledger.db"), KEY)
    for entry in ledger_world().setup:
        log.append(entry)
    log.checkpoint()
    size = log.store.size()
    real: dict[str, Answer] = {}
    with TestClient(create_ledger_app(log)) as honest:
        for path, params in (
            ("/checkpoint", {}),
            (LOOKUP, {}),
            (INCLUSION, {"index": 2, "size": size}),
            (CONSISTENCY, {"first": 2, "second": size}),
            ("/entries/2", {}),
        ):
            response = honest.get(path, params=params)
            assert response.status_code == 200
            real[path] = (200, response.headers["content-type"], response.content)
    hostile = HostileLedger()
    hostile.answers = dict(real)
    server = uvicorn.Server(
        uvicorn.Config(hostile, host="127.0.0.1", port=0, lifespan="off", log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    world = World(real, hostile, f"http://127.0.0.1:{port}")
    try:
        yield world
    finally:
        world.http.close()
        server.should_exit = True
        thread.join(timeout=30)


def _real_lookup(world: World) -> dict[str, Any]:
    answer = json.loads(world.real[LOOKUP][2])
    assert isinstance(answer, dict)
    return answer


def _with(world: World, **changes: object) -> bytes:
    return json.dumps({**_real_lookup(world), **changes}).encode()


def _without(world: World, name: str) -> bytes:
    return json.dumps({k: v for k, v in _real_lookup(world).items() if k != name}).encode()


def _raw(world: World, name: str, literal: str) -> bytes:
    """The real lookup answer with ``name`` set to a JSON literal json.dumps cannot write."""
    return _without(world, name)[:-1] + f', "{name}": {literal}}}'.encode()


DEEP = b"[" * 5000 + b"]" * 5000
NOT_AN_OBJECT = [b"[]", b"[1, 2]", b'"text"', b"null", b"17", b"true"]
DEEP_OBJECTS = b'{"a": ' * 100 + b"1" + b"}" * 100
NOT_JSON = [b"", b"not json", b"{", b'{"proof": [', b"\xff\xfe{}", DEEP, DEEP_OBJECTS]


def _lookup_cases(world: World) -> dict[str, bytes]:
    real = _real_lookup(world)
    cases: dict[str, bytes] = {f"missing {name}": _without(world, name) for name in real}
    wrong_types: dict[str, list[object]] = {
        "checkpoint": [1, [], None, {"a": 1}],
        "key": [1, None, [SERVICE_KEY]],
        "index": ["3", True, 1.5, -1, [], {}],
        "entry": [5, [real["entry"]], {}, True],
        "inclusion": ["x", [1], {}, [None], None, real["inclusion"] * 100],
        "state_proof": [None, 1, [real["state_proof"]]],
    }
    for name, values in wrong_types.items():
        for value in values:
            cases[f"{name} = {json.dumps(value)[:30]}"] = _with(world, **{name: value})
    for literal in (
        str(2**53),
        str(2**64),
        "-" + str(2**63),
        "1" + "0" * 5000,
        "1e400",
        "NaN",
        "-Infinity",
    ):
        cases[f"index = {literal[:20]}"] = _raw(world, "index", literal)
    for name in ("entry", "state_proof"):
        value = real[name]
        for bad in ("!!!!", value + "=", value[:-1] + ("B" if value[-1] != "B" else "C"), "A"):
            cases[f"{name} = {bad[:12]} (bad base64url)"] = _with(world, **{name: bad})
    cases["inclusion = ['*'] (bad base64url)"] = _with(world, inclusion=["*"])
    cases["checkpoint = lone surrogate"] = _raw(world, "checkpoint", '"\\ud800"')
    cases["checkpoint not UTF-8"] = _raw(world, "checkpoint", '"\xff"').replace(
        "\xff".encode(), b"\xff"
    )
    cases["index twice"] = _raw(world, "index", "1")[:-1] + b', "index": 2}'
    for i, body in enumerate(NOT_AN_OBJECT + NOT_JSON):
        cases[f"body {i}: {body[:12]!r}"] = body
    return cases


def test_the_honest_answers_verify(world: World) -> None:
    """The control: unchanged answers from the hostile server verify, so each case below
    fails because of its one change."""
    world.hostile.answers = dict(world.real)
    client = world.client()
    assert client.lookup(SERVICE_KEY) is not None
    assert client.entry(2).author == ledger_world().authority.did
    source = world.source()
    assert len(source.consistency_proof(2, client._current().size)) > 0


def test_every_malformed_lookup_answer_is_a_decode_error(
    world: World, subtests: pytest.Subtests
) -> None:
    cases = _lookup_cases(world)
    assert len(cases) > 60
    for name, body in cases.items():
        with subtests.test(msg=name):
            world.serve(LOOKUP, body)
            with pytest.raises(DecodeError):
                world.source().lookup(SERVICE_KEY)
            with pytest.raises(RealDIDError):  # and nothing else escapes the light client
                world.client().lookup(SERVICE_KEY)


def test_every_malformed_proof_answer_is_a_decode_error(world: World) -> None:
    size = world.client().update().size
    bodies = [
        b"{}",
        b'{"proof": "x"}',
        b'{"proof": {}}',
        b'{"proof": [1]}',
        b'{"proof": [true]}',
        b'{"proof": [null]}',
        b'{"proof": ["!!"]}',
        b'{"proof": ["AA=="]}',
        json.dumps({"proof": [b64url(bytes(32))] * 200}).encode(),
        b'{"proof": [], "proof": []}',
        *NOT_AN_OBJECT,
        *NOT_JSON,
    ]
    for body in bodies:
        world.serve(INCLUSION, body)
        with pytest.raises(DecodeError):
            world.source().inclusion_proof(2, size)
        world.serve(CONSISTENCY, body)
        with pytest.raises(DecodeError):
            world.source().consistency_proof(2, size)
        world.serve(INCLUSION, body)
        with pytest.raises(RealDIDError):
            world.client().entry(2)


def test_error_answers_are_ledger_http_errors(world: World) -> None:
    problem = "application/problem+json"
    for status in (400, 404, 500, 503, 302):
        for body in [*NOT_AN_OBJECT, *NOT_JSON, b'{"detail": 5}', b'{"detail": "\\u0000x"}']:
            world.serve(LOOKUP, body, status=status, media=problem)
            with pytest.raises(LedgerHttpError):
                world.source().lookup(SERVICE_KEY)
    world.serve(LOOKUP, json.dumps({"detail": "x" * 100_000}).encode(), 500, problem)
    with pytest.raises(LedgerHttpError) as caught:
        world.source().lookup(SERVICE_KEY)
    assert len(str(caught.value)) < 400
    world.serve(LOOKUP, b'{"detail": "gone for maintenance"}', 503, problem)
    with pytest.raises(LedgerHttpError, match="503: gone for maintenance"):
        world.source().lookup(SERVICE_KEY)


def test_malformed_checkpoints_and_entries_are_refused(world: World) -> None:
    for body in [*NOT_JSON, b"\x00" * 100, b"realdid\n" * 1000]:
        world.serve("/checkpoint", body, media="text/plain")
        with pytest.raises(RealDIDError):
            world.client().update()
        world.serve("/entries/2", body)
        with pytest.raises(RealDIDError):
            world.client().entry(2)


def test_keys_are_sent_as_one_path_segment(world: World) -> None:
    """A key with '#', '?' or '%' reaches the server whole (httpx would cut it at '#')."""
    key = "issuer-key:did:realdid:hospital-1#key?a=%41"
    world.serve("/lookup/" + key, _with(world, key=key))
    assert world.source().lookup(key).key == key
    with pytest.raises(RealDIDError):  # the real answer is for another key
        world.client().lookup(key)


def test_answers_are_read_up_to_a_bound(world: World) -> None:
    """A server cannot make the client hold more than MAX_ANSWER_BYTES, not even with a
    gzip bomb (16 MiB of zeros in about 16 KiB): reading stops at the bound, and a
    compressed answer is refused unread (the client asked for identity)."""
    big = b'{"proof": ["' + b"A" * (MAX_ANSWER_BYTES + 10) + b'"]}'
    bomb = gzip.compress(b"0" * (16 * MAX_ANSWER_BYTES), compresslevel=9)
    assert len(bomb) < 40_000
    for body, gzipped in ((big, False), (bomb, True)):
        refused = "Content-Encoding 'gzip'" if gzipped else "larger than"
        world.serve(INCLUSION, body, gzipped=gzipped)
        with pytest.raises(DecodeError, match=refused):
            world.source().inclusion_proof(2, 5)
        world.serve("/checkpoint", body, media="text/plain", gzipped=gzipped)
        with pytest.raises(DecodeError, match=refused):
            world.source().latest_checkpoint()
        world.serve(LOOKUP, body, status=500, media="application/problem+json", gzipped=gzipped)
        with pytest.raises(LedgerHttpError, match=r"500: $"):
            world.source().lookup(SERVICE_KEY)
