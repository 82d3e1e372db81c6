"""Threshold ElGamal decryption with verifiable partial decryptions.

The trustees hold Shamir shares x_j of the escrow key x (y = x·G), produced
by the DKG in :mod:`realdid.crypto.dkg`; nobody holds x. To open a
ciphertext (U, V) with U = r·G and V = M + r·y, each of k trustees publishes
a *decryption share* D_j = x_j·U with a Chaum–Pedersen proof that it used
the same x_j as in its public share Y_j = x_j·G; then anyone computes

    M = V − Σ_{j ∈ S} λ_j·D_j,        λ_j = Π_{m ∈ S, m ≠ j} m / (m − j),

Lagrange at 0 over exactly the set S of shares used (|S| >= k).

Shoup, Gennaro, "Securing Threshold Cryptosystems against Chosen Ciphertext
Attack", J. Cryptology 15(2), 2002, §4 (TDH2: decryption share, share
verification, combining); Chaum, Pedersen, "Wallet Databases with
Observers", CRYPTO 1992 (the DLEQ proof). TDH2's ciphertext checks (its
validity proof and label) belong to the escrow module, which must run them
*before* asking for a share: a trustee that decrypts unchecked ciphertexts
is a decryption oracle.

Indexes are the trustees' evaluation points 1..n; 0 would be the secret
itself and is refused everywhere, as are repeated indexes.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from realdid.crypto._backend import (
    G1,
    OCTET_POINT_G1,
    OCTET_SCALAR,
    R,
    Scalar,
    as_octets,
    decode_g1,
    decode_scalar,
    encode_g1,
    encode_scalar,
    msm_g1,
    scalar_from_int,
)
from realdid.crypto.groups import escrow_base
from realdid.crypto.randomness import calculate_random_scalars
from realdid.crypto.suites import BLS12_381_SHA_256
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

__all__ = [
    "DLEQ_DST",
    "MAX_INDEX",
    "PARTIAL_DECRYPTION_LENGTH",
    "KeyShare",
    "PartialDecryption",
    "PartialDecryptionError",
    "check_index",
    "combine",
    "lagrange_at_zero",
    "partial_decrypt",
    "verify_partial",
]

#: Trustee indexes are encoded on two octets.
MAX_INDEX: Final = 0xFFFF
#: index (2) || D_j (48) || c (32) || z (32).
PARTIAL_DECRYPTION_LENGTH: Final = 2 + OCTET_POINT_G1 + 2 * OCTET_SCALAR
DLEQ_DST: Final = b"REALDID-V1-THRESHOLD-DLEQ-H2S_"


@dataclass(frozen=True, slots=True)
class KeyShare:
    """Trustee ``index``'s share x_j of the escrow key, Y_j = x_j·G, and y (DKG step 3)."""

    index: int
    secret: Scalar = field(repr=False)
    public_share: G1
    public_key: G1


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """TDH2's decryption share: D_j = x_j·U and a DLEQ proof (challenge c, response z)."""

    index: int
    share: G1
    challenge: Scalar
    response: Scalar

    def to_bytes(self) -> bytes:
        """index (2 octets, big-endian) || D_j || c || z: 114 octets."""
        check_index(self.index, "partial decryption index")
        return (
            self.index.to_bytes(2, "big")
            + encode_g1(self.share)
            + encode_scalar(self.challenge)
            + encode_scalar(self.response)
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> PartialDecryption:
        """Strict decoding: exact length, index != 0, D_j in G1 and not the identity, c, z < r."""
        data = as_octets(data, "partial decryption")
        if len(data) != PARTIAL_DECRYPTION_LENGTH:
            raise DecodeError(
                f"partial decryption: got {len(data)} bytes, want {PARTIAL_DECRYPTION_LENGTH}"
            )
        index = int.from_bytes(data[:2], "big")
        if index == 0:
            raise DecodeError("partial decryption: index 0 is not a trustee")
        share = decode_g1(data[2:50], "partial decryption D_j")
        c = decode_scalar(data[50:82], "partial decryption challenge", allow_zero=True)
        z = decode_scalar(data[82:], "partial decryption response", allow_zero=True)
        return cls(index, share, c, z)


class PartialDecryptionError(VerificationError):
    """Some decryption shares do not verify; ``bad_indexes`` names their trustees."""

    def __init__(self, bad_indexes: Sequence[int]) -> None:
        self.bad_indexes = tuple(bad_indexes)
        super().__init__(
            f"partial decryption does not verify for trustees {list(self.bad_indexes)}"
        )


def check_index(index: object, what: str) -> int:
    """A trustee index: an int in 1..MAX_INDEX (0 is the secret's own point)."""
    if not isinstance(index, int) or isinstance(index, bool) or not 1 <= index <= MAX_INDEX:
        raise InvalidArgumentError(f"{what}: got {index!r}, want an integer in 1..{MAX_INDEX}")
    return index


def lagrange_at_zero(indexes: Sequence[int]) -> list[Scalar]:
    """λ_j = Π_{m ≠ j} m / (m − j) mod r for each j in ``indexes``, in the same order.

    Requires distinct indexes in 1..MAX_INDEX: a repeated one would divide
    by zero, and 0 is where the secret sits.
    """
    checked = [check_index(j, "index") for j in indexes]
    if len(set(checked)) != len(checked):
        raise InvalidArgumentError("indexes: got a repeated index, want distinct indexes")
    out = []
    for j in checked:
        num, den = 1, 1
        for m in checked:
            if m != j:
                num, den = num * m % R, den * (m - j) % R
        out.append(scalar_from_int(num * pow(den, -1, R) % R))
    return out


def _point(value: G1 | bytes, what: str) -> G1:
    if isinstance(value, G1):
        return value
    return decode_g1(value, what)


def _challenge(index: int, Y: G1, U: G1, D: G1, context: bytes, A1: G1, A2: G1) -> Scalar:
    """c = hash_to_scalar(G || Y_j || U || D_j || I2OSP(j, 2) || I2OSP(len(ctx), 8) || ctx
    || A1 || A2, DLEQ_DST): the whole statement, then the prover's commitments."""
    msg = b"".join(
        (
            encode_g1(escrow_base()),
            encode_g1(Y),
            encode_g1(U),
            encode_g1(D),
            index.to_bytes(2, "big"),
            len(context).to_bytes(8, "big"),
            context,
            encode_g1(A1),
            encode_g1(A2),
        )
    )
    return BLS12_381_SHA_256.hash_to_scalar(msg, DLEQ_DST)


def partial_decrypt(key_share: KeyShare, U: G1 | bytes, *, context: bytes) -> PartialDecryption:
    """TDH2 decryption share D_j = x_j·U with a proof that log_G Y_j = log_U D_j.

    Preconditions: the caller has verified the ciphertext's own validity
    proof and label (TDH2's "check" before "decryption share"). ``U`` as
    bytes is decoded strictly (subgroup, not the identity); a :class:`G1`
    object is trusted to have been so decoded by the caller. ``context``
    (e.g. a digest of the ciphertext and label) is bound into the proof so
    a share cannot be replayed for another ciphertext.
    """
    U = _point(U, "U")
    context = as_octets(context, "context")
    check_index(key_share.index, "key share index")
    x, G = key_share.secret, escrow_base()
    D = U * x
    (w,) = calculate_random_scalars(1, BLS12_381_SHA_256)
    c = _challenge(key_share.index, key_share.public_share, U, D, context, G * w, U * w)
    return PartialDecryption(key_share.index, D, c, w + c * x)


def verify_partial(
    partial: PartialDecryption, U: G1 | bytes, *, public_share: G1, context: bytes
) -> None:
    """Check a decryption share against its trustee's public share Y_j; return None or raise.

    A1 = z·G − c·Y_j, A2 = z·U − c·D_j, and c must equal the challenge
    recomputed over them. Raises :class:`PartialDecryptionError` naming the
    trustee. ``U`` as for :func:`partial_decrypt`.
    """
    U = _point(U, "U")
    context = as_octets(context, "context")
    index = check_index(partial.index, "partial decryption index")
    c, z, G = partial.challenge, partial.response, escrow_base()
    A1 = msm_g1([G, public_share], [z, -c])
    A2 = msm_g1([U, partial.share], [z, -c])
    expected = _challenge(index, public_share, U, partial.share, context, A1, A2)
    if not hmac.compare_digest(encode_scalar(expected), encode_scalar(c)):
        raise PartialDecryptionError((index,))


def combine(
    partials: Sequence[PartialDecryption],
    U: G1 | bytes,
    *,
    V: G1 | bytes,
    public_shares: Mapping[int, G1],
    threshold: int,
    context: bytes,
) -> G1:
    """TDH2 combining: M = V − Σ λ_j·D_j over exactly the shares given.

    Steps:
    1. Preconditions: 1 <= threshold, at least ``threshold`` shares, no
       repeated index, every index a known trustee (InvalidArgumentError).
    2. Decode U and V (bytes: strictly; G1 objects: trusted, as above).
    3. Verify every share; if any fails raise :class:`PartialDecryptionError`
       listing all the bad trustees, so they can be named and replaced.
    4. Lagrange at 0 over the indexes of the shares (one multi-scalar
       multiplication for V − Σ λ_j·D_j).
    """
    if not isinstance(threshold, int) or threshold < 1:
        raise InvalidArgumentError(f"threshold: got {threshold!r}, want an integer >= 1")
    if len(partials) < threshold:
        raise InvalidArgumentError(f"partials: got {len(partials)}, want at least {threshold}")
    indexes = [check_index(p.index, "partial decryption index") for p in partials]
    if len(set(indexes)) != len(indexes):
        raise InvalidArgumentError("partials: got a repeated trustee index, want distinct")
    unknown = sorted(set(indexes) - set(public_shares))
    if unknown:
        raise InvalidArgumentError(f"partials: trustees {unknown} have no public share")
    U, V = _point(U, "U"), _point(V, "V")
    bad = []
    for p in partials:
        try:
            verify_partial(p, U, public_share=public_shares[p.index], context=context)
        except PartialDecryptionError:
            bad.append(p.index)
    if bad:
        raise PartialDecryptionError(sorted(bad))
    lambdas = lagrange_at_zero(indexes)
    return msm_g1([V, *(p.share for p in partials)], [Scalar(1), *(-lam for lam in lambdas)])
