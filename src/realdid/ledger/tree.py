"""An in-memory Merkle tree: complete-subtree hashes, level by level.

Level h holds the hashes of the complete subtrees of 2^h leaves, 32 bytes
each, in one bytearray; appending a leaf completes at most one subtree per
level (amortised one hash per append). It serves proofs through the
:class:`~realdid.ledger.rfc9162.NodeReader` protocol — the stores keep the
same nodes in their tables — and lets the benchmark build trees of 10^7
leaves from leaf hashes alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from realdid.errors import InvalidArgumentError
from realdid.ledger.rfc9162 import EMPTY_ROOT, HASH_SIZE, hash_children, subtree_root

__all__ = ["MemoryTree"]


class MemoryTree:
    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]

    @property
    def size(self) -> int:
        return len(self._levels[0]) // HASH_SIZE

    def append_leaf_hash(self, leaf_hash: bytes) -> int:
        """Append one leaf hash; returns its index."""
        if len(leaf_hash) != HASH_SIZE:
            raise InvalidArgumentError("leaf hash: want 32 bytes")
        index = self.size
        self._levels[0] += leaf_hash
        level, i = 0, index
        while i & 1:  # a right child completes its parent
            parent = hash_children(self.node(level, i - 1), self.node(level, i))
            level += 1
            if level == len(self._levels):
                self._levels.append(bytearray())
            self._levels[level] += parent
            i >>= 1
        return index

    @classmethod
    def from_leaf_hashes(cls, blob: bytes) -> MemoryTree:
        """Build level by level from concatenated 32-byte leaf hashes (benchmarks: 10^7 leaves)."""
        if len(blob) % HASH_SIZE:
            raise InvalidArgumentError("leaf hashes: want a multiple of 32 bytes")
        tree = cls()
        tree._levels = [bytearray(blob)]
        level = tree._levels[0]
        while len(level) >= 2 * HASH_SIZE:
            pairs = len(level) // (2 * HASH_SIZE)
            parent = bytearray(pairs * HASH_SIZE)
            for i in range(pairs):
                start = 2 * HASH_SIZE * i
                parent[i * HASH_SIZE : (i + 1) * HASH_SIZE] = hashlib.sha256(
                    b"\x01" + level[start : start + 2 * HASH_SIZE]
                ).digest()
            tree._levels.append(parent)
            level = parent
        return tree

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for leaf_hash in leaf_hashes:
            self.append_leaf_hash(leaf_hash)

    def node(self, level: int, index: int) -> bytes:
        if level >= len(self._levels):
            raise InvalidArgumentError(f"node ({level}, {index}): no such complete subtree")
        start = index * HASH_SIZE
        chunk = bytes(self._levels[level][start : start + HASH_SIZE])
        if len(chunk) != HASH_SIZE or index < 0:
            raise InvalidArgumentError(f"node ({level}, {index}): no such complete subtree")
        return chunk

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise InvalidArgumentError(f"root: size {size} beyond the tree ({self.size})")
        return EMPTY_ROOT if size == 0 else subtree_root(self, 0, size)
