"""Malformed encodings: each decoder × each defect → DecodeError, through the public API.

Every slot where the API decodes a point or a scalar (signature A and e,
proof Abar/Bbar/D and each scalar, public key, commitment C and scalars,
pseudonym, secret key, prover blind, prover nyms, nym secrets, signer
entropy) is filled in turn with each defective encoding; the call must
raise DecodeError, never another exception, and never succeed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pytest

from realdid.crypto import bbs, blind, nym
from realdid.crypto._backend import G1, G2, P, R, Scalar
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import DecodeError

# --------------------------------------------------------------------------- defects


def _is_square(a: int) -> bool:
    return a % P == 0 or pow(a, (P - 1) // 2, P) == 1


@cache
def _g1_x(*, on_curve: bool, in_subgroup: bool = False) -> int:
    """The smallest x giving the wanted kind of G1 encoding (y² = x³ + 4)."""
    x = 1
    while True:
        if _is_square(x**3 + 4) == on_curve:
            if not on_curve:
                return x
            point = G1.from_compressed_bytes_unchecked(_flagged(x, 48))
            if point.is_in_subgroup() == in_subgroup:
                return x
        x += 1


@cache
def _g2_encoding(*, on_curve: bool) -> bytes:
    """A G2 encoding that is off the curve, or on it but outside the subgroup."""
    x0 = 1
    while True:
        octets = _flagged(0, 48) + x0.to_bytes(48, "big")
        try:
            point = G2.from_compressed_bytes_unchecked(octets)
        except ValueError:
            if not on_curve:
                return octets
        else:
            if on_curve and not point.is_in_subgroup():
                return octets
        x0 += 1


def _flagged(x: int, length: int) -> bytes:
    octets = bytearray(x.to_bytes(length, "big"))
    octets[0] |= 0x80
    return bytes(octets)


def _infinity(length: int, first: int = 0xC0, last: int = 0) -> bytes:
    return bytes([first]) + bytes(length - 2) + bytes([last])


def g1_defects() -> dict[str, bytes]:
    valid = (G1() * Scalar(7)).to_compressed_bytes()
    return {
        "uncompressed-flag": bytes([valid[0] & 0x7F]) + valid[1:],
        "infinity-with-junk": _infinity(48, last=1),
        "infinity-with-sort-flag": _infinity(48, first=0xE0),
        "infinity-with-low-bits": _infinity(48, first=0xC1),
        "identity": _infinity(48),
        "x-equals-p": _flagged(P, 48),
        "x-all-ones": b"\x9f" + b"\xff" * 47,
        "not-on-curve": _flagged(_g1_x(on_curve=False), 48),
        "not-in-subgroup": _flagged(_g1_x(on_curve=True, in_subgroup=False), 48),
    }


def g2_defects() -> dict[str, bytes]:
    valid = (G2() * Scalar(7)).to_compressed_bytes()
    return {
        "uncompressed-flag": bytes([valid[0] & 0x7F]) + valid[1:],
        "infinity-with-junk": _infinity(96, last=1),
        "infinity-with-sort-flag": _infinity(96, first=0xE0),
        "identity": _infinity(96),
        "x1-equals-p": _flagged(P, 48) + valid[48:],
        "x0-equals-p": valid[:48] + P.to_bytes(48, "big"),
        "not-on-curve": _g2_encoding(on_curve=False),
        "not-in-subgroup": _g2_encoding(on_curve=True),
    }


SCALAR_DEFECTS = {
    "equals-r": R.to_bytes(32, "big"),
    "all-ones": b"\xff" * 32,
    "zero": bytes(32),
}


# --------------------------------------------------------------------------- valid material


@dataclass(frozen=True)
class Material:
    sk: bytes
    pk: bytes
    header: bytes
    messages: list[bytes]
    signature: bytes
    proof: bytes
    disclosed: list[int]
    commitment: bytes
    prover_blind: bytes
    nym_commitment: bytes
    nym_blind: bytes
    prover_nyms: list[bytes]
    entropy: bytes
    nym_signature: bytes
    nym_secrets: list[bytes]
    nym_proof: bytes
    pseudonym: bytes


CONTEXT = b"did:realdid:svc:test"
PH = b"presentation header"


@pytest.fixture(scope="module")
def m() -> Material:
    sk = bbs.key_gen(secrets.token_bytes(32))
    pk = bbs.sk_to_pk(sk)
    header, msgs, disclosed = b"hdr", [b"a", b"b", b"c", b"d"], [1, 3]
    signature = bbs.sign(sk, pk, header, msgs)
    commitment, prover_blind = blind.commit([b"secret"])
    prover_nyms = [random_scalar_octets()]
    nym_commitment, nym_blind = nym.commit_with_nym([b"secret"], prover_nyms)
    entropy = random_scalar_octets()
    nym_signature = nym.blind_sign_with_nym(sk, pk, nym_commitment, 1, entropy, header, msgs)
    nym_secrets = nym.verify_finalize_with_nym(
        pk, nym_signature, header, msgs, [b"secret"], prover_nyms, entropy, nym_blind
    )
    nym_proof, pseudonym = nym.proof_gen_with_nym(
        pk, nym_signature, header, PH, nym_secrets, CONTEXT, msgs, [b"secret"], disclosed, (),
        nym_blind,
    )  # fmt: skip
    return Material(
        sk, pk, header, msgs, signature, bbs.proof_gen(pk, signature, header, PH, msgs, disclosed),
        disclosed, commitment, prover_blind, nym_commitment, nym_blind, prover_nyms, entropy,
        nym_signature, nym_secrets, nym_proof, pseudonym,
    )  # fmt: skip


def _splice(octets: bytes, start: int, length: int, value: bytes) -> bytes:
    return octets[:start] + value + octets[start + length :]


# --------------------------------------------------------------------------- slots

Slot = Callable[[Material, bytes], object]


def _verify_with_pk(mat: Material, v: bytes) -> None:
    bbs.verify(v, mat.signature, mat.header, mat.messages)


def _proof_verify_with_pk(mat: Material, v: bytes) -> None:
    revealed = [mat.messages[i] for i in mat.disclosed]
    bbs.proof_verify(v, mat.proof, mat.header, PH, revealed, mat.disclosed)


def _proof_with(start: int, length: int) -> Slot:
    def call(mat: Material, v: bytes) -> None:
        revealed = [mat.messages[i] for i in mat.disclosed]
        proof = _splice(mat.proof, start, length, v)
        bbs.proof_verify(mat.pk, proof, mat.header, PH, revealed, mat.disclosed)

    return call


def _signature_with(start: int, length: int) -> Slot:
    def call(mat: Material, v: bytes) -> None:
        bbs.verify(mat.pk, _splice(mat.signature, start, length, v), mat.header, mat.messages)

    return call


def _commitment_with(start: int, length: int) -> Slot:
    def call(mat: Material, v: bytes) -> None:
        blind.deserialize_and_validate_commit(_splice(mat.commitment, start, length, v))

    return call


def _nym_verify_with_pseudonym(mat: Material, v: bytes) -> None:
    revealed = [mat.messages[i] for i in mat.disclosed]
    nym.proof_verify_with_nym(
        mat.pk, mat.nym_proof, mat.header, PH, v, CONTEXT, 1, len(mat.messages), revealed, (),
        mat.disclosed, (),
    )  # fmt: skip


G1_SLOTS: dict[str, Slot] = {
    "signature.A": _signature_with(0, 48),
    "proof.Abar": _proof_with(0, 48),
    "proof.Bbar": _proof_with(48, 48),
    "proof.D": _proof_with(96, 48),
    "commitment.C": _commitment_with(0, 48),
    "nym.pseudonym": _nym_verify_with_pseudonym,
    "blind_sign.commitment.C": lambda mat, v: blind.blind_sign(
        mat.sk, mat.pk, _splice(mat.commitment, 0, 48, v), mat.header, mat.messages
    ),
}

G2_SLOTS: dict[str, Slot] = {
    "verify.pk": _verify_with_pk,
    "proof_verify.pk": _proof_verify_with_pk,
    "sign.pk": lambda mat, v: bbs.sign(mat.sk, v, mat.header, mat.messages),
    "proof_gen.pk": lambda mat, v: bbs.proof_gen(v, mat.signature, mat.header, PH, mat.messages),
}

SCALAR_SLOTS: dict[str, Slot] = {
    "signature.e": _signature_with(48, 32),
    "proof.e_hat": _proof_with(144, 32),
    "proof.r1_hat": _proof_with(176, 32),
    "proof.r3_hat": _proof_with(208, 32),
    "proof.m_hat[0]": _proof_with(240, 32),
    "proof.challenge": _proof_with(240 + 32 * 2, 32),
    "commitment.s_hat": _commitment_with(48, 32),
    "commitment.m_hat[0]": _commitment_with(80, 32),
    "commitment.challenge": _commitment_with(112, 32),
    "sign.sk": lambda mat, v: bbs.sign(v, mat.pk, mat.header, mat.messages),
    "sk_to_pk.sk": lambda mat, v: bbs.sk_to_pk(v),
    "blind_sign.sk": lambda mat, v: blind.blind_sign(v, mat.pk, mat.commitment),
    "commit_with_nym.prover_nyms": lambda mat, v: nym.commit_with_nym([], [v]),
    "blind_sign_with_nym.entropy": lambda mat, v: nym.blind_sign_with_nym(
        mat.sk, mat.pk, mat.nym_commitment, 1, v, mat.header, mat.messages
    ),
    "verify_finalize_with_nym.prover_nyms": lambda mat, v: nym.verify_finalize_with_nym(
        mat.pk,
        mat.nym_signature,
        mat.header,
        mat.messages,
        [b"secret"],
        [v],
        mat.entropy,
        mat.nym_blind,
    ),
    "verify_finalize_with_nym.entropy": lambda mat, v: nym.verify_finalize_with_nym(
        mat.pk,
        mat.nym_signature,
        mat.header,
        mat.messages,
        [b"secret"],
        mat.prover_nyms,
        v,
        mat.nym_blind,
    ),
    "calculate_pseudonym.nym_secrets": lambda mat, v: nym.calculate_pseudonym(CONTEXT, [v]),
    "proof_gen_with_nym.nym_secrets": lambda mat, v: nym.proof_gen_with_nym(
        mat.pk,
        mat.nym_signature,
        mat.header,
        PH,
        [v],
        CONTEXT,
        mat.messages,
        [b"secret"],
    ),
}

#: Slots where zero is a legal value (the prover blind is 0 when nothing was committed).
ZERO_ALLOWED = {"verify_blind_sign.secret_prover_blind"}
SCALAR_SLOTS["verify_blind_sign.secret_prover_blind"] = lambda mat, v: blind.verify_blind_sign(
    mat.pk, mat.signature, mat.header, mat.messages, [b"secret"], v
)


def _cases() -> list[object]:
    out: list[object] = []
    for slot in G1_SLOTS:
        out += [pytest.param("g1", slot, d, id=f"{slot}-{d}") for d in g1_defects()]
    for slot in G2_SLOTS:
        out += [pytest.param("g2", slot, d, id=f"{slot}-{d}") for d in g2_defects()]
    for slot in SCALAR_SLOTS:
        for d in SCALAR_DEFECTS:
            if not (d == "zero" and slot in ZERO_ALLOWED):
                out.append(pytest.param("scalar", slot, d, id=f"{slot}-{d}"))
    return out


@pytest.mark.parametrize(("kind", "slot", "defect"), _cases())
def test_malformed_encoding_is_a_decode_error(
    m: Material, kind: str, slot: str, defect: str
) -> None:
    if kind == "g1":
        call, value = G1_SLOTS[slot], g1_defects()[defect]
    elif kind == "g2":
        call, value = G2_SLOTS[slot], g2_defects()[defect]
    else:
        call, value = SCALAR_SLOTS[slot], SCALAR_DEFECTS[defect]
    with pytest.raises(DecodeError):
        call(m, value)


# --------------------------------------------------------------------------- lengths

LENGTH_CASES: dict[str, Callable[[Material], object]] = {
    "signature-79": lambda mat: bbs.verify(mat.pk, mat.signature[:-1], mat.header, mat.messages),
    "signature-81": lambda mat: bbs.verify(mat.pk, mat.signature + b"\0", mat.header, mat.messages),
    "signature-empty": lambda mat: bbs.verify(mat.pk, b"", mat.header, mat.messages),
    "pk-95": lambda mat: bbs.verify(mat.pk[:-1], mat.signature, mat.header, mat.messages),
    "pk-97": lambda mat: bbs.verify(mat.pk + b"\0", mat.signature, mat.header, mat.messages),
    "sk-31": lambda mat: bbs.sk_to_pk(mat.sk[:-1]),
    "sk-33": lambda mat: bbs.sk_to_pk(b"\0" + mat.sk),
    "proof-truncated-1": lambda mat: _proof_len(mat, mat.proof[:-1]),
    "proof-trailing-1": lambda mat: _proof_len(mat, mat.proof + b"\0"),
    "proof-below-floor": lambda mat: _proof_len(mat, mat.proof[:240]),
    "proof-empty": lambda mat: _proof_len(mat, b""),
    "commitment-truncated": lambda mat: blind.deserialize_and_validate_commit(mat.commitment[:-1]),
    "commitment-trailing": lambda mat: blind.deserialize_and_validate_commit(
        mat.commitment + b"\0"
    ),
    "commitment-below-floor": lambda mat: blind.deserialize_and_validate_commit(
        mat.commitment[:111]
    ),
    "pseudonym-47": lambda mat: _nym_verify_with_pseudonym(mat, mat.pseudonym[:-1]),
    "pseudonym-base-point": lambda mat: _nym_verify_with_pseudonym(mat, G1().to_compressed_bytes()),
    "prover-blind-31": lambda mat: blind.verify_blind_sign(
        mat.pk, mat.signature, mat.header, mat.messages, [], mat.prover_blind[:-1]
    ),
    "nym-proof-too-short-for-L": lambda mat: nym.proof_verify_with_nym(
        mat.pk, mat.nym_proof, mat.header, PH, mat.pseudonym, CONTEXT, 1, 40
    ),
}


def _proof_len(mat: Material, proof: bytes) -> None:
    revealed = [mat.messages[i] for i in mat.disclosed]
    bbs.proof_verify(mat.pk, proof, mat.header, PH, revealed, mat.disclosed)


@pytest.mark.parametrize("case", sorted(LENGTH_CASES))
def test_wrong_length_is_a_decode_error(m: Material, case: str) -> None:
    with pytest.raises(DecodeError):
        LENGTH_CASES[case](m)


def test_defective_encodings_are_what_they_claim() -> None:
    """Guard the table itself: each defect is rejected by the binding for its own reason."""
    assert not G1.from_compressed_bytes_unchecked(g1_defects()["not-in-subgroup"]).is_in_subgroup()
    with pytest.raises(ValueError, match=r".*"):
        G1.from_compressed_bytes_unchecked(g1_defects()["not-on-curve"])
    assert not G2.from_compressed_bytes_unchecked(g2_defects()["not-in-subgroup"]).is_in_subgroup()
