"""rfc9162.root and subtree_root against the RFC's MTH, computed naively here.

``root`` had no caller in the tests (issue #9 §5: every one of its mutants went
unnoticed); the stores compute roots through ``subtree_root``.
"""

from __future__ import annotations

import hashlib

import pytest

from realdid.errors import InvalidArgumentError
from realdid.ledger.rfc9162 import EMPTY_ROOT, hash_leaf, root, subtree_root
from realdid.ledger.tree import MemoryTree

LEAVES = [f"entry {i}".encode() for i in range(70)]


def _mth(d: list[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1, recursively."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + _mth(d[:k]) + _mth(d[k:])).digest()


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    t = MemoryTree()
    t.extend(hash_leaf(leaf) for leaf in LEAVES)
    return t


def test_root_of_every_size(tree: MemoryTree) -> None:
    assert root(tree, 0) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    for n in range(1, len(LEAVES) + 1):
        assert root(tree, n) == _mth(LEAVES[:n]), n


@pytest.mark.parametrize(("start", "end"), [(0, 1), (4, 8), (8, 11), (64, 70), (32, 64), (0, 70)])
def test_subtree_root_of_aligned_ranges(tree: MemoryTree, start: int, end: int) -> None:
    assert subtree_root(tree, start, end) == _mth(LEAVES[start:end])


@pytest.mark.parametrize(("start", "end"), [(3, 3), (5, 4), (2, 6), (1, 3), (6, 10)])
def test_subtree_root_refuses_empty_or_unaligned_ranges(
    tree: MemoryTree, start: int, end: int
) -> None:
    with pytest.raises(InvalidArgumentError):
        subtree_root(tree, start, end)
