"""Fiat–Shamir transcripts for RealDID's own proofs.

Every public input and every prover commitment goes into the challenge
hash, each item with a label and a length prefix, so that no two different
statements serialize to the same bytes ("Frozen Heart" style weaknesses come
from leaving public inputs out, or from ambiguous concatenation).

    item = I2OSP(len(label), 1) || label || I2OSP(len(data), 8) || data

The challenge is hash_to_scalar(domain || items, dst) with the ciphersuite's
expand_message, as the BBS drafts derive theirs.
"""

from __future__ import annotations

from collections.abc import Iterable

from realdid.crypto._backend import G1, Scalar, encode_g1
from realdid.crypto.suites import Ciphersuite
from realdid.errors import InvalidArgumentError

__all__ = ["Transcript"]


class Transcript:
    """An append-only, labelled, length-prefixed byte record ending in a challenge."""

    def __init__(self, domain: bytes) -> None:
        self._parts: list[bytes] = []
        self.append(b"domain", domain)

    def append(self, label: bytes, data: bytes) -> None:
        if len(label) > 255:
            raise InvalidArgumentError("transcript label: longer than 255 bytes")
        self._parts.append(bytes([len(label)]) + label + len(data).to_bytes(8, "big") + data)

    def append_points(self, label: bytes, points: Iterable[G1]) -> None:
        self.append(label, b"".join(encode_g1(p) for p in points))

    def append_scalars(self, label: bytes, scalars: Iterable[Scalar]) -> None:
        self.append(label, b"".join(s.to_be_bytes() for s in scalars))

    def append_int(self, label: bytes, value: int) -> None:
        self.append(label, value.to_bytes(8, "big", signed=True))

    def digest_input(self) -> bytes:
        return b"".join(self._parts)

    def challenge(self, suite: Ciphersuite, dst: bytes) -> Scalar:
        """The Fiat–Shamir challenge: hash_to_scalar(all items, dst)."""
        return suite.hash_to_scalar(self.digest_input(), dst)
