"""Generators: create_generators and the ciphersuite constant P1.

draft-irtf-cfrg-bbs-signatures §4.1.1 (create_generators) and §6.1 (P1).
Each generator costs a hash to the curve (~0.2 ms), and a proof of an
L-message credential needs L + 1 of them on every call, so they are cached
per (ciphersuite, api_id) and the stream is *extended* on demand: the draft's
derivation is sequential (v_i depends on v_{i-1}), so the cache keeps the last
v and resumes from it. The compressed encodings are cached beside the points,
since calculate_domain hashes them on every signature and proof.

The cache is bounded only by the largest count ever requested; callers that
take counts from untrusted input (a proof's length) cap them first with
:data:`MAX_MESSAGES`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Final

from realdid.crypto._backend import G1, encode_g1
from realdid.crypto.suites import EXPAND_LEN, Ciphersuite
from realdid.errors import InvalidArgumentError

__all__ = ["MAX_MESSAGES", "Generators", "check_message_count", "create_generators", "p1"]

#: The most messages (generators) one signature or proof may involve.
#: The drafts allow 2^64 - 1; a bound keeps a hostile proof length from
#: costing unbounded hashing and memory. RealDID's schemas use ~10-30.
MAX_MESSAGES: Final = 4096


def check_message_count(count: int, what: str = "messages") -> None:
    """Requires count <= MAX_MESSAGES (checked before any generator is made)."""
    if count > MAX_MESSAGES:
        raise InvalidArgumentError(f"{what}: got {count}, want at most {MAX_MESSAGES}")


@dataclass(frozen=True, slots=True)
class Generators:
    """A prefix of a generator stream: the points and their compressed bytes."""

    points: tuple[G1, ...]
    octets: tuple[bytes, ...]

    def __len__(self) -> int:
        return len(self.points)


@dataclass(slots=True)
class _Stream:
    v: bytes
    points: list[G1] = field(default_factory=list)
    octets: list[bytes] = field(default_factory=list)


_LOCK: Final = threading.Lock()
_STREAMS: dict[tuple[str, bytes, bytes], _Stream] = {}


def _extend(suite: Ciphersuite, api_id: bytes, seed: bytes, count: int) -> Generators:
    """Steps 1-7 of create_generators, resumable: v_i = expand(v_{i-1} || I2OSP(i, 8))."""
    seed_dst = api_id + b"SIG_GENERATOR_SEED_"
    generator_dst = api_id + b"SIG_GENERATOR_DST_"
    key = (suite.name, api_id, seed)
    with _LOCK:
        stream = _STREAMS.get(key)
        if stream is None:
            stream = _Stream(v=suite.expand_message(seed, seed_dst, EXPAND_LEN))
            _STREAMS[key] = stream
        for i in range(len(stream.points) + 1, count + 1):
            stream.v = suite.expand_message(stream.v + i.to_bytes(8, "big"), seed_dst, EXPAND_LEN)
            point = suite.hash_to_curve_g1(stream.v, generator_dst)
            stream.points.append(point)
            stream.octets.append(encode_g1(point))
        return Generators(tuple(stream.points[:count]), tuple(stream.octets[:count]))


def create_generators(count: int, api_id: bytes, *, ciphersuite: Ciphersuite) -> Generators:
    """create_generators(count, api_id) (draft §4.1.1), cached and extended on demand.

    Requires 0 <= count <= MAX_MESSAGES + 1 (a signature over L messages needs
    L + 1 generators: Q_1 then H_1..H_L).
    """
    if not 0 <= count <= MAX_MESSAGES + 1:
        raise InvalidArgumentError(f"generator count: got {count}, want 0..{MAX_MESSAGES + 1}")
    return _extend(ciphersuite, api_id, api_id + b"MESSAGE_GENERATOR_SEED", count)


def p1(ciphersuite: Ciphersuite) -> tuple[G1, bytes]:
    """The ciphersuite's base point P1 (draft §6.1) and its encoding.

    P1 is the first point of the stream seeded with
    ``core_api_id || "BP_MESSAGE_GENERATOR_SEED"`` under the core api_id's DSTs;
    it does not depend on the interface (blind, pseudonym) in use.
    """
    api_id = ciphersuite.core_api_id
    gens = _extend(ciphersuite, api_id, api_id + b"BP_MESSAGE_GENERATOR_SEED", 1)
    return gens.points[0], gens.octets[0]
