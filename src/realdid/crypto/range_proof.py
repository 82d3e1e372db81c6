"""Range proofs on hidden integers: CCS08 set membership with Boneh–Boyen signatures.

Camenisch, Chaabouni, shelat, "Efficient Protocols for Set Membership and
Range Proofs", ASIACRYPT 2008, §4 (range proof in base u). Public parameters:
a base u, a digit count ℓ, a Boneh–Boyen key y = x·g2 and signatures
A_i = (x + i)^-1·g1 on every digit i ∈ [0, u). To prove t ∈ [0, u^ℓ) for
t = α·m + β (m a hidden signed message, α = ±1, β public), the prover writes
t = Σ d_j·u^j and, for each digit, blinds its signature V_j = v_j·A_{d_j} and
proves knowledge of (d_j, v_j) with

    e(V_j, y) = e(V_j, g2)^(-d_j) · e(g1, g2)^(v_j)                       (1)

A valid proof needs a BB signature on each digit, which no one can forge for
d ∉ [0, u) without x (q-SDH), so every digit is in range. V_j is uniform in
G1 whatever d_j is, so the proof hides t.

RealDID's form (commitment form, to batch): the prover sends
R_j = −s~_j·V_j + t~_j·g1 (the G1 preimage of the Sigma commitment
e(R_j, g2), an isomorphic encoding of CCS08's GT commitment), and the
verifier checks, for each digit, e(−s^_j·V_j + t^_j·g1 − R_j, g2)·e(−c·V_j, y) = 1.
The link to the signed message is linear: masks are drawn so that
Σ u^j·s~_j = α·m~, hence Σ u^j·s^_j = α·m^ + c·β, which fixes s^_0; it is not
sent (ℓ − 1 digit responses s^_j and ℓ responses t^_j per range).

Soundness: special soundness of (1) under the challenge c, the linear
relation over the same challenge, and q-SDH for the digit signatures.
The parameters must come from a party that does not collude with provers
(whoever knows x can prove false ranges): RealDID's authority generates them
and discards x; wallets validate them once (:meth:`RangeParams.validate`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from realdid.crypto._backend import (
    BP1,
    BP2,
    G1,
    G2,
    OCTET_POINT_G1,
    OCTET_POINT_G2,
    Scalar,
    as_octets,
    decode_g1,
    decode_g2,
    encode_g1,
    encode_g2,
    msm_g1,
    pairing_product_is_one,
    scalar_from_int,
    scalar_from_wide,
)
from realdid.crypto.checks import PairingCheck, random_weight
from realdid.crypto.randomness import random_scalar
from realdid.errors import DecodeError, InvalidArgumentError, StatementError, VerificationError

__all__ = ["RangeDecomposition", "RangeParams", "RangeProver", "generate_range_params"]

_G2_KEY = b"g2"


@dataclass(frozen=True)  # not slots: the digest is cached on the instance
class RangeParams:
    """(u, ℓ, y, A_0..A_{u-1}): proves t ∈ [0, u^ℓ)."""

    base: int
    digits: int
    y: G2 = field(repr=False)
    signatures: tuple[G1, ...] = field(repr=False)

    def __post_init__(self) -> None:
        if not 2 <= self.base <= 1024 or not 1 <= self.digits <= 64:
            raise InvalidArgumentError("range params: base or digit count out of range")
        if self.base**self.digits >= 1 << 64 or len(self.signatures) != self.base:
            raise InvalidArgumentError("range params: want u^ℓ < 2^64 and exactly u signatures")

    @property
    def bound(self) -> int:
        """u^ℓ: the proven interval is [0, bound)."""
        return int(self.base**self.digits)

    def encode(self) -> bytes:
        return (
            self.base.to_bytes(2, "big")
            + self.digits.to_bytes(1, "big")
            + encode_g2(self.y)
            + b"".join(encode_g1(a) for a in self.signatures)
        )

    @cached_property
    def digest(self) -> bytes:
        """SHA-256 of the encoding: what a presentation's challenge commits to."""
        return hashlib.sha256(b"realdid/range-params/v1" + self.encode()).digest()

    @classmethod
    def decode(cls, octets: bytes) -> RangeParams:
        """Strict decoding: 2 <= u <= 1024, 1 <= ℓ <= 64, u^ℓ < 2^64, every point checked."""
        octets = as_octets(octets, "range params")
        if len(octets) < 3 + OCTET_POINT_G2:
            raise DecodeError("range params: too short")
        base, digits = int.from_bytes(octets[:2], "big"), octets[2]
        if not 2 <= base <= 1024 or not 1 <= digits <= 64 or base**digits >= 1 << 64:
            raise DecodeError("range params: base or digit count out of range")
        want = 3 + OCTET_POINT_G2 + base * OCTET_POINT_G1
        if len(octets) != want:
            raise DecodeError(f"range params: got {len(octets)} bytes, want {want}")
        y = decode_g2(octets[3 : 3 + OCTET_POINT_G2], "range params y")
        off = 3 + OCTET_POINT_G2
        sigs = tuple(
            decode_g1(
                octets[off + i * OCTET_POINT_G1 : off + (i + 1) * OCTET_POINT_G1], "digit sig"
            )
            for i in range(base)
        )
        return cls(base, digits, y, sigs)

    def validate(self) -> None:
        """Check every digit signature, e(A_i, y + i·g2) = e(g1, g2), as one batched check:
        e(Σ ρ_i·A_i, y)·e(Σ ρ_i·i·A_i − (Σ ρ_i)·g1, g2) = 1. A wallet runs this once
        per parameter set: a wrong A_i would make proofs fail exactly when a digit is i,
        leaking that digit to the verifier."""
        weights = [random_weight() for _ in self.signatures]
        total = Scalar(0)
        for w in weights:
            total = total + w
        left = msm_g1(self.signatures, weights)
        right = msm_g1(
            (*self.signatures, BP1),
            (*(w * Scalar(i) for i, w in enumerate(weights)), -total),
        )
        if not pairing_product_is_one((left, right), (self.y, BP2)):
            raise VerificationError("range parameters: a digit signature is not valid")


def generate_range_params(base: int = 16, digits: int = 4) -> RangeParams:
    """Fresh parameters; the BB secret x is drawn, used and dropped (never returned)."""
    if not 2 <= base <= 1024 or not 1 <= digits <= 64 or base**digits >= 1 << 64:
        raise InvalidArgumentError("range params: base or digit count out of range")
    x = scalar_from_wide(secrets.token_bytes(48))
    sigs = tuple(BP1 * (x + Scalar(i)).inverse() for i in range(base))
    return RangeParams(base, digits, BP2 * x, sigs)


@dataclass(frozen=True, slots=True)
class RangeDecomposition:
    """One statement t = α·m + β ∈ [0, u^ℓ) (α = ±1) on a hidden message m."""

    alpha: int
    beta: int

    def __post_init__(self) -> None:
        if self.alpha not in (1, -1):
            raise InvalidArgumentError("range decomposition: alpha must be +1 or -1")

    @property
    def alpha_scalar(self) -> Scalar:
        return Scalar(1) if self.alpha == 1 else -Scalar(1)

    @property
    def beta_scalar(self) -> Scalar:
        return scalar_from_int(self.beta) if self.beta >= 0 else -scalar_from_int(-self.beta)


class RangeProver:
    """The prover's state for one decomposition, between commitments and responses."""

    def __init__(
        self, params: RangeParams, statement: RangeDecomposition, value: int, mask: Scalar
    ) -> None:
        """``value`` is the signed integer encoding of m; ``mask`` is m's mask m~ in the
        enclosing proof (shared with the BBS proof, so both speak of the same m)."""
        t = statement.alpha * value + statement.beta
        if not 0 <= t < params.bound:
            raise StatementError("a range predicate does not hold for the credential's value")
        u = params.base
        self.digits = [(t // u**j) % u for j in range(params.digits)]
        self.v = [random_scalar() for _ in self.digits]
        self.t_tilde = [random_scalar() for _ in self.digits]
        s_tilde = [Scalar(0)] + [random_scalar() for _ in self.digits[1:]]
        tail = Scalar(0)
        for j in range(1, params.digits):
            tail = tail + scalar_from_int(u**j) * s_tilde[j]
        s_tilde[0] = statement.alpha_scalar * mask - tail
        self.s_tilde = s_tilde
        self.V = [params.signatures[d] * v for d, v in zip(self.digits, self.v, strict=True)]
        self.R = [
            msm_g1((V, BP1), (-s, t))
            for V, s, t in zip(self.V, self.s_tilde, self.t_tilde, strict=True)
        ]

    def respond(self, challenge: Scalar) -> tuple[list[Scalar], list[Scalar]]:
        """(s^_1..s^_{ℓ-1}, t^_0..t^_{ℓ-1}); s^_0 follows from the linear relation."""
        s_hat = [s + challenge * Scalar(d) for s, d in zip(self.s_tilde, self.digits, strict=True)]
        t_hat = [t + challenge * v for t, v in zip(self.t_tilde, self.v, strict=True)]
        return s_hat[1:], t_hat


def add_range_equations(
    check: PairingCheck,
    params: RangeParams,
    statement: RangeDecomposition,
    m_hat: Scalar,
    challenge: Scalar,
    V: Sequence[G1],
    R: Sequence[G1],
    s_hat_rest: Sequence[Scalar],
    t_hat: Sequence[Scalar],
) -> None:
    """Add the ℓ pairing equations of one decomposition to ``check`` (see module doc)."""
    u = params.base
    s_hat0 = statement.alpha_scalar * m_hat + challenge * statement.beta_scalar
    for j, s in enumerate(s_hat_rest, start=1):
        s_hat0 = s_hat0 - scalar_from_int(u**j) * s
    y_key = b"range-y:" + params.digest
    for Vj, Rj, sj, tj in zip(V, R, (s_hat0, *s_hat_rest), t_hat, strict=True):
        check.add(
            (
                (Vj, -sj, _G2_KEY, BP2),
                (BP1, tj, _G2_KEY, BP2),
                (Rj, -Scalar(1), _G2_KEY, BP2),
                (Vj, -challenge, y_key, params.y),
            )
        )
