"""RFC 9162 against a naive reference written here from the RFC's definitions:
every tree size 1..N (N = 300), every leaf's inclusion proof and every
consistency proof between sizes up to 64, random pairs beyond, and tampering."""

from __future__ import annotations

import hashlib
import random
from functools import cache

import pytest

from realdid.errors import InvalidArgumentError, VerificationError
from realdid.ledger.rfc9162 import (
    EMPTY_ROOT,
    consistency_proof,
    hash_leaf,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from realdid.ledger.tree import MemoryTree

N = 300


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    """MTH(D[n]) straight from RFC 9162 §2.1.1 (recursive, no shortcuts)."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (§2.1.3.1)."""
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) (§2.1.4.1)."""
    if m == len(d):
        return [] if b else [mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


LEAVES = [f"leaf {i}".encode() for i in range(N)]


@cache
def tree() -> MemoryTree:
    t = MemoryTree()
    t.extend(hash_leaf(leaf) for leaf in LEAVES)
    return t


def test_roots_of_every_size() -> None:
    t = tree()
    assert t.root(0) == EMPTY_ROOT == mth([])
    for n in range(1, N + 1):
        assert t.root(n) == mth(LEAVES[:n]), n


@pytest.mark.parametrize("n", [*range(1, 65), 100, 127, 128, 129, 255, 256, 257, 299, 300])
def test_inclusion_proofs_for_every_leaf(n: int) -> None:
    t, root = tree(), tree().root(n)
    for m in range(n):
        proof = inclusion_proof(t, m, n)
        assert proof == path(m, LEAVES[:n])
        verify_inclusion(m, n, hash_leaf(LEAVES[m]), proof, root)


def test_consistency_proofs_for_every_pair_up_to_64() -> None:
    t = tree()
    for n in range(1, 65):
        for m in range(1, n + 1):
            proof = consistency_proof(t, m, n)
            assert proof == ([] if m == n else subproof(m, LEAVES[:n], True))
            verify_consistency(m, n, proof, t.root(m), t.root(n))


def test_consistency_proofs_for_random_pairs() -> None:
    t, rng = tree(), random.Random(9162)
    for _ in range(400):
        n = rng.randint(1, N)
        m = rng.randint(1, n)
        proof = consistency_proof(t, m, n)
        assert proof == ([] if m == n else subproof(m, LEAVES[:n], True))
        verify_consistency(m, n, proof, t.root(m), t.root(n))


def test_tampered_proofs_fail() -> None:
    t, rng = tree(), random.Random(6962)
    for _ in range(200):
        n = rng.randint(2, N - 1)
        m = rng.randint(0, n - 1)
        proof = inclusion_proof(t, m, n)
        leaf, root = hash_leaf(LEAVES[m]), t.root(n)
        i = rng.randrange(len(proof))
        bad = [*proof[:i], bytes(32), *proof[i + 1 :]]
        for args in (
            (m, n, leaf, bad, root),
            (m, n, leaf, proof[:-1], root),
            (m, n, leaf, [*proof, root], root),
            ((m + 1) % n, n, leaf, proof, root),
            (m, n, hash_leaf(b"other"), proof, root),
            # (size, root) come together from a checkpoint: the grown tree's real root
            (m, n + 1, leaf, proof, t.root(n + 1)),
        ):
            with pytest.raises(VerificationError):
                verify_inclusion(*args)
        m2 = rng.randint(1, n - 1)
        c = consistency_proof(t, m2, n)
        for args2 in (
            (m2, n, c[:-1], t.root(m2), root),
            (m2, n, [*c[:-1], bytes(32)], t.root(m2), root),
            (m2, n, c, t.root(m2), t.root(n - 1)),
            (m2 + 1, n, c, t.root(m2), root) if m2 + 1 < n else (m2, n, c, root, root),
        ):
            with pytest.raises(VerificationError):
                verify_consistency(*args2)


def test_proof_requests_outside_the_tree_are_refused() -> None:
    t = tree()
    for bad in ((5, 5), (-1, 5)):
        with pytest.raises(InvalidArgumentError):
            inclusion_proof(t, *bad)
    for bad in ((0, 5), (6, 5)):
        with pytest.raises(InvalidArgumentError):
            consistency_proof(t, *bad)


def test_bulk_built_tree_equals_the_incremental_one() -> None:
    bulk = MemoryTree.from_leaf_hashes(b"".join(hash_leaf(leaf) for leaf in LEAVES))
    for n in range(N + 1):
        assert bulk.root(n) == tree().root(n)
    assert inclusion_proof(bulk, 137, N) == inclusion_proof(tree(), 137, N)
