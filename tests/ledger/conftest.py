"""Store fixtures: the same tests run on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tools.postgres import fresh_database, postgres_server

from realdid.ledger.stores.sql import SqlStore

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_admin: str) -> Iterator[str]:
    with fresh_database(postgres_admin) as url:
        yield url


def open_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> SqlStore:
    if backend == "sqlite":
        return SqlStore.sqlite(tmp_path / "ledger.db")
    url = request.getfixturevalue("postgres_url")
    return SqlStore.postgres(url)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    s = open_store(request.param, tmp_path, request)
    yield s
    s.close()
