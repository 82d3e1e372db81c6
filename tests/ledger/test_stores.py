"""One suite for every store: order, atomicity, serialised writers, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tools.ledger_world import T0, ledger_world

from realdid.errors import InvalidArgumentError, PermissionDeniedError
from realdid.ledger.entries import EntryType
from realdid.ledger.rfc9162 import (
    consistency_proof,
    hash_leaf,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from realdid.ledger.stores.evm import EvmStore
from realdid.ledger.stores.sql import SqlStore
from realdid.ledger.tree import MemoryTree

Store = SqlStore | EvmStore

ROOT = Path(__file__).resolve().parents[2]


def _entries(n: int, tag: str = "e") -> list[bytes]:
    """n distinct signed entries (the stores do not judge content; the contract checks
    that the author writes as itself and a type its role may write)."""
    authority = ledger_world().authority
    when = T0 + sum(tag.encode())
    return [
        authority.sign(EntryType.EPOCH, {"epoch": i, "starts": "2026-12-01"}, when)
        for i in range(n)
    ]


def test_appends_are_ordered_and_match_the_reference_tree(store: Store) -> None:
    reference = MemoryTree()
    for i, entry in enumerate(_entries(37)):
        assert store.append(entry) == i
        reference.append_leaf_hash(hash_leaf(entry))
    assert store.size() == 37
    assert store.entries(3, 6) == _entries(37)[3:6]
    for size in (1, 2, 16, 17, 36, 37):
        assert store.root(size) == reference.root(size)
    root = store.root()
    for m in range(37):
        verify_inclusion(m, 37, store.leaf_hash(m), inclusion_proof(store, m, 37), root)
    verify_consistency(10, 37, consistency_proof(store, 10, 37), store.root(10), root)
    with pytest.raises(InvalidArgumentError):
        store.entry(37)
    with pytest.raises(InvalidArgumentError):
        store.root(38)


def test_a_refused_append_leaves_nothing(store: Store) -> None:
    first, second = _entries(2, "refusal")
    store.append(first)
    before = (store.size(), store.root())

    def refuse(index: int) -> None:
        assert index == 1
        raise PermissionDeniedError("not admitted")

    with pytest.raises(PermissionDeniedError):
        store.append(second, refuse)
    assert (store.size(), store.root()) == before
    with pytest.raises(InvalidArgumentError):
        store.entry(1)
    assert store.append(second) == 1


def test_concurrent_writers_are_serialised(sql_store: SqlStore) -> None:
    """SQL stores only: on a chain, the chain orders transactions (see test_evm.py)."""
    store = sql_store
    seen: list[int] = []
    lock = threading.Lock()

    def validate(index: int) -> None:
        with lock:
            seen.append(index)

    def writer(tag: str) -> None:
        for entry in _entries(15, tag):
            store.append(entry, validate)

    threads = [threading.Thread(target=writer, args=(f"w{t}",)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.size() == 60
    assert sorted(seen) == list(range(60))  # each index validated exactly once, no gaps
    reference = MemoryTree()
    reference.extend(hash_leaf(store.entry(i)) for i in range(60))
    assert store.root() == reference.root()


def test_checkpoints_are_kept(store: Store) -> None:
    assert store.latest_checkpoint() is None
    store.save_checkpoint(3, b"note at 3")
    store.save_checkpoint(7, b"note at 7")
    assert store.latest_checkpoint() == b"note at 7"


_WRITER = """
import sys
from realdid.ledger.stores.sql import SqlStore
kind, target = sys.argv[1:3]
store = SqlStore.postgres(target) if kind == "postgres" else SqlStore.sqlite(target)
print("ready", flush=True)
i = store.size()
while True:
    store.append(b'{"crash-test":%d}' % i)
    i += 1
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_killed_writer_never_leaves_half_an_entry(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """SQL stores only: a chain's atomicity is the transaction's, not this code's."""
    target = (
        str(tmp_path / "crash.db")
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    for _round in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, backend, target],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith(b"ready")
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    store = SqlStore.sqlite(target) if backend == "sqlite" else SqlStore.postgres(target)
    size = store.size()
    assert size > 0
    entries = store.entries(0, size + 10)
    assert len(entries) == size  # nothing beyond the committed size
    reference = MemoryTree()
    reference.extend(hash_leaf(e) for e in entries)
    assert store.root() == reference.root()  # every node of every committed entry is there
    assert store.append(b"after the crashes") == size
    store.close()
