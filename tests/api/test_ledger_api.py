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
    _problem(client.get("/proof/inclusion", params={"index": -1, "size": 3}), 422, "invalid")
    huge = str(10**30)
    _problem(client.get("/entries", params={"start": huge, "end": 5}), 422, "invalid")
    _problem(client.get(f"/entries/{huge}"), 422, "invalid")
    _problem(client.get("/proof/consistency", params={"first": 1, "second": huge}), 422, "invalid")
    with pytest.raises(LedgerHttpError):
        HttpLogSource("", client).entry(99999)
