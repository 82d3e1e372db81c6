"""Verifiable escrow: labelled ElGamal in G1, chosen-ciphertext secure in the TDH2 style.

Shoup and Gennaro, "Securing Threshold Cryptosystems against Chosen
Ciphertext Attack", J. Cryptology 2002, TDH2; adapted to encrypt a group
element. Under the trustees' joint key y = x·G (x never held by anyone, see
:mod:`realdid.crypto.dkg`), the plaintext M = handle·Q_esc is encrypted with
a fresh r as

    U = r·G,   V = M + r·y,   Û = r·Ĝ

together with a proof that U and Û share r (Chaum–Pedersen), whose challenge
hashes the *label* — (service context id, request nonce, purpose, epoch) —
with the ciphertext: e = H(y, label, U, V, Û, W, Ŵ), f = s + e·r for
W = s·G, Ŵ = s·Ĝ. Anyone can check it; a trustee checks it, and that the
label names the service of the opening request, before it releases a share
of x·U. That check is what makes the scheme CCA-secure: without it a trustee
would decrypt anything it is shown. The proof is sent in commitment form
(W, Ŵ, f) so that its two equations join a presentation's batched checks.

The presentation separately proves that V encrypts the *signed* handle
(link commitments T_U = r~·G, T_V = h~·Q_esc + r~·y under the presentation's
challenge, with h~ the BBS mask of the handle), so a ciphertext cannot be
made for a handle other than the one in the credential, and one lifted from
another presentation fails: its label and the presentation's challenge both
name the other presentation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

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
)
from realdid.crypto.checks import LinearCheck
from realdid.crypto.groups import escrow_base, escrow_message_base, escrow_tdh2_base
from realdid.crypto.randomness import random_scalar
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
    "EscrowCiphertext",
    "EscrowKey",
    "EscrowLabel",
    "check_ciphertext",
    "ciphertext_equations",
    "encrypt",
    "handle_index_key",
    "handle_point",
    "open_ciphertext",
    "opened_index_key",
    "trustee_decrypt",
]

_TDH2_DST = b"REALDID-V1-ESCROW-TDH2_H2S_"
_MAX_FIELD = 1024


@dataclass(frozen=True)
class EscrowKey:
    """The trustees' joint public key y (from the DKG transcript on the ledger)."""

    y: G1 = field(repr=False)

    def __post_init__(self) -> None:
        if self.y == G1_IDENTITY or self.y == escrow_base():
            # y = O would put handle·Q_esc in the clear; y = G has a known secret (1)
            raise InvalidArgumentError("escrow key: a degenerate point")

    @classmethod
    def decode(cls, octets: bytes) -> EscrowKey:
        return cls(decode_g1(octets, "escrow key"))

    def encode(self) -> bytes:
        return encode_g1(self.y)

    @cached_property
    def digest(self) -> bytes:
        return hashlib.sha256(b"realdid/escrow-key/v1" + self.encode()).digest()


@dataclass(frozen=True, slots=True)
class EscrowLabel:
    """What a ciphertext is for: the service, the request, why, and when."""

    context_id: bytes
    nonce: bytes
    purpose: str
    epoch: int

    def encode(self) -> bytes:
        purpose = self.purpose.encode()
        for name, value in (
            ("context_id", self.context_id),
            ("nonce", self.nonce),
            ("purpose", purpose),
        ):
            if len(value) > _MAX_FIELD:
                raise InvalidArgumentError(f"escrow label {name}: longer than {_MAX_FIELD} bytes")
        if type(self.epoch) is not int or not 0 <= self.epoch < 1 << 32:
            raise InvalidArgumentError("escrow label epoch: want an int in [0, 2^32)")
        return b"".join(
            len(v).to_bytes(2, "big") + v for v in (self.context_id, self.nonce, purpose)
        ) + self.epoch.to_bytes(4, "big")

    @classmethod
    def decode_from(cls, octets: bytes, offset: int) -> tuple[EscrowLabel, int]:
        """Decode at ``offset``; return the label and the offset after it."""
        values: list[bytes] = []
        for name in ("context_id", "nonce", "purpose"):
            if offset + 2 > len(octets):
                raise DecodeError(f"escrow label {name}: truncated")
            n = int.from_bytes(octets[offset : offset + 2], "big")
            offset += 2
            if n > _MAX_FIELD or offset + n > len(octets):
                raise DecodeError(f"escrow label {name}: bad length")
            values.append(octets[offset : offset + n])
            offset += n
        if offset + 4 > len(octets):
            raise DecodeError("escrow label epoch: truncated")
        epoch = int.from_bytes(octets[offset : offset + 4], "big")
        try:
            purpose = values[2].decode()
        except UnicodeDecodeError:
            raise DecodeError("escrow label purpose: not UTF-8") from None
        return cls(values[0], values[1], purpose, epoch), offset + 4


@dataclass(frozen=True, slots=True)
class EscrowCiphertext:
    """(label, U, V, Û) and the TDH2 validity proof (W, Ŵ, f)."""

    label: EscrowLabel
    U: G1
    V: G1
    U_hat: G1
    W: G1
    W_hat: G1
    f: Scalar

    def encode(self) -> bytes:
        points = (self.U, self.V, self.U_hat, self.W, self.W_hat)
        return self.label.encode() + b"".join(encode_g1(p) for p in points) + self.f.to_be_bytes()

    @classmethod
    def decode_from(cls, octets: bytes, offset: int = 0) -> tuple[EscrowCiphertext, int]:
        label, offset = EscrowLabel.decode_from(octets, offset)
        end = offset + 5 * OCTET_POINT_G1 + OCTET_SCALAR
        if end > len(octets):
            raise DecodeError("escrow ciphertext: truncated")
        U, V, U_hat, W, W_hat = (
            decode_g1(octets[offset + i * 48 : offset + (i + 1) * 48], f"escrow {name}")
            for i, name in enumerate(("U", "V", "U_hat", "W", "W_hat"))
        )
        f = decode_scalar(octets[end - OCTET_SCALAR : end], "escrow f")
        return cls(label, U, V, U_hat, W, W_hat, f), end

    @classmethod
    def decode(cls, octets: bytes) -> EscrowCiphertext:
        octets = as_octets(octets, "escrow ciphertext")
        ct, end = cls.decode_from(octets)
        if end != len(octets):
            raise DecodeError("escrow ciphertext: trailing bytes")
        return ct

    @property
    def ciphertext_id(self) -> bytes:
        """A digest naming this ciphertext (trustees bind their shares to it)."""
        return hashlib.sha256(b"realdid/escrow-ciphertext/v1" + self.encode()).digest()


def handle_point(handle: Scalar) -> G1:
    """M = handle·Q_esc: what an opening recovers, and what the authority indexes."""
    return escrow_message_base() * handle


def handle_index_key(handle: bytes) -> bytes:
    """The authority's index key for a citizen: handle·Q_esc, compressed (48 bytes).

    An opening yields exactly this point (:func:`open_ciphertext`), so
    ``encode_g1(opened)`` looks the citizen up; the handle itself never
    leaves the authority and the credential.
    """
    return encode_g1(handle_point(decode_scalar(handle, "escrow handle")))


def opened_index_key(opened: G1) -> bytes:
    """The index key of a point an opening recovered (the same encoding as
    :func:`handle_index_key`), for the authority's lookup."""
    return encode_g1(opened)


def _tdh2_challenge(key: EscrowKey, label: EscrowLabel, points: tuple[G1, ...]) -> Scalar:
    t = Transcript(b"realdid/escrow/tdh2/v1")
    t.append(b"key", key.encode())
    t.append(b"label", label.encode())
    t.append_points(b"U,V,U_hat,W,W_hat", points)
    return t.challenge(BLS12_381_SHA_256, _TDH2_DST)


def encrypt(key: EscrowKey, handle: Scalar, label: EscrowLabel) -> tuple[EscrowCiphertext, Scalar]:
    """Encrypt handle·Q_esc under ``key`` for ``label``; returns (ciphertext, r).

    r is secret: the presentation's link proof needs it, then it is dropped.
    """
    G, G_hat = escrow_base(), escrow_tdh2_base()
    r, s = random_scalar(), random_scalar()
    U, V, U_hat = G * r, handle_point(handle) + key.y * r, G_hat * r
    W, W_hat = G * s, G_hat * s
    e = _tdh2_challenge(key, label, (U, V, U_hat, W, W_hat))
    return EscrowCiphertext(label, U, V, U_hat, W, W_hat, s + e * r), r


def ciphertext_equations(ct: EscrowCiphertext, key: EscrowKey, check: LinearCheck) -> None:
    """Add TDH2's two validity equations to ``check``: f·G = W + e·U, f·Ĝ = Ŵ + e·Û."""
    e = _tdh2_challenge(key, ct.label, (ct.U, ct.V, ct.U_hat, ct.W, ct.W_hat))
    one = Scalar(1)
    check.add(((escrow_base(), ct.f), (ct.W, -one), (ct.U, -e)))
    check.add(((escrow_tdh2_base(), ct.f), (ct.W_hat, -one), (ct.U_hat, -e)))


def check_ciphertext(
    ct: EscrowCiphertext, key: EscrowKey, expected_label: EscrowLabel | None = None
) -> None:
    """The trustee's (and anyone's) check: the validity proof holds, and the label
    is the expected one. Raises VerificationError otherwise."""
    if expected_label is not None and ct.label != expected_label:
        raise VerificationError("escrow ciphertext: label does not match")
    check = LinearCheck()
    ciphertext_equations(ct, key, check)
    if not check.holds():
        raise VerificationError("escrow ciphertext: validity proof does not verify")


def trustee_decrypt(
    share: KeyShare, ct: EscrowCiphertext, key: EscrowKey, expected_label: EscrowLabel
) -> PartialDecryption:
    """A trustee's part of an opening: x_j·U with its Chaum–Pedersen proof.

    Released only after the ciphertext's validity proof and its label (which
    must name the service and request of the opening request) check out, so
    a trustee is never a decryption oracle. The share is bound to the
    ciphertext's id, so it cannot be replayed for another ciphertext.
    """
    check_ciphertext(ct, key, expected_label)
    return partial_decrypt(share, ct.U, context=ct.ciphertext_id)


def open_ciphertext(
    ct: EscrowCiphertext, partials: Sequence[PartialDecryption], *, key: JointKey
) -> G1:
    """Combine k trustees' shares of ``ct`` itself: returns handle·Q_esc.

    Checks the ciphertext again, then every share's proof (a bad one is
    named: PartialDecryptionError.bad_indexes); fewer than the key's
    threshold is a NotEnoughSharesError. Lawful openings do not use this on
    the ledger — shares of the original ciphertext would let anyone combine
    them and link openings; they decrypt a blinded copy instead
    (:mod:`realdid.crypto.escrow_blinding`).
    """
    check_ciphertext(ct, EscrowKey(key.public_key))
    return combine(partials, ct.U, V=ct.V, key=key, context=ct.ciphertext_id)
