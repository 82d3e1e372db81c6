"""The store interface every backend implements, and the tree bookkeeping they share.

A store keeps the log's entries in order, their leaf hashes, the hashes of
every complete subtree (so any proof costs O(log² n) reads, see
:mod:`realdid.ledger.rfc9162`), and the checkpoints the log signed. Appends
are atomic and serialised: ``append`` calls ``validate(index)`` *inside* the
write transaction, with the index the entry will get, so the admission check
runs against exactly the state it will extend, even with several writer
processes; when ``append`` returns, the entry is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from realdid.ledger.rfc9162 import hash_children

__all__ = ["LedgerStore", "Validator", "completed_nodes"]

#: Called inside the write transaction with the new entry's index; raises to refuse.
Validator = Callable[[int], None]


class LedgerStore(Protocol):
    def size(self) -> int: ...

    def append(self, entry: bytes, validate: Validator | None = None) -> int: ...

    def entry(self, index: int) -> bytes: ...

    def entries(self, start: int, end: int) -> list[bytes]: ...

    def leaf_hash(self, index: int) -> bytes: ...

    def node(self, level: int, index: int) -> bytes: ...

    def root(self, size: int | None = None) -> bytes: ...

    def save_checkpoint(self, size: int, note: bytes) -> None: ...

    def latest_checkpoint(self) -> bytes | None: ...

    def close(self) -> None: ...


def completed_nodes(
    index: int, leaf_hash: bytes, node: Callable[[int, int], bytes]
) -> list[tuple[int, int, bytes]]:
    """The complete subtrees that appending leaf ``index`` finishes: (level, index, hash).

    Leaf ``index`` at level 0 is a right child when its index is odd; then
    its parent is complete, and so on up while the node is a right child.
    ``node(level, i)`` reads an existing (left-sibling) node.
    """
    out = [(0, index, leaf_hash)]
    level, i, current = 0, index, leaf_hash
    while i & 1:
        current = hash_children(node(level, i - 1), current)
        level, i = level + 1, i >> 1
        out.append((level, i, current))
    return out
