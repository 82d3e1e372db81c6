"""The ledger's HTTP API: reads a light client can verify, writes that need admission,
errors as RFC 9457 problem details, and a body limit on writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tools.ledger_world import ORIGIN, T0, ledger_world

from realdid.api.ledger import create_ledger_app
from realdid.ledger.client import LightClient, TrustPolicy
from realdid.ledger.entries import EntryType
from realdid.ledger.http import HttpLogSource, LedgerHttpError
from realdid.ledger.log import Log
from realdid.ledger.note import NoteSigner
from realdid.ledger.stores.sql import SqlStore

KEY = NoteSigner.generate("realdid-log")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, Log]]:
    log = Log(SqlStore.sqlite(tmp_path / "api.db"), KEY)
    for entry in ledger_world().setup:
        log.append(entry)
    log.checkpoint()
    with TestClient(create_ledger_app(log, max_body=64 * 1024)) as client:
        yield client, log


def _problem(response: object, status: int, slug: str) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert body["type"].endswith(slug)
    assert body["title"]
    assert body["detail"]


def test_a_light_client_verifies_everything_it_reads_over_http(api: tuple[TestClient, Log]) -> None:
    client, log = api
    light = LightClient(TrustPolicy(ORIGIN, KEY.verifier), HttpLogSource("", client))
    cp = light.update()
    assert cp.size == log.store.size()
    assert light.entry(2).type is EntryType.ADMIT
    assert light.lookup(f"service:{ledger_world().forum.did}") is not None
    assert light.lookup("service:did:realdid:none") is None
    page = client.get("/entries", params={"start": 0, "end": 5000}).json()
    assert len(page["entries"]) == log.store.size()


def test_writes_are_admitted_committed_and_acknowledged(api: tuple[TestClient, Log]) -> None:
    client, log = api
    w = ledger_world()
    size = log.store.size()
    epoch = log.registry.latest_index("epoch")
    good = w.authority.sign(EntryType.EPOCH, {"epoch": 12, "starts": "2026-12-01"}, T0, epoch)
    response = client.post("/entries", content=good)
    assert response.status_code == 201
    assert response.json() == {"index": size}
    assert log.store.entry(size) == good  # committed before the 201
    outsider = w.outsider.sign(EntryType.EPOCH, {"epoch": 13, "starts": "2026-12-01"}, T0)
    _problem(client.post("/entries", content=outsider), 403, "not-admitted")
    _problem(client.post("/entries", content=b"{not json"), 400, "malformed")
    stale = w.authority.sign(EntryType.EPOCH, {"epoch": 5, "starts": "2026-12-01"}, T0, size)
    _problem(client.post("/entries", content=stale), 422, "invalid")
    _problem(client.post("/entries", content=good), 422, "invalid")  # a replay
    assert log.store.size() == size + 1


def test_bodies_beyond_the_limit_are_refused_unread(api: tuple[TestClient, Log]) -> None:
    client, log = api
    size = log.store.size()
    _problem(client.post("/entries", content=b"x" * (65 * 1024)), 413, "http-413")

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"y" * 1024

    _problem(client.post("/entries", content=chunks()), 413, "http-413")
    assert log.store.size() == size


def test_reads_of_what_does_not_exist_are_problems(api: tuple[TestClient, Log]) -> None:
    client, _ = api
    _problem(client.get("/entries/99999"), 404, "http-404")
    _problem(client.get("/proof/inclusion", params={"index": 0, "size": 99999}), 404, "http-404")
    _problem(client.get("/proof/consistency", params={"first": 5, "second": 3}), 422, "invalid")
    _problem(client.get("/proof/consistency", params={"first": 0, "second": 3}), 422, "invalid")
    _problem(client.get("/proof/inclusion", params={"index": -1, "size": 3}), 400, "malformed")
    huge = str(10**30)
    _problem(client.get("/entries", params={"start": huge, "end": 5}), 400, "malformed")
    _problem(client.get(f"/entries/{huge}"), 400, "malformed")
    too_big: dict[str, int | str] = {"first": 1, "second": huge}
    _problem(client.get("/proof/consistency", params=too_big), 400, "malformed")
    with pytest.raises(LedgerHttpError):
        HttpLogSource("", client).entry(99999)


@pytest.mark.parametrize(
    "number",
    ["9" * 5000, str(2**53), "+1", " 1", "1.0", "01", "-0", "1e1", "1_0", "\u0663", "", "0x1"],
)
def test_numbers_in_paths_and_queries_are_canonical_and_safe(
    api: tuple[TestClient, Log], number: str
) -> None:
    """One text per number, at most 2^53 − 1 (the answers echo them in JSON), and a 400
    for anything else: never a 500 from Python's 4300-digit limit, never "+1" read as 1."""
    client, _ = api
    _problem(client.get("/proof/inclusion", params={"index": number, "size": 3}), 400, "malformed")
    _problem(client.get("/proof/inclusion", params={"index": 0, "size": number}), 400, "malformed")
    _problem(client.get("/entries", params={"start": number, "end": 3}), 400, "malformed")
    if number:  # (an empty segment is another path: GET /entries/)
        _problem(client.get(f"/entries/{number}"), 400, "malformed")
    assert client.get("/proof/inclusion", params={"index": 1, "size": 3}).status_code == 200
    assert client.get(f"/entries/{2**53 - 1}").status_code == 404  # the largest: read, absent


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 2048 + b"]" * 2048,
        b'{"a":' * 1000 + b"1" + b"}" * 1000,
        b'{"time":1' + b"0" * 5000 + b"}",
        b'{"v":1,"v":1}',
        b'{"time":NaN}',
        b"\xff\xfe",
    ],
)
def test_hostile_json_on_post_entries_is_a_400(api: tuple[TestClient, Log], body: bytes) -> None:
    """About 4 KB of brackets ended in a RecursionError (a 500) before strict JSON."""
    client, log = api
    size = log.store.size()
    _problem(client.post("/entries", content=body), 400, "malformed")
    assert log.store.size() == size


def test_unsupported_methods_are_405_with_allow(api: tuple[TestClient, Log]) -> None:
    client, _ = api
    for method in ("TRACE", "PUT", "DELETE", "PATCH", "OPTIONS"):
        response = client.request(method, "/entries")
        _problem(response, 405, "http-405")
        assert response.headers["allow"] == "GET, POST"  # both routes of the path
        response = client.request(method, "/checkpoint")
        _problem(response, 405, "http-405")
        assert response.headers["allow"] == "GET"
    response = client.request("POST", "/lookup/service:did:realdid:forum-a")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


def test_the_openapi_document_declares_the_entry_body(api: tuple[TestClient, Log]) -> None:
    client, _ = api
    document = client.get("/openapi.json").json()
    post = document["paths"]["/entries"]["post"]
    body = post["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Entry"}
    entry = document["components"]["schemas"]["Entry"]
    assert set(entry["required"]) == {"v", "type", "author", "key", "time", "prev", "body", "sig"}
    assert entry["properties"]["type"] == {"$ref": "#/components/schemas/EntryType"}
    assert "authority.genesis" in document["components"]["schemas"]["EntryType"]["enum"]
    assert {"201", "400", "403", "413", "422"} <= set(post["responses"])
    index = document["paths"]["/proof/inclusion"]["get"]["parameters"][0]["schema"]
    assert index["type"] == "integer"
    assert (index["minimum"], index["maximum"]) == (0, 2**53 - 1)
