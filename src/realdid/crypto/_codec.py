"""Octet encodings of the BBS drafts, decoded strictly.

draft-irtf-cfrg-bbs-signatures §4.2.4 (serialize, signature_to_octets,
octets_to_signature, proof_to_octets, octets_to_proof, octets_to_pubkey) and
the blind draft's commitment_with_proof encoding (§4.1.2, §5.4.1). Every
decoder checks the exact length before touching the bytes, then every point
(flags, x < p, curve, subgroup, not the identity) and every scalar
(0 < s < r); a defect raises :class:`~realdid.errors.DecodeError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from realdid.crypto._backend import (
    G1,
    G2,
    OCTET_POINT_G1,
    OCTET_SCALAR,
    Scalar,
    as_octets,
    as_octets_list,
    decode_g1,
    decode_g2,
    decode_scalar,
    encode_g1,
    encode_scalar,
)
from realdid.crypto.generators import MAX_MESSAGES
from realdid.errors import DecodeError, InvalidArgumentError

__all__ = [
    "PROOF_FLOOR",
    "SIGNATURE_LENGTH",
    "CommitmentWithProof",
    "Proof",
    "check_indexes",
    "commitment_length",
    "commitment_with_proof_to_octets",
    "decode_scalar_list",
    "i2osp8",
    "octets_to_commitment_with_proof",
    "octets_to_proof",
    "octets_to_pubkey",
    "octets_to_signature",
    "proof_to_octets",
    "signature_to_octets",
]

SIGNATURE_LENGTH: Final = OCTET_POINT_G1 + OCTET_SCALAR
#: 3 points and 4 scalars: Abar, Bbar, D, e^, r1^, r3^, c (draft §3.5.4).
PROOF_FLOOR: Final = 3 * OCTET_POINT_G1 + 4 * OCTET_SCALAR
_COMMITMENT_FLOOR: Final = OCTET_POINT_G1 + 2 * OCTET_SCALAR


def i2osp8(value: int) -> bytes:
    """I2OSP(value, 8): counts, indexes and lengths inside serialize."""
    return value.to_bytes(8, "big")


def check_indexes(indexes: Sequence[int], bound: int, what: str) -> list[int]:
    """Indexes must be ints, strictly ascending (hence unique), each in [0, bound)."""
    out: list[int] = []
    previous = -1
    for i in indexes:
        if type(i) is not int:
            raise InvalidArgumentError(f"{what}: got a {type(i).__name__}, want int")
        if not 0 <= i < bound:
            raise InvalidArgumentError(f"{what}: index {i} out of range [0, {bound})")
        if i <= previous:
            raise InvalidArgumentError(f"{what}: indexes must be strictly ascending and unique")
        out.append(i)
        previous = i
    return out


def signature_to_octets(A: G1, e: Scalar) -> bytes:
    """signature_to_octets (§4.2.4.2): A || e, 80 bytes."""
    return encode_g1(A) + encode_scalar(e)


def octets_to_signature(signature: bytes) -> tuple[G1, Scalar]:
    """octets_to_signature (§4.2.4.3): A in G1 and not the identity, 0 < e < r."""
    signature = as_octets(signature, "signature")
    if len(signature) != SIGNATURE_LENGTH:
        raise DecodeError(f"signature: got {len(signature)} bytes, want {SIGNATURE_LENGTH}")
    A = decode_g1(signature[:OCTET_POINT_G1], "signature A")
    e = decode_scalar(signature[OCTET_POINT_G1:], "signature e")
    return A, e


@lru_cache(maxsize=256)
def octets_to_pubkey(pk: bytes) -> G2:
    """octets_to_pubkey (§4.2.4.6): W in G2, not the identity. Cached: keys recur."""
    return decode_g2(pk, "public key")


@dataclass(frozen=True, slots=True)
class Proof:
    """A decoded BBS proof (§4.2.4.5); ``octets`` keeps Abar || Bbar || D as received."""

    Abar: G1
    Bbar: G1
    D: G1
    e_hat: Scalar
    r1_hat: Scalar
    r3_hat: Scalar
    m_hat: tuple[Scalar, ...]
    challenge: Scalar
    points_octets: bytes


def proof_to_octets(
    points_octets: bytes,
    e_hat: Scalar,
    r1_hat: Scalar,
    r3_hat: Scalar,
    m_hat: Sequence[Scalar],
    challenge: Scalar,
) -> bytes:
    """proof_to_octets (§4.2.4.4): Abar || Bbar || D || e^ || r1^ || r3^ || m^... || c."""
    scalars = (e_hat, r1_hat, r3_hat, *m_hat, challenge)
    return points_octets + b"".join(s.to_be_bytes() for s in scalars)


def octets_to_proof(proof: bytes) -> Proof:
    """octets_to_proof (§4.2.4.5).

    Requires len(proof) = 272 + 32·U exactly, U <= MAX_MESSAGES; three points
    in G1, none the identity; every scalar 0 < s < r.
    """
    proof = as_octets(proof, "proof")
    n = len(proof)
    if n < PROOF_FLOOR or (n - PROOF_FLOOR) % OCTET_SCALAR:
        raise DecodeError(f"proof: got {n} bytes, want 272 + 32·U")
    U = (n - PROOF_FLOOR) // OCTET_SCALAR
    if U > MAX_MESSAGES:
        raise DecodeError(f"proof: {U} undisclosed messages, want at most {MAX_MESSAGES}")
    p = OCTET_POINT_G1
    Abar = decode_g1(proof[0:p], "proof Abar")
    Bbar = decode_g1(proof[p : 2 * p], "proof Bbar")
    D = decode_g1(proof[2 * p : 3 * p], "proof D")
    off = 3 * p
    scalars = [
        decode_scalar(proof[i : i + OCTET_SCALAR], "proof scalar")
        for i in range(off, n, OCTET_SCALAR)
    ]
    return Proof(
        Abar=Abar,
        Bbar=Bbar,
        D=D,
        e_hat=scalars[0],
        r1_hat=scalars[1],
        r3_hat=scalars[2],
        m_hat=tuple(scalars[3:-1]),
        challenge=scalars[-1],
        points_octets=proof[:off],
    )


@dataclass(frozen=True, slots=True)
class CommitmentWithProof:
    """A decoded blind commitment: C and its proof (s^, m^_1..m^_M, c)."""

    C: G1
    s_hat: Scalar
    m_hat: tuple[Scalar, ...]
    challenge: Scalar


def commitment_with_proof_to_octets(
    C: G1, s_hat: Scalar, m_hat: Sequence[Scalar], challenge: Scalar
) -> bytes:
    """commitment_with_proof_to_octets (blind draft §5.4.1): C || s^ || m^... || c."""
    return encode_g1(C) + b"".join(s.to_be_bytes() for s in (s_hat, *m_hat, challenge))


def commitment_length(M: int) -> int:
    """Octet length of a commitment with proof over M messages: 48 + 32·(M + 2)."""
    return _COMMITMENT_FLOOR + OCTET_SCALAR * M


def octets_to_commitment_with_proof(octets: bytes) -> CommitmentWithProof:
    """octets_to_commitment_with_proof (blind draft §4.1.2).

    Requires len = 48 + 32·(M + 2), M <= MAX_MESSAGES; C in G1, not the
    identity; every scalar 0 < s < r.
    """
    octets = as_octets(octets, "commitment_with_proof")
    n = len(octets)
    if n < _COMMITMENT_FLOOR or (n - _COMMITMENT_FLOOR) % OCTET_SCALAR:
        raise DecodeError(f"commitment_with_proof: got {n} bytes, want 48 + 32·(M + 2)")
    M = (n - _COMMITMENT_FLOOR) // OCTET_SCALAR
    if M > MAX_MESSAGES:
        raise DecodeError(f"commitment_with_proof: {M} messages, want at most {MAX_MESSAGES}")
    C = decode_g1(octets[:OCTET_POINT_G1], "commitment C")
    scalars = [
        decode_scalar(octets[i : i + OCTET_SCALAR], "commitment proof scalar")
        for i in range(OCTET_POINT_G1, n, OCTET_SCALAR)
    ]
    return CommitmentWithProof(
        C=C, s_hat=scalars[0], m_hat=tuple(scalars[1:-1]), challenge=scalars[-1]
    )


def decode_scalar_list(values: Sequence[bytes], what: str, *, allow_zero: bool) -> list[Scalar]:
    """Decode caller-supplied scalars (nym secrets, blinds) with the range check."""
    return [decode_scalar(v, what, allow_zero=allow_zero) for v in as_octets_list(values, what)]
