"""Blind BBS at the edges of its arguments (found by mutation testing, docs/mutation.md).

The defaults of the public functions (no header, no presentation header, no
commitment, L = 0) must mean what an explicit empty value means; BlindSign is
deterministic, so a default that drifted would change the signature. The
layout check of BlindProofVerify must accept the smallest valid lists (L = 0,
M = 0) and refuse each inconsistent one with the error its docstring names.
"""

from __future__ import annotations

import pytest

from realdid.crypto import bbs, blind, nym
from realdid.crypto._backend import G1, Scalar
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

SK = bbs.key_gen(b"\x0b" * 32)
PK = bbs.sk_to_pk(SK)


def test_blind_sign_defaults_are_the_empty_values() -> None:
    assert blind.blind_sign(SK, PK) == blind.blind_sign(SK, PK, b"", b"", ())
    assert blind.blind_sign(SK, PK) != blind.blind_sign(SK, PK, b"", b"h", ())


def test_verify_blind_sign_defaults_are_the_empty_values() -> None:
    signature = blind.blind_sign(SK, PK, b"", b"", ())
    blind.verify_blind_sign(PK, signature)
    with pytest.raises(VerificationError):
        blind.verify_blind_sign(PK, signature, b"h")


def test_an_absent_prover_blind_is_the_zero_blind() -> None:
    # prepare_parameters (§5.1): no commitment means the blind 0, and 0 given explicitly is valid
    signature = blind.blind_sign(SK, PK, b"", b"h", [b"m"])
    blind.verify_blind_sign(PK, signature, b"h", [b"m"], [], None)
    blind.verify_blind_sign(PK, signature, b"h", [b"m"], [], bytes(32))
    with pytest.raises(VerificationError):
        blind.verify_blind_sign(PK, signature, b"h", [b"m"], [], (1).to_bytes(32, "big"))


def test_proof_defaults_are_the_empty_values() -> None:
    # no signer message, no committed message: L = 0 and M = 0, the smallest layout
    signature = blind.blind_sign(SK, PK)
    proof = blind.blind_proof_gen(PK, signature)
    blind.blind_proof_verify(PK, proof)
    blind.blind_proof_verify(PK, proof, b"", b"", 0, [], [], [], [])
    explicit = blind.blind_proof_gen(PK, signature, b"", b"", [], [], [], [], None)
    blind.blind_proof_verify(PK, explicit)
    for header, ph in ((b"h", b""), (b"", b"p")):
        with pytest.raises(VerificationError):
            blind.blind_proof_verify(PK, proof, header, ph)


def test_a_proof_with_no_committed_message_verifies() -> None:
    # M = 0 with signer messages: the layout must not call the proof too short
    signature = blind.blind_sign(SK, PK, b"", b"h", [b"a", b"b"])
    proof = blind.blind_proof_gen(PK, signature, b"h", b"p", [b"a", b"b"], [], [1])
    blind.blind_proof_verify(PK, proof, b"h", b"p", 2, [b"b"], [], [1], [])
    with pytest.raises(DecodeError):  # L = 3 would need M = -1
        blind.blind_proof_verify(PK, proof, b"h", b"p", 3, [b"b"], [], [1], [])


@pytest.fixture(scope="module")
def proof_l0() -> bytes:
    """A proof with L = 0 signer messages and M = 1 committed message, disclosing it."""
    commitment, prover_blind = blind.commit([b"c"])
    signature = blind.blind_sign(SK, PK, commitment)
    return blind.blind_proof_gen(PK, signature, b"", b"", [], [b"c"], [], [0], prover_blind)


def test_a_proof_with_no_signer_message_verifies(proof_l0: bytes) -> None:
    blind.blind_proof_verify(PK, proof_l0, b"", b"", 0, [], [b"c"], [], [0])
    with pytest.raises(VerificationError):
        blind.blind_proof_verify(PK, proof_l0, b"", b"", 0, [], [b"d"], [], [0])


@pytest.mark.parametrize("L", [-1, -2, True, 0.0, "0"])
def test_the_signer_count_must_be_a_non_negative_int(proof_l0: bytes, L: object) -> None:
    with pytest.raises(InvalidArgumentError):
        blind.blind_proof_verify(PK, proof_l0, b"", b"", L, [], [b"c"], [], [0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("messages", "committed", "indexes", "committed_indexes"),
    [
        ([b"x"], [b"c"], [], [0]),  # a signer message without its index
        ([], [b"c"], [0], [0]),  # a signer index without its message
        ([], [], [], [0]),  # a committed index without its message
        ([], [b"c", b"d"], [], [0]),  # a committed message without its index
    ],
)
def test_disclosed_messages_and_indexes_must_pair(
    proof_l0: bytes,
    messages: list[bytes],
    committed: list[bytes],
    indexes: list[int],
    committed_indexes: list[int],
) -> None:
    with pytest.raises(InvalidArgumentError):
        blind.blind_proof_verify(
            PK, proof_l0, b"", b"", 0, messages, committed, indexes, committed_indexes
        )


# ------------------------------------------------ the total message count, L + M


def test_verify_blind_sign_counts_signer_and_committed_messages_together() -> None:
    signature = blind.blind_sign(SK, PK)
    messages, committed = [b"m"] * 2100, [b"c"] * 2000  # each alone is allowed; 4100 is not
    with pytest.raises(InvalidArgumentError) as caught:
        blind.verify_blind_sign(PK, signature, b"", messages, committed)
    assert not isinstance(caught.value, DecodeError)


def test_blind_proof_gen_counts_signer_and_committed_messages_together() -> None:
    signature = blind.blind_sign(SK, PK)
    with pytest.raises(InvalidArgumentError):
        blind.blind_proof_gen(PK, signature, b"", b"", [b"m"] * 2100, [b"c"] * 2000)


def test_blind_proof_verify_counts_signer_and_committed_messages_together(
    proof_l0: bytes,
) -> None:
    # a well-formed proof of U = 4096 hidden scalars with R = 100 disclosed signer messages:
    # L = 2100 gives M = R + U - L - 1 = 2095, and L + M = 4195 is over the limit
    head, scalar = proof_l0[:240], proof_l0[-32:]
    proof = head + scalar * 4096 + scalar
    disclosed = list(range(100))
    with pytest.raises(InvalidArgumentError) as caught:
        blind.blind_proof_verify(PK, proof, b"", b"", 2100, [b"m"] * 100, [], disclosed, [])
    assert not isinstance(caught.value, DecodeError)


def test_nym_proof_verify_counts_the_nym_secrets_in_the_total(proof_l0: bytes) -> None:
    # U = 4096 hidden scalars, R = 100 disclosed, L = 2100, N = 1900 nym secrets:
    # M = R + U - L - 1 - N = 195, and L + M + N = 4195 is over the limit
    # (L + M - N = 395 or L - M + N = 3805 would not be)
    head, scalar = proof_l0[:240], proof_l0[-32:]
    proof = head + scalar * 4096 + scalar
    pseudonym = (G1() * Scalar(5)).to_compressed_bytes()
    with pytest.raises(InvalidArgumentError) as caught:
        nym.proof_verify_with_nym(
            PK, proof, b"", b"", pseudonym, b"ctx", 1900, 2100, [b"m"] * 100, [], range(100), []
        )
    assert not isinstance(caught.value, DecodeError)
