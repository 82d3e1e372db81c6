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
compute a root, then compare. Before anything is hashed it checks the
preconditions: indexes and sizes are ints (a bool is not), in [0, 2^64)
(the RFC's uint64), every hash is exactly 32 bytes, and the proof has
exactly the length that PATH or PROOF gives for those sizes.

What a proof cannot do: bind the *second* size by itself. A consistency
proof carries only hashes, and the proof from 36 to 37 has the shape of the
one from 36 to 39 (the node over leaves [36, 39) stands where leaf 36
stood), so a log that signs "size 39" over the root of size 37 passes any
verifier of consistency proofs, transparency-dev's included. Whoever must
know that a size is right (a witness) checks the appended leaves too:
:func:`verify_append` re-derives the new root from the old tree's border
and the leaves themselves.
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
    "MAX_TREE_SIZE",
    "NodeReader",
    "consistency_proof",
    "consistency_proof_size",
    "hash_children",
    "hash_leaf",
    "inclusion_proof",
    "inclusion_proof_size",
    "root",
    "root_from_inclusion_proof",
    "subtree_root",
    "verify_append",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE: Final = 32
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()
#: RFC 9162 §4.1: tree sizes and leaf indexes are uint64.
MAX_TREE_SIZE: Final = 2**64 - 1


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


def _position(value: object, what: str) -> int:
    """``value`` as a leaf index or tree size: an int (not a bool) in [0, 2^64)."""
    if type(value) is not int:  # bool is an int subclass: True is not index 1
        raise InvalidArgumentError(f"{what}: got {type(value).__name__}, want int")
    if not 0 <= value <= MAX_TREE_SIZE:
        raise InvalidArgumentError(f"{what}: got {value}, want 0 <= {what} < 2^64")
    return value


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
    return EMPTY_ROOT if _position(size, "size") == 0 else subtree_root(nodes, 0, size)


def _path_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTH make PATH(index, D[size]), deepest first (§2.1.3.1)."""
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()  # PATH lists the deepest sibling first
    return ranges


def _proof_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTH make PROOF(size1, D[size2]) (§2.1.4.1), 0 < size1 <= size2."""
    ranges: list[tuple[int, int]] = []
    start, end, m, whole = 0, size2, size1, True
    while True:
        if m == end - start:
            if not whole:
                ranges.append((start, end))
            break
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    ranges.reverse()
    return ranges


def inclusion_proof_size(index: int, size: int) -> int:
    """len(PATH(index, D[size])) (RFC 9162 §2.1.3.1): the only length a proof may have.

    Requires 0 <= index < size < 2^64. O(log size), no hashing.
    """
    if not 0 <= _position(index, "index") < _position(size, "size"):
        raise InvalidArgumentError(f"inclusion proof: index {index} not in [0, {size})")
    return len(_path_ranges(index, size))


def consistency_proof_size(size1: int, size2: int) -> int:
    """len(PROOF(size1, D[size2])) (RFC 9162 §2.1.4.1); 0 when the sizes are equal.

    Requires 0 < size1 <= size2 < 2^64. O(log size2), no hashing.
    """
    if not 0 < _position(size1, "size1") <= _position(size2, "size2"):
        raise InvalidArgumentError(f"consistency proof: want 0 < {size1} <= {size2}")
    return len(_proof_ranges(size1, size2))


def inclusion_proof(nodes: NodeReader, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) (RFC 9162 §2.1.3.1). Requires 0 <= index < size."""
    inclusion_proof_size(index, size)  # the preconditions
    return [subtree_root(nodes, start, end) for start, end in _path_ranges(index, size)]


def consistency_proof(nodes: NodeReader, size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[size2]) = SUBPROOF(size1, D[size2], true) (RFC 9162 §2.1.4.1).

    Requires 0 < size1 <= size2 (the proof for size1 == size2 is empty).
    """
    consistency_proof_size(size1, size2)  # the preconditions
    return [subtree_root(nodes, start, end) for start, end in _proof_ranges(size1, size2)]


def _check_hashes(values: Sequence[bytes], what: str) -> None:
    for value in values:
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            raise VerificationError(f"{what}: every hash must be {HASH_SIZE} bytes")


def _check_length(proof: Sequence[bytes], want: int, what: str) -> None:
    if len(proof) != want:
        raise VerificationError(f"{what}: got {len(proof)} hashes, want {want}")


def root_from_inclusion_proof(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """Steps 1-3 of RFC 9162 §2.1.3.2: the root the proof implies (or VerificationError).

    Requires ``index`` and ``size`` ints (not bools) in [0, 2^64) (InvalidArgumentError
    otherwise); index >= size fails the proof as the RFC says (VerificationError), as
    does a proof that is not exactly :func:`inclusion_proof_size` hashes of 32 bytes.
    """
    _position(index, "index")
    _position(size, "size")
    if not 0 <= index < size:
        raise VerificationError("inclusion proof: leaf index not below the tree size")
    _check_hashes((leaf_hash, *proof), "inclusion proof")
    _check_length(proof, inclusion_proof_size(index, size), "inclusion proof")
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
    ``root_hash``; else VerificationError (InvalidArgumentError for a non-int index or size)."""
    _check_hashes((root_hash,), "root")
    computed = root_from_inclusion_proof(index, size, leaf_hash, proof)
    if not hmac.compare_digest(computed, root_hash):
        raise VerificationError("inclusion proof: root mismatch")


def _consistency_walk(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes
) -> tuple[bytes, bytes, list[bytes]]:
    """Steps 1-6 of RFC 9162 §2.1.4.2 for 0 < size1 < size2 and a proof of the right length.

    Returns (fr, sr, left): the two roots the proof implies, and the hashes
    that went into fr in the order used, deepest first, which are the
    complete subtrees that make up D[0:size1] (its border).
    """
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # step 2: first is a power of two
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    left = [path[0]]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("consistency proof: longer than the path")
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            left.append(c)
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
    return fr, sr, left


def _check_consistency_inputs(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """The preconditions of §2.1.4.2, checked before anything is hashed."""
    _position(size1, "size1")
    _position(size2, "size2")
    _check_hashes((root1, root2, *proof), "consistency proof")
    if size1 > size2:
        raise VerificationError("consistency proof: first size above the second")
    if size1 == 0:
        raise VerificationError("consistency proof: from the empty tree proves nothing")
    _check_length(proof, consistency_proof_size(size1, size2), "consistency proof")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2: None if the tree (size2, root2) extends (size1, root1).

    Sizes equal: the proof must be empty and the roots equal. size1 = 0 is
    refused (every tree extends the empty one: such a "proof" proves nothing).
    The proof must have exactly :func:`consistency_proof_size` hashes. Sizes
    that are not ints (or are bools) raise InvalidArgumentError; everything
    else VerificationError. This does not show that size2 is the true size
    of the tree with root2 (see the module docstring and :func:`verify_append`).
    """
    _checked_border(size1, size2, proof, root1, root2, "consistency proof")


def _checked_border(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes, what: str
) -> list[bytes]:
    """§2.1.4.2 whole for size1 > 0: raises unless the proof links root1 to root2;
    returns the border of D[0:size1] the walk proved (empty when size1 == size2)."""
    _check_consistency_inputs(size1, size2, proof, root1, root2)
    if size1 == size2:
        if not hmac.compare_digest(root1, root2):
            raise VerificationError(f"{what}: equal sizes need equal roots")
        return []
    fr, sr, left = _consistency_walk(size1, size2, proof, root1)
    if not (hmac.compare_digest(fr, root1) and hmac.compare_digest(sr, root2)):
        raise VerificationError(f"{what}: root mismatch")
    return left


def verify_append(
    size1: int,
    size2: int,
    proof: Sequence[bytes],
    root1: bytes,
    root2: bytes,
    leaf_hashes: Sequence[bytes],
) -> None:
    """None if (size2, root2) is the tree (size1, root1) with exactly ``leaf_hashes`` appended.

    What a witness needs and a consistency proof alone cannot give (see the
    module docstring): the new size bound to the new root.

    1. ``len(leaf_hashes) == size2 - size1``, each 32 bytes;
    2. size1 = 0: root2 must be MTH of the leaves (``proof`` empty);
    3. otherwise :func:`verify_consistency`, whose walk also yields the complete
       subtrees that make up D[0:size1], one per set bit of size1 — the
       hashes that fold to root1, so they are the true ones;
    4. append the leaves to that border (merging equal-height neighbours,
       as the tree is built) and fold it right to left into MTH(D[size2]);
       it must equal root2.
    """
    _position(size1, "size1")
    _position(size2, "size2")
    _check_hashes((root1, root2, *proof, *leaf_hashes), "append proof")
    if size2 < size1 or len(leaf_hashes) != size2 - size1:
        raise VerificationError(
            f"append proof: got {len(leaf_hashes)} leaves, want {size2} - {size1}"
        )
    if size1 == 0:
        _check_length(proof, 0, "append proof")
        border: list[tuple[int, bytes]] = []
    else:
        left = _checked_border(size1, size2, proof, root1, root2, "append proof")
        if size1 == size2:
            return
        heights = [h for h in range(size1.bit_length()) if size1 >> h & 1]
        if len(left) != len(heights):  # unreachable for a proof of the checked length
            raise VerificationError("append proof: the border does not match the size")
        border = list(zip(reversed(heights), reversed(left), strict=True))
    for leaf in leaf_hashes:
        height, node = 0, leaf
        while border and border[-1][0] == height:
            node = hash_children(border.pop()[1], node)
            height += 1
        border.append((height, node))
    computed = EMPTY_ROOT
    if border:
        computed = border[-1][1]
        for _, node in reversed(border[:-1]):
            computed = hash_children(node, computed)
    if not hmac.compare_digest(computed, root2):
        raise VerificationError("append proof: root mismatch")
