"""Blinded opening: the trustees decrypt a re-randomised, blinded copy of an escrow
ciphertext, so the public transcript of an opening says nothing about whom it named.

Decrypting the evidence ciphertext (U, V) = (r·G, M + r·y) itself would put
M = handle·Q_esc in public: anyone could combine the trustees' shares, and
two openings of one citizen's presentations from one epoch would give the
same point. Instead the authority, which alone maps M to a person, draws
secret scalars b ≠ 0 and s and publishes

    U' = b·U + s·G,     V' = b·V + s·y

with a proof of knowledge of (b, s) for both equations (a two-witness
Schnorr/Chaum–Pedersen proof, Fiat–Shamir over the domain tag, the opening
request's entry hash, G, y, U, V, U', V' and the commitments). Since
V' − x·U' = b·(V − x·U) + s·(y − x·G) = b·M, (U', V') is an ElGamal
encryption of b·M under y with randomness b·r + s. The trustees decrypt it
(D_j = x_j·U', :func:`realdid.crypto.threshold.partial_decrypt`), anyone
combines k shares into b·M — a uniformly random point — and only the
authority, which holds b, computes M = b⁻¹·(b·M).

Why nothing links (docs/crypto.md §11): for any source ciphertext and any
M ≠ O, (b, s) ↦ (U', b·M) is a bijection from Z_r* × Z_r onto G1 × (G1 minus O),
so (U', V') and the shares x_j·U' are uniform and independent of M and of
every other opening; the proofs are zero-knowledge.

Why the authority gets nothing unapproved: the proof shows U' = b·U + s·G
with (b, s) known to the authority, so x·U' = b·(x·U) + s·y yields x·U for
the approved U and nothing about any other ciphertext. b = 0 gives an
encryption of O whose decryption s·y = V' is already public: harmless, and
refused by :func:`combine_blinded` (the blinded plaintext is O).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from realdid.crypto._backend import (
    G1,
    G1_IDENTITY,
    OCTET_POINT_G1,
    OCTET_SCALAR,
    Scalar,
    as_octets,
    decode_g1,
    decode_scalar,
    encode_g1,
    encode_scalar,
    msm_g1,
)
from realdid.crypto.escrow import EscrowCiphertext, EscrowKey, EscrowLabel, check_ciphertext
from realdid.crypto.groups import escrow_base
from realdid.crypto.randomness import calculate_random_scalars
from realdid.crypto.suites import BLS12_381_SHA_256
from realdid.crypto.threshold import (
    JointKey,
    KeyShare,
    PartialDecryption,
    combine,
    partial_decrypt,
)
from realdid.crypto.transcript import Transcript
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

__all__ = [
    "BLINDED_LENGTH",
    "BLINDING_DST",
    "BlindedCiphertext",
    "BlindingError",
    "blind",
    "blinding_scalars",
    "combine_blinded",
    "trustee_decrypt_blinded",
    "unblind",
    "verify_blinding",
]

#: U' (48) || V' (48) || c (32) || z_b (32) || z_s (32).
BLINDED_LENGTH: Final = 2 * OCTET_POINT_G1 + 3 * OCTET_SCALAR
BLINDING_DST: Final = b"REALDID-V1-ESCROW-BLINDING_H2S_"
_DOMAIN: Final = b"realdid/escrow/blinding/v1"
_SHARE_DOMAIN: Final = b"realdid/escrow/blinded-share/v1"
_SEED_DST: Final = b"REALDID-V1-ESCROW-BLINDING-SEED_H2S_"


class BlindingError(VerificationError):
    """The authority's blinded copy is not a proper blinding of the approved ciphertext
    (its proof fails, or it blinds by 0). The blinding entry's author is to blame."""


@dataclass(frozen=True, slots=True)
class BlindedCiphertext:
    """(U', V') and the proof (c, z_b, z_s) that it is a blinding of a given (U, V)."""

    U: G1
    V: G1
    challenge: Scalar
    z_b: Scalar
    z_s: Scalar

    def encode(self) -> bytes:
        """U' || V' || c || z_b || z_s: 192 octets."""
        scalars = (self.challenge, self.z_b, self.z_s)
        return encode_g1(self.U) + encode_g1(self.V) + b"".join(encode_scalar(x) for x in scalars)

    @classmethod
    def decode(cls, octets: bytes) -> BlindedCiphertext:
        """Strict: exact length, U' and V' in G1 and not the identity, scalars < r."""
        octets = as_octets(octets, "blinded ciphertext")
        if len(octets) != BLINDED_LENGTH:
            raise DecodeError(f"blinded ciphertext: got {len(octets)} bytes, want {BLINDED_LENGTH}")
        U = decode_g1(octets[:48], "blinded U'")
        V = decode_g1(octets[48:96], "blinded V'")
        c, z_b, z_s = (
            decode_scalar(octets[96 + 32 * i : 128 + 32 * i], f"blinding {name}", allow_zero=True)
            for i, name in enumerate(("challenge", "z_b", "z_s"))
        )
        return cls(U, V, c, z_b, z_s)

    def share_context(self, request: bytes) -> bytes:
        """What each trustee's DLEQ proof binds: this blinded copy and the request, so a
        share is good for one opening only."""
        request = as_octets(request, "request")
        return hashlib.sha256(
            _SHARE_DOMAIN + len(request).to_bytes(2, "big") + request + self.encode()
        ).digest()


def blinding_scalars(seed: bytes) -> tuple[Scalar, Scalar]:
    """(b, s) derived from a secret seed of at least 32 octets (the authority's keyed
    digest of the request): recomputable by the authority, never stored or published.
    b = 0 has probability 2^-255; it is refused, not re-drawn."""
    seed = as_octets(seed, "blinding seed")
    if len(seed) < 32:
        raise InvalidArgumentError(f"blinding seed: got {len(seed)} bytes, want at least 32")
    b, s = (BLS12_381_SHA_256.hash_to_scalar(seed + bytes([i]), _SEED_DST) for i in (1, 2))
    if b.is_zero():
        raise InvalidArgumentError("blinding seed: gives b = 0")
    return b, s


def _challenge(
    request: bytes, key: EscrowKey, ct: EscrowCiphertext, blinded: tuple[G1, G1], T: tuple[G1, G1]
) -> Scalar:
    t = Transcript(_DOMAIN)
    t.append(b"request", request)
    t.append_points(b"G", (escrow_base(),))
    t.append_points(b"y", (key.y,))
    t.append_points(b"U,V", (ct.U, ct.V))
    t.append_points(b"U',V'", blinded)
    t.append_points(b"T1,T2", T)
    return t.challenge(BLS12_381_SHA_256, BLINDING_DST)


def _prove(
    ct: EscrowCiphertext, key: EscrowKey, request: bytes, b: Scalar, s: Scalar
) -> BlindedCiphertext:
    """The blinding and its proof, for any (b, s): callers check b ≠ 0 first."""
    G, y = escrow_base(), key.y
    U_b, V_b = msm_g1([ct.U, G], [b, s]), msm_g1([ct.V, y], [b, s])
    beta, sigma = calculate_random_scalars(2, BLS12_381_SHA_256)
    T = (msm_g1([ct.U, G], [beta, sigma]), msm_g1([ct.V, y], [beta, sigma]))
    c = _challenge(request, key, ct, (U_b, V_b), T)
    return BlindedCiphertext(U_b, V_b, c, beta + c * b, sigma + c * s)


def blind(
    ct: EscrowCiphertext, key: EscrowKey, *, request: bytes, b: Scalar, s: Scalar
) -> BlindedCiphertext:
    """The authority's step: (U', V') = (b·U + s·G, b·V + s·y) with its proof.

    Requires b ≠ 0 (InvalidArgumentError) and a ciphertext whose TDH2
    validity proof holds (VerificationError): the authority blinds only what
    the trustees will accept. ``request`` is the opening request's entry hash;
    the proof is bound to it.
    """
    request = as_octets(request, "request")
    if not isinstance(b, Scalar) or not isinstance(s, Scalar):
        raise InvalidArgumentError("blind: b and s must be scalars")
    if b.is_zero():
        raise InvalidArgumentError("blind: b = 0 would blind to the identity")
    check_ciphertext(ct, key)
    return _prove(ct, key, request, b, s)


def verify_blinding(
    blinded: BlindedCiphertext, ct: EscrowCiphertext, key: EscrowKey, *, request: bytes
) -> None:
    """Anyone's check that ``blinded`` is a blinding of ``ct`` for ``request``.

    T1 = z_b·U + z_s·G − c·U' and T2 = z_b·V + z_s·y − c·V' must hash back to c.
    Returns None or raises :class:`BlindingError`.
    """
    request = as_octets(request, "request")
    if G1_IDENTITY in (blinded.U, blinded.V):
        raise BlindingError("blinding: U' or V' is the identity")
    G, y, c = escrow_base(), key.y, blinded.challenge
    T = (
        msm_g1([ct.U, G, blinded.U], [blinded.z_b, blinded.z_s, -c]),
        msm_g1([ct.V, y, blinded.V], [blinded.z_b, blinded.z_s, -c]),
    )
    expected = _challenge(request, key, ct, (blinded.U, blinded.V), T)
    if not hmac.compare_digest(encode_scalar(expected), encode_scalar(c)):
        raise BlindingError("blinding: the proof does not verify for that ciphertext and request")


def trustee_decrypt_blinded(
    share: KeyShare,
    ct: EscrowCiphertext,
    blinded: BlindedCiphertext,
    key: EscrowKey,
    expected_label: EscrowLabel,
    *,
    request: bytes,
) -> PartialDecryption:
    """A trustee's part of an opening: x_j·U' with its DLEQ proof against Y_j.

    1. The source ciphertext's TDH2 proof holds and its label is the
       expected one (VerificationError): never a decryption oracle.
    2. The blinding proof holds for that ciphertext and request (BlindingError).
    3. D_j = x_j·U', its proof bound to the blinded copy and the request.
    """
    if share.public_key != key.y:
        raise InvalidArgumentError("trustee share: not a share of that key")
    check_ciphertext(ct, key, expected_label)
    verify_blinding(blinded, ct, key, request=request)
    return partial_decrypt(share, blinded.U, context=blinded.share_context(request))


def combine_blinded(
    blinded: BlindedCiphertext,
    partials: Sequence[PartialDecryption],
    *,
    key: JointKey,
    request: bytes,
) -> G1:
    """b·M = V' − Σ λ_j·D_j, checking every share (bad trustees named) and that there
    are at least the key's threshold of them. Anyone can compute it: it is a uniformly
    random point. Raises BlindingError if it is the identity (a blinding by b = 0,
    which the proof of knowledge alone does not exclude)."""
    point = combine(
        partials, blinded.U, V=blinded.V, key=key, context=blinded.share_context(request)
    )
    if point == G1_IDENTITY:
        raise BlindingError("blinding: the blinded copy encrypts the identity (b = 0)")
    return point


def unblind(blinded_plaintext: G1, b: Scalar) -> G1:
    """M = b⁻¹·(b·M): the authority's last step (it alone holds b)."""
    if not isinstance(b, Scalar) or b.is_zero():
        raise InvalidArgumentError("unblind: b must be a non-zero scalar")
    return blinded_plaintext * b.inverse()
