"""A sparse Merkle tree over the registry's current state: lookups with proofs.

Every state key (``did:…``, ``issuer-key:…``, ``schema:…``, ``service:…``,
``trustees``, ``epoch``) sits at the leaf SHA-256(key) of a 256-level binary
tree. A present leaf hashes H(0x00 || path || value); an empty subtree is 32
zero bytes at every height, and a node with two empty children is empty, so
only the paths of present keys are ever hashed:

    node(l, r) = EMPTY                      if l = r = EMPTY
               = H(0x01 || l || r)          otherwise

The root goes into every checkpoint (the ``realdid-state`` line). A proof is
the 256 siblings of a path, sent compressed as a 32-byte bitmap of the
non-empty ones followed by those; the same proof shows a key is present with
a value, or absent (its leaf is empty): "no such service" is provable.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

from realdid.errors import DecodeError, VerificationError

__all__ = ["EMPTY", "SmtProof", "SparseMerkleTree", "lookup_value", "verify_lookup"]

DEPTH: Final = 256
EMPTY: Final = bytes(32)


def _path(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest(), "big")


def _leaf(path: int, value: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + path.to_bytes(32, "big") + value).digest()


def _node(left: bytes, right: bytes) -> bytes:
    if left == EMPTY and right == EMPTY:
        return EMPTY
    return hashlib.sha256(b"\x01" + left + right).digest()


@dataclass(frozen=True, slots=True)
class SmtProof:
    """The siblings of a path, leaf level first (256 of them, most EMPTY)."""

    siblings: tuple[bytes, ...]

    def encode(self) -> bytes:
        bitmap, present = 0, []
        for i, sibling in enumerate(self.siblings):
            if sibling != EMPTY:
                bitmap |= 1 << i
                present.append(sibling)
        return bitmap.to_bytes(32, "big") + b"".join(present)

    @classmethod
    def decode(cls, octets: bytes) -> SmtProof:
        if len(octets) < 32 or (len(octets) - 32) % 32:
            raise DecodeError("state proof: want a 32-byte bitmap and 32-byte hashes")
        bitmap = int.from_bytes(octets[:32], "big")
        if bitmap.bit_count() != (len(octets) - 32) // 32:
            raise DecodeError("state proof: bitmap does not match the hashes")
        hashes = [octets[i : i + 32] for i in range(32, len(octets), 32)]
        if any(h == EMPTY for h in hashes):
            raise DecodeError("state proof: an empty hash marked present")
        it = iter(hashes)
        return cls(tuple(next(it) if bitmap >> i & 1 else EMPTY for i in range(DEPTH)))


class SparseMerkleTree:
    """Present leaves and the non-empty interior nodes, keyed by (height, prefix)."""

    def __init__(self) -> None:
        self._nodes: dict[tuple[int, int], bytes] = {}
        self._values: dict[str, bytes] = {}

    def _get(self, height: int, prefix: int) -> bytes:
        return self._nodes.get((height, prefix), EMPTY)

    @property
    def root(self) -> bytes:
        return self._get(DEPTH, 0)

    def get(self, key: str) -> bytes | None:
        return self._values.get(key)

    def set(self, key: str, value: bytes) -> None:
        """Set (or replace) ``key``'s value: 256 hashes up its path."""
        path = _path(key)
        self._values[key] = value
        current = _leaf(path, value)
        self._nodes[(0, path)] = current
        for height in range(DEPTH):
            prefix = path >> height
            sibling = self._get(height, prefix ^ 1)
            left, right = (sibling, current) if prefix & 1 else (current, sibling)
            current = _node(left, right)
            self._nodes[(height + 1, prefix >> 1)] = current

    def copy(self) -> SparseMerkleTree:
        """A snapshot (for answering lookups against an older checkpoint)."""
        twin = SparseMerkleTree()
        twin._nodes = dict(self._nodes)
        twin._values = dict(self._values)
        return twin

    def prove(self, key: str) -> SmtProof:
        path = _path(key)
        return SmtProof(tuple(self._get(h, (path >> h) ^ 1) for h in range(DEPTH)))


def verify_lookup(root: bytes, key: str, value: bytes | None, proof: SmtProof) -> None:
    """None if ``key`` maps to ``value`` under ``root`` (``value`` None: the key is
    absent); VerificationError otherwise."""
    if len(proof.siblings) != DEPTH or len(root) != 32:
        raise VerificationError("state proof: wrong shape")
    path = _path(key)
    current = EMPTY if value is None else _leaf(path, value)
    for height, sibling in enumerate(proof.siblings):
        left, right = (sibling, current) if (path >> height) & 1 else (current, sibling)
        current = _node(left, right)
    if not hmac.compare_digest(current, root):
        raise VerificationError(f"state proof: {key!r} does not have that value")


def lookup_value(index: int, leaf_hash: bytes) -> bytes:
    """The value a state key holds: the log index and leaf hash of its latest entry."""
    return index.to_bytes(8, "big") + leaf_hash
