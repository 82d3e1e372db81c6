"""The test command starts PostgreSQL itself where none runs (a private cluster)."""

from __future__ import annotations

from tools.postgres import _private_cluster, fresh_database

from realdid.ledger.stores.sql import SqlStore


def test_a_private_cluster_serves_a_store_and_stops() -> None:
    with _private_cluster() as admin, fresh_database(admin) as url:
        store = SqlStore.postgres(url)
        assert store.append(b"entry") == 0
        assert store.size() == 1
        store.close()
