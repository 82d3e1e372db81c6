"""Threshold keys: Shamir sharing with share checks, and verifiable threshold decryption.

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

The sharing tools serve the DKG: a polynomial f of degree k − 1 gives
trustee j the share f(j); Feldman commitments A_k = a_k·G and Pedersen
commitments C_k = a_k·G + b_k·H let anyone check a share (GJKR Eq. (5) and
Eq. (4)); k shares give f back by interpolation. Indexes are the evaluation
points 1..n: 0 would be the secret itself and is refused everywhere, as are
repeated indexes.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from realdid.crypto._backend import (
    G1,
    G1_IDENTITY,
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
from realdid.crypto.groups import dkg_pedersen_h, escrow_base
from realdid.crypto.randomness import calculate_random_scalars
from realdid.crypto.suites import BLS12_381_SHA_256
from realdid.crypto.transcript import Transcript as FiatShamir
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

__all__ = [
    "DLEQ_DST",
    "MAX_INDEX",
    "PARTIAL_DECRYPTION_LENGTH",
    "JointKey",
    "KeyShare",
    "NotEnoughSharesError",
    "PartialDecryption",
    "PartialDecryptionError",
    "check_index",
    "check_indexes",
    "combine",
    "dleq_prove",
    "dleq_verify",
    "evaluate",
    "feldman_share_ok",
    "interpolate",
    "lagrange_at_zero",
    "partial_decrypt",
    "pedersen_share_ok",
    "powers",
    "verify_partial",
]

#: Trustee indexes are encoded on two octets.
MAX_INDEX: Final = 0xFFFF
#: index (2) || D_j (48) || c (32) || z (32).
PARTIAL_DECRYPTION_LENGTH: Final = 2 + OCTET_POINT_G1 + 2 * OCTET_SCALAR
DLEQ_DST: Final = b"REALDID-V1-THRESHOLD-DLEQ-H2S_"
_PARTIAL_DOMAIN: Final = b"realdid/threshold/partial-decryption/v1"


def check_index(index: object, what: str) -> int:
    """A trustee index: an int in 1..MAX_INDEX (0 is the secret's own point)."""
    if not isinstance(index, int) or isinstance(index, bool) or not 1 <= index <= MAX_INDEX:
        raise InvalidArgumentError(f"{what}: got {index!r}, want an integer in 1..{MAX_INDEX}")
    return index


def check_indexes(indexes: Sequence[int]) -> list[int]:
    """Distinct indexes in 1..MAX_INDEX: a repeat would make Lagrange divide by zero."""
    checked = [check_index(j, "index") for j in indexes]
    if len(set(checked)) != len(checked):
        raise InvalidArgumentError("indexes: got a repeated index, want distinct indexes")
    return checked


def lagrange_at_zero(indexes: Sequence[int]) -> list[Scalar]:
    """λ_j = Π_{m ≠ j} m / (m − j) mod r for each j in ``indexes``, in the same order."""
    checked, out = check_indexes(indexes), []
    for j in checked:
        num, den = 1, 1
        for m in checked:
            if m != j:
                num, den = num * m % R, den * (m - j) % R
        out.append(scalar_from_int(num * pow(den, -1, R) % R))
    return out


def evaluate(coefficients: Sequence[Scalar], x: int) -> Scalar:
    """f(x) for f given by its coefficients, constant first."""
    return scalar_from_int(sum(int(a) * pow(x, e, R) for e, a in enumerate(coefficients)) % R)


def powers(j: int, k: int, sign: int = 1) -> list[Scalar]:
    """±(j^0, j^1, .., j^(k−1)) mod r: the weights of a share check."""
    return [scalar_from_int(sign * pow(j, e, R) % R) for e in range(k)]


def interpolate(points: Sequence[tuple[int, Scalar]]) -> list[Scalar]:
    """Coefficients (constant first) of the polynomial of degree < len(points) through
    the points: Σ_i y_i·Π_{m ≠ i} (X − x_m)/(x_i − x_m). Requires distinct x_i."""
    check_indexes([x for x, _ in points])
    out = [0] * len(points)
    for xi, yi in points:
        basis, den = [1], 1  # Π_{m ≠ i} (X − x_m), constant first; Π (x_i − x_m)
        for xm, _ in points:
            if xm != xi:
                shifted = zip([0, *basis], [*basis, 0], strict=True)
                basis, den = [(lo - xm * hi) % R for lo, hi in shifted], den * (xi - xm) % R
        scale = int(yi) * pow(den, -1, R) % R
        out = [(o + scale * b) % R for o, b in zip(out, basis, strict=True)]
    return [scalar_from_int(c) for c in out]


def pedersen_share_ok(commitments: Sequence[G1], j: int, share: Scalar, blinding: Scalar) -> bool:
    """GJKR Eq. (4): s·G + s'·H − Σ_k j^k·C_k = 0, one MSM."""
    points = [escrow_base(), dkg_pedersen_h(), *commitments]
    scalars = [share, blinding, *powers(j, len(commitments), -1)]
    return msm_g1(points, scalars) == G1_IDENTITY


def feldman_share_ok(commitments: Sequence[G1], j: int, share: Scalar) -> bool:
    """GJKR Eq. (5): s·G − Σ_k j^k·A_k = 0, one MSM."""
    scalars = [share, *powers(j, len(commitments), -1)]
    return msm_g1([escrow_base(), *commitments], scalars) == G1_IDENTITY


def _dleq_challenge(
    domain: bytes,
    bases: Sequence[G1],
    publics: Sequence[G1],
    commitments: Sequence[G1],
    statement: bytes,
) -> Scalar:
    t = FiatShamir(domain)
    t.append(b"statement", statement)
    t.append_points(b"bases", bases)
    t.append_points(b"publics", publics)
    t.append_points(b"commitments", commitments)
    return t.challenge(BLS12_381_SHA_256, DLEQ_DST)


def dleq_prove(
    secret: Scalar, bases: Sequence[G1], publics: Sequence[G1], *, domain: bytes, statement: bytes
) -> tuple[Scalar, Scalar]:
    """Chaum–Pedersen proof (c, z) that publics[i] = secret·bases[i] for every i; with
    one base it is Schnorr's proof of knowledge. ``domain`` names the use (one per
    relation); ``statement`` is everything else the proof must be bound to (indexes,
    context, session). Both enter the hash before the points."""
    (w,) = calculate_random_scalars(1, BLS12_381_SHA_256)
    c = _dleq_challenge(domain, bases, publics, [B * w for B in bases], statement)
    return c, w + c * secret


def dleq_verify(
    bases: Sequence[G1],
    publics: Sequence[G1],
    proof: tuple[Scalar, Scalar],
    *,
    domain: bytes,
    statement: bytes,
) -> bool:
    """True iff z·B_i − c·P_i, for every i, hash back to c."""
    c, z = proof
    commitments = [msm_g1([B, P], [z, -c]) for B, P in zip(bases, publics, strict=True)]
    expected = _dleq_challenge(domain, bases, publics, commitments, statement)
    return hmac.compare_digest(encode_scalar(expected), encode_scalar(c))


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
        """I2OSP(index, 2) || D_j || c || z: 114 octets."""
        index = check_index(self.index, "partial decryption index").to_bytes(2, "big")
        return (
            index
            + encode_g1(self.share)
            + encode_scalar(self.challenge)
            + encode_scalar(self.response)
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> PartialDecryption:
        """Strict decoding: exact length, index != 0, D_j in G1 and not the identity, c, z < r."""
        data, want = as_octets(data, "partial decryption"), PARTIAL_DECRYPTION_LENGTH
        if len(data) != want:
            raise DecodeError(f"partial decryption: got {len(data)} bytes, want {want}")
        if (index := int.from_bytes(data[:2], "big")) == 0:
            raise DecodeError("partial decryption: index 0 is not a trustee")
        share = decode_g1(data[2:50], "partial decryption D_j")
        c = decode_scalar(data[50:82], "partial decryption challenge", allow_zero=True)
        z = decode_scalar(data[82:], "partial decryption response", allow_zero=True)
        return cls(index, share, c, z)


class PartialDecryptionError(VerificationError):
    """Some decryption shares do not verify; ``bad_indexes`` names their trustees."""

    def __init__(self, bad_indexes: Sequence[int]) -> None:
        self.bad_indexes = tuple(bad_indexes)
        super().__init__(f"partial decryptions of trustees {list(self.bad_indexes)} do not verify")


def _point(value: G1 | bytes, what: str) -> G1:
    return value if isinstance(value, G1) else decode_g1(value, what)


def _statement(index: int, context: bytes) -> bytes:
    """What the DLEQ proof binds beyond its points (G, Y_j, U, D_j): j and the context."""
    return index.to_bytes(2, "big") + as_octets(context, "context")


def partial_decrypt(key_share: KeyShare, U: G1 | bytes, *, context: bytes) -> PartialDecryption:
    """TDH2 decryption share D_j = x_j·U with a proof that log_G Y_j = log_U D_j.

    Preconditions: the caller has verified the ciphertext's own validity
    proof and label (TDH2 checks before it decrypts). ``U`` as bytes is
    decoded strictly (subgroup, not the identity); a :class:`G1` object is
    trusted to have been so decoded by the caller. ``context`` (e.g. a digest
    of the ciphertext and its label) is hashed into the proof, so a share
    cannot be passed off as one for another ciphertext.
    """
    U = _point(U, "U")
    index = check_index(key_share.index, "key share index")
    D = U * key_share.secret
    bases, publics = (escrow_base(), U), (key_share.public_share, D)
    c, z = dleq_prove(
        key_share.secret,
        bases,
        publics,
        domain=_PARTIAL_DOMAIN,
        statement=_statement(index, context),
    )
    return PartialDecryption(index, D, c, z)


def verify_partial(
    partial: PartialDecryption, U: G1 | bytes, *, public_share: G1, context: bytes
) -> None:
    """Check a decryption share against its trustee's Y_j; return None or raise
    :class:`PartialDecryptionError` naming the trustee. ``U`` as in partial_decrypt."""
    U = _point(U, "U")
    index = check_index(partial.index, "partial decryption index")
    bases, publics = (escrow_base(), U), (public_share, partial.share)
    proof = (partial.challenge, partial.response)
    if not dleq_verify(
        bases, publics, proof, domain=_PARTIAL_DOMAIN, statement=_statement(index, context)
    ):
        raise PartialDecryptionError((index,))


class NotEnoughSharesError(InvalidArgumentError):
    """Fewer decryption shares than the joint key's threshold: Lagrange over fewer
    than k points gives a wrong point, never the plaintext, so nothing is combined."""

    def __init__(self, got: int, threshold: int) -> None:
        self.got, self.threshold = got, threshold
        super().__init__(f"partials: got {got}, want at least the key's threshold {threshold}")


@dataclass(frozen=True)
class JointKey:
    """The trustees' joint key as decryption needs it: y, the threshold k, and Y_1..Y_n.

    The threshold belongs to the key, not to whoever combines: combining
    fewer than k shares returns a wrong point without any error, so the
    caller must not be able to pick k. Construction checks that the public
    shares lie on one polynomial of degree k − 1 through y (the first k
    interpolate y at 0 and every other Y_m at m): a k smaller than the
    sharing's is refused here, because n > k shares of a degree-(k − 1)
    polynomial do not fit one of lower degree. Build it from the DKG
    transcript (:meth:`realdid.crypto.dkg_messages.DkgResult.joint_key`).
    """

    public_key: G1 = field(repr=False)
    threshold: int
    public_shares: Mapping[int, G1] = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.public_key, G1):
            raise InvalidArgumentError("joint key: y must be a G1 point")
        if not isinstance(self.public_shares, Mapping):
            raise InvalidArgumentError("joint key: public shares must be a mapping index -> Y_j")
        shares = dict(self.public_shares)
        for j, point in shares.items():
            check_index(j, "joint key share index")
            if not isinstance(point, G1):
                raise InvalidArgumentError(f"joint key: Y_{j} must be a G1 point")
        # A private read-only copy: the caller's mapping may change after this check.
        object.__setattr__(self, "public_shares", MappingProxyType(shares))
        k, indexes = self.threshold, check_indexes(sorted(shares))
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= len(indexes):
            raise InvalidArgumentError(
                f"joint key threshold: got {k!r}, want an integer in 1..{len(indexes)}"
            )
        if self.public_key == G1_IDENTITY:
            raise InvalidArgumentError("joint key: y is the identity")
        base = indexes[:k]
        points = [self.public_shares[j] for j in base]
        for at, want in ((0, self.public_key), *((m, self.public_shares[m]) for m in indexes[k:])):
            if msm_g1(points, _lagrange_at(base, at)) != want:
                raise InvalidArgumentError(
                    f"joint key: the public shares do not lie on one polynomial of degree "
                    f"{k - 1} through y (wrong threshold or shares)"
                )


def _lagrange_at(indexes: Sequence[int], at: int) -> list[Scalar]:
    """λ_j(at) = Π_{m ≠ j} (at − m) / (j − m) mod r (at = 0 gives :func:`lagrange_at_zero`)."""
    out = []
    for j in indexes:
        num, den = 1, 1
        for m in indexes:
            if m != j:
                num, den = num * (at - m) % R, den * (j - m) % R
        out.append(scalar_from_int(num * pow(den, -1, R) % R))
    return out


def combine(
    partials: Sequence[PartialDecryption],
    U: G1 | bytes,
    *,
    V: G1 | bytes,
    key: JointKey,
    context: bytes,
) -> G1:
    """TDH2 combining: M = V − Σ λ_j·D_j over exactly the shares given.

    1. Preconditions: at least ``key.threshold`` shares
       (:class:`NotEnoughSharesError`), no repeated index and each index a
       trustee of the key (InvalidArgumentError).
    2. Decode U and V (bytes strictly; G1 objects are trusted, as above).
    3. Verify every share against its trustee's Y_j; if any fails raise
       :class:`PartialDecryptionError` listing all the bad trustees, so they
       can be named and replaced.
    4. Lagrange at 0 over the shares' indexes: V − Σ λ_j·D_j in one MSM.
    """
    if not isinstance(key, JointKey):
        raise InvalidArgumentError(f"key: got {type(key).__name__}, want a JointKey")
    if len(partials) < key.threshold:
        raise NotEnoughSharesError(len(partials), key.threshold)
    indexes = check_indexes([p.index for p in partials])
    if unknown := sorted(set(indexes) - set(key.public_shares)):
        raise InvalidArgumentError(f"partials: trustees {unknown} have no public share")
    U, V = _point(U, "U"), _point(V, "V")
    bad = []
    for p in partials:
        try:
            verify_partial(p, U, public_share=key.public_shares[p.index], context=context)
        except PartialDecryptionError:
            bad.append(p.index)
    if bad:
        raise PartialDecryptionError(sorted(bad))
    weights = [-lam for lam in lagrange_at_zero(indexes)]
    return msm_g1([V, *(p.share for p in partials)], [Scalar(1), *weights])
