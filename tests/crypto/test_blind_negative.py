"""Must-fail cases for Blind BBS (the draft ships none): each input tampered in turn.

A well-formed but wrong value (another valid point or scalar, another
message, a shifted index) must be rejected with VerificationError, or with
InvalidArgumentError where the tampering makes the arguments inconsistent
(an index out of range). Nothing is ever accepted.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from realdid.crypto import bbs, blind
from realdid.crypto._backend import G1, Scalar
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import InvalidArgumentError, VerificationError

REJECTED = (VerificationError, InvalidArgumentError)


@dataclass(frozen=True)
class Issued:
    sk: bytes
    pk: bytes
    header: bytes
    messages: tuple[bytes, ...]
    committed: tuple[bytes, ...]
    commitment: bytes
    prover_blind: bytes
    signature: bytes


@pytest.fixture(scope="module")
def issued() -> Issued:
    sk = bbs.key_gen(secrets.token_bytes(32))
    pk = bbs.sk_to_pk(sk)
    committed = (b"holder secret", b"second hidden value")
    commitment, prover_blind = blind.commit(committed)
    header, messages = b"schema:v1", (b"name", b"region", b"birth", b"valid")
    signature = blind.blind_sign(sk, pk, commitment, header, messages)
    return Issued(sk, pk, header, messages, committed, commitment, prover_blind, signature)


def _other_point() -> bytes:
    return (G1() * Scalar(12345)).to_compressed_bytes()


def _splice(octets: bytes, start: int, value: bytes) -> bytes:
    return octets[:start] + value + octets[start + len(value) :]


# ----------------------------------------------------------------- the commitment


COMMITMENT_TAMPERS: dict[str, Callable[[bytes], bytes]] = {
    "C": lambda c: _splice(c, 0, _other_point()),
    "s_hat": lambda c: _splice(c, 48, random_scalar_octets()),
    "m_hat[0]": lambda c: _splice(c, 80, random_scalar_octets()),
    "m_hat[1]": lambda c: _splice(c, 112, random_scalar_octets()),
    "challenge": lambda c: _splice(c, 144, random_scalar_octets()),
    "one-m_hat-dropped": lambda c: c[:80] + c[112:],
    "extra-m_hat": lambda c: c[:144] + random_scalar_octets() + c[144:],
}


@pytest.mark.parametrize("part", sorted(COMMITMENT_TAMPERS))
def test_tampered_commitment_is_refused_by_the_signer(issued: Issued, part: str) -> None:
    bad = COMMITMENT_TAMPERS[part](issued.commitment)
    with pytest.raises(VerificationError):
        blind.deserialize_and_validate_commit(bad)
    with pytest.raises(VerificationError):
        blind.blind_sign(issued.sk, issued.pk, bad, issued.header, issued.messages)


def test_commitment_from_the_other_suite_is_refused(issued: Issued) -> None:
    from realdid.crypto import BLS12_381_SHAKE_256

    with pytest.raises(VerificationError):
        blind.deserialize_and_validate_commit(issued.commitment, ciphersuite=BLS12_381_SHAKE_256)


# ----------------------------------------------------------------- the prover's check


@dataclass(frozen=True)
class VerifyArgs:
    pk: bytes
    signature: bytes
    header: bytes
    messages: tuple[bytes, ...]
    committed: tuple[bytes, ...]
    prover_blind: bytes | None


VERIFY_TAMPERS: dict[str, Callable[[VerifyArgs], VerifyArgs]] = {
    "pk": lambda a: replace(a, pk=bbs.sk_to_pk(random_scalar_octets())),
    "signature.A": lambda a: replace(a, signature=_splice(a.signature, 0, _other_point())),
    "signature.e": lambda a: replace(a, signature=_splice(a.signature, 48, random_scalar_octets())),
    "header": lambda a: replace(a, header=a.header + b"!"),
    "message[0]": lambda a: replace(a, messages=(b"other", *a.messages[1:])),
    "messages-reordered": lambda a: replace(a, messages=a.messages[::-1]),
    "message-dropped": lambda a: replace(a, messages=a.messages[:-1]),
    "committed[0]": lambda a: replace(a, committed=(b"other", *a.committed[1:])),
    "committed[1]": lambda a: replace(a, committed=(a.committed[0], b"other")),
    "committed-reordered": lambda a: replace(a, committed=a.committed[::-1]),
    "committed-dropped": lambda a: replace(a, committed=a.committed[:1]),
    "committed-extra": lambda a: replace(a, committed=(*a.committed, b"x")),
    "prover-blind": lambda a: replace(a, prover_blind=random_scalar_octets()),
    "prover-blind-missing": lambda a: replace(a, prover_blind=None),
}


@pytest.mark.parametrize("part", sorted(VERIFY_TAMPERS))
def test_blind_signature_check_rejects_each_tampered_input(issued: Issued, part: str) -> None:
    good = VerifyArgs(
        issued.pk, issued.signature, issued.header, issued.messages, issued.committed,
        issued.prover_blind,
    )  # fmt: skip
    blind.verify_blind_sign(
        good.pk, good.signature, good.header, good.messages, good.committed, good.prover_blind
    )
    bad = VERIFY_TAMPERS[part](good)
    with pytest.raises(VerificationError):
        blind.verify_blind_sign(
            bad.pk, bad.signature, bad.header, bad.messages, bad.committed, bad.prover_blind
        )


# ----------------------------------------------------------------- proofs


@dataclass(frozen=True)
class ProofArgs:
    pk: bytes
    proof: bytes
    header: bytes
    ph: bytes
    L: int
    disclosed_messages: tuple[bytes, ...]
    disclosed_committed: tuple[bytes, ...]
    disclosed_indexes: tuple[int, ...]
    disclosed_committed_indexes: tuple[int, ...]

    def verify(self) -> None:
        blind.blind_proof_verify(
            self.pk, self.proof, self.header, self.ph, self.L, self.disclosed_messages,
            self.disclosed_committed, self.disclosed_indexes, self.disclosed_committed_indexes,
        )  # fmt: skip


@pytest.fixture(scope="module")
def proof_args(issued: Issued) -> ProofArgs:
    ph = secrets.token_bytes(32)
    proof = blind.blind_proof_gen(
        issued.pk, issued.signature, issued.header, ph, issued.messages, issued.committed,
        [0, 2], [1], issued.prover_blind,
    )  # fmt: skip
    return ProofArgs(
        issued.pk, proof, issued.header, ph, len(issued.messages),
        (issued.messages[0], issued.messages[2]), (issued.committed[1],), (0, 2), (1,),
    )  # fmt: skip


PROOF_TAMPERS: dict[str, Callable[[ProofArgs], ProofArgs]] = {
    "pk": lambda a: replace(a, pk=bbs.sk_to_pk(random_scalar_octets())),
    "header": lambda a: replace(a, header=b"other"),
    "ph": lambda a: replace(a, ph=a.ph[:-1]),
    "L-plus-one": lambda a: replace(a, L=a.L + 1),
    "L-minus-one": lambda a: replace(a, L=a.L - 1),
    "disclosed-message": lambda a: replace(a, disclosed_messages=(b"x", a.disclosed_messages[1])),
    "disclosed-committed": lambda a: replace(a, disclosed_committed=(b"x",)),
    "signer-index-shifted": lambda a: replace(a, disclosed_indexes=(0, 3)),
    "committed-index-shifted": lambda a: replace(a, disclosed_committed_indexes=(0,)),
    "committed-value-at-signer-index": lambda a: replace(
        a, disclosed_messages=(a.disclosed_messages[0], a.disclosed_committed[0])
    ),
    "abar": lambda a: replace(a, proof=_splice(a.proof, 0, _other_point())),
    "bbar": lambda a: replace(a, proof=_splice(a.proof, 48, _other_point())),
    "d": lambda a: replace(a, proof=_splice(a.proof, 96, _other_point())),
    "e_hat": lambda a: replace(a, proof=_splice(a.proof, 144, random_scalar_octets())),
    "m_hat-last": lambda a: replace(
        a, proof=_splice(a.proof, len(a.proof) - 64, random_scalar_octets())
    ),
    "challenge": lambda a: replace(
        a, proof=_splice(a.proof, len(a.proof) - 32, random_scalar_octets())
    ),
}


@pytest.mark.parametrize("part", sorted(PROOF_TAMPERS))
def test_blind_proof_rejects_each_tampered_input(proof_args: ProofArgs, part: str) -> None:
    proof_args.verify()
    with pytest.raises(REJECTED):
        PROOF_TAMPERS[part](proof_args).verify()


def test_proof_with_a_wrong_prover_blind_does_not_verify(issued: Issued) -> None:
    proof = blind.blind_proof_gen(
        issued.pk, issued.signature, issued.header, b"ph", issued.messages, issued.committed,
        [0], [], random_scalar_octets(),
    )  # fmt: skip
    with pytest.raises(VerificationError):
        blind.blind_proof_verify(
            issued.pk, proof, issued.header, b"ph", len(issued.messages), [issued.messages[0]], [],
            [0], [],
        )  # fmt: skip


def test_out_of_range_indexes_are_argument_errors(issued: Issued) -> None:
    args = (issued.pk, issued.signature, issued.header, b"", issued.messages, issued.committed)
    for di, dci in (([4], []), ([], [2]), ([1, 1], []), ([2, 1], []), ([-1], [])):
        with pytest.raises(InvalidArgumentError):
            blind.blind_proof_gen(*args, di, dci, issued.prover_blind)
