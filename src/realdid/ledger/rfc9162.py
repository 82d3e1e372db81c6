"""Merkle trees, inclusion and consistency proofs, exactly as RFC 9162 §2.1.

    hash_leaf(d)       = SHA-256(0x00 || d)
    hash_children(l,r) = SHA-256(0x01 || l || r)
    MTH({})            = SHA-256("")
    MTH(D[n])          = hash_children(MTH(D[0:k]), MTH(D[k:n])), k the largest
                         power of two smaller than n

The tree over n leaves is *not* padded: it splits at the largest power of two
below n. Every subtree the RFC's recursions visit is "aligned" (it starts at
a multiple of its own largest power-of-two part), so it is made of complete
subtrees, which stores keep:

         root (n = 6)
         /        \\
      [0:4]      [4:6]        node(2, 0) and node(1, 2) are complete
      /   \\      /   \\
   [0:2] [2:4] [4] [5]

Proof generation reads complete-subtree hashes through a :class:`NodeReader`
(``node(level, index)`` = the hash over leaves [index·2^level,
(index+1)·2^level)), so a store of any size answers with O(log² n) reads.
Verification follows the RFC's algorithms (§2.1.3.2, §2.1.4.2) literally:
compute a root, then compare; every hash must be exactly 32 bytes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Final, Protocol

from realdid.errors import InvalidArgumentError, VerificationError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "NodeReader",
    "consistency_proof",
    "hash_children",
    "hash_leaf",
    "inclusion_proof",
    "root",
    "root_from_inclusion_proof",
    "subtree_root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE: Final = 32
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()


class NodeReader(Protocol):
    """Hashes of complete subtrees: ``node(level, index)`` covers leaves
    [index·2^level, (index + 1)·2^level); level 0 is the leaf hashes."""

    def node(self, level: int, index: int) -> bytes: ...


def hash_leaf(data: bytes) -> bytes:
    """The leaf hash of RFC 9162 §2.1.1: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """An interior node of RFC 9162 §2.1.1: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """k: the largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_root(nodes: NodeReader, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for an aligned range (as the RFC's recursions produce)."""
    n = end - start
    if n <= 0:
        raise InvalidArgumentError("subtree: empty range")
    if n & (n - 1) == 0:  # a complete subtree
        level = n.bit_length() - 1
        if start % n:
            raise InvalidArgumentError("subtree: range not aligned")
        return nodes.node(level, start >> level)
    k = _split(n)
    return hash_children(subtree_root(nodes, start, start + k), subtree_root(nodes, start + k, end))


def root(nodes: NodeReader, size: int) -> bytes:
    """MTH of the first ``size`` leaves."""
    return EMPTY_ROOT if size == 0 else subtree_root(nodes, 0, size)


def inclusion_proof(nodes: NodeReader, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) (RFC 9162 §2.1.3.1). Requires 0 <= index < size."""
    if not 0 <= index < size:
        raise InvalidArgumentError(f"inclusion proof: index {index} not in [0, {size})")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree_root(nodes, start + k, end))
            end = start + k
        else:
            path.append(subtree_root(nodes, start, start + k))
            start += k
    path.reverse()  # PATH lists the deepest sibling first
    return path


def consistency_proof(nodes: NodeReader, size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[size2]) = SUBPROOF(size1, D[size2], true) (RFC 9162 §2.1.4.1).

    Requires 0 < size1 <= size2 (the proof for size1 == size2 is empty).
    """
    if not 0 < size1 <= size2:
        raise InvalidArgumentError(f"consistency proof: want 0 < {size1} <= {size2}")
    out: list[bytes] = []
    start, end, m, whole = 0, size2, size1, True
    while True:
        if m == end - start:
            if not whole:
                out.append(subtree_root(nodes, start, end))
            break
        k = _split(end - start)
        if m <= k:
            out.append(subtree_root(nodes, start + k, end))
            end = start + k
        else:
            out.append(subtree_root(nodes, start, start + k))
            start, m, whole = start + k, m - k, False
    out.reverse()
    return out


def _check_hashes(values: Sequence[bytes], what: str) -> None:
    for value in values:
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            raise VerificationError(f"{what}: every hash must be {HASH_SIZE} bytes")


def root_from_inclusion_proof(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """Steps 1-3 of RFC 9162 §2.1.3.2: the root the proof implies (or VerificationError)."""
    _check_hashes((leaf_hash, *proof), "inclusion proof")
    if not 0 <= index < size:
        raise VerificationError("inclusion proof: leaf index not below the tree size")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise VerificationError("inclusion proof: longer than the path")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hash_children(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("inclusion proof: shorter than the path")
    return r


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root_hash: bytes
) -> None:
    """RFC 9162 §2.1.3.2: None if ``leaf_hash`` is leaf ``index`` of the tree with
    ``root_hash``; else VerificationError."""
    _check_hashes((root_hash,), "root")
    computed = root_from_inclusion_proof(index, size, leaf_hash, proof)
    if not hmac.compare_digest(computed, root_hash):
        raise VerificationError("inclusion proof: root mismatch")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2: None if the tree (size2, root2) extends (size1, root1).

    Sizes equal: the proof must be empty and the roots equal. size1 = 0 is
    refused (every tree extends the empty one: such a "proof" proves nothing).
    """
    _check_hashes((root1, root2, *proof), "consistency proof")
    if not 0 <= size1 <= size2:
        raise VerificationError("consistency proof: first size above the second")
    if size1 == 0:
        raise VerificationError("consistency proof: from the empty tree proves nothing")
    if size1 == size2:
        if proof or not hmac.compare_digest(root1, root2):
            raise VerificationError("consistency proof: equal sizes need equal roots, no proof")
        return
    if not proof:
        raise VerificationError("consistency proof: empty")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # step 2: first is a power of two
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("consistency proof: longer than the path")
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("consistency proof: shorter than the path")
    if not (hmac.compare_digest(fr, root1) and hmac.compare_digest(sr, root2)):
        raise VerificationError("consistency proof: root mismatch")
