"""Store fixtures: the same tests run on every backend (SQLite, PostgreSQL, EVM on anvil)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tools.anvil import anvil
from tools.ledger_world import ledger_world
from tools.postgres import fresh_database, postgres_server
from web3 import Web3

from realdid.ledger.stores.evm import EvmStore, deploy_registry
from realdid.ledger.stores.sql import SqlStore

BACKENDS = ["sqlite", "postgres", "evm"]


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_admin: str) -> Iterator[str]:
    with fresh_database(postgres_admin) as url:
        yield url


@pytest.fixture(scope="session")
def chain() -> Iterator[Web3]:
    """One anvil per test worker, started and stopped by PID (tools/anvil.py)."""
    with anvil() as url:
        yield Web3(Web3.HTTPProvider(url))


def evm_store(w3: Web3, tmp_path: Path) -> EvmStore:
    """A freshly deployed registry, the authority writing from account 0."""
    authority = ledger_world().authority.did
    address = deploy_registry(w3, w3.eth.accounts[0], authority)
    return EvmStore(
        w3, address, {authority: w3.eth.accounts[0]}, SqlStore.sqlite(tmp_path / "mirror.db")
    )


def open_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> SqlStore | EvmStore:
    if backend == "sqlite":
        return SqlStore.sqlite(tmp_path / "ledger.db")
    if backend == "postgres":
        return SqlStore.postgres(request.getfixturevalue("postgres_url"))
    return evm_store(request.getfixturevalue("chain"), tmp_path)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore | EvmStore]:
    s = open_store(request.param, tmp_path, request)
    yield s
    s.close()


@pytest.fixture(params=["sqlite", "postgres"])
def sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    s = open_store(request.param, tmp_path, request)
    assert isinstance(s, SqlStore)
    yield s
    s.close()
