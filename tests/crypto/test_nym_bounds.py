"""Pseudonym inputs at the edges: the nym vector's length (1..4096) and degenerate secrets."""

from __future__ import annotations

import pytest

from realdid.crypto import bbs, nym
from realdid.crypto._backend import R, Scalar, decode_g1
from realdid.crypto.generators import MAX_MESSAGES
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import DecodeError, InvalidArgumentError

CONTEXT = b"did:realdid:svc:bounds"
MAX = MAX_MESSAGES


@pytest.mark.parametrize("n", [1, 2, MAX_MESSAGES])
def test_a_nym_vector_of_1_to_max_messages_is_accepted(n: int) -> None:
    secrets = [random_scalar_octets() for _ in range(n)]
    assert len(nym.calculate_pseudonym(CONTEXT, secrets)) == 48


@pytest.mark.parametrize("n", [0, MAX_MESSAGES + 1])
def test_a_nym_vector_outside_1_to_max_messages_is_refused(n: int) -> None:
    with pytest.raises(InvalidArgumentError):
        nym.calculate_pseudonym(CONTEXT, [random_scalar_octets() for _ in range(n)])


def test_the_pseudonym_is_the_polynomial_in_z() -> None:
    """Σ nym_i·z^i: scaling every secret by 2 doubles the pseudonym; the order counts."""
    a, b = random_scalar_octets(), random_scalar_octets()
    p = nym.calculate_pseudonym(CONTEXT, [a, b])
    assert p != nym.calculate_pseudonym(CONTEXT, [b, a])
    double = [((int.from_bytes(s, "big") * 2) % R).to_bytes(32, "big") for s in (a, b)]
    assert decode_g1(nym.calculate_pseudonym(CONTEXT, double)) == decode_g1(p) * Scalar(2)


def test_zero_nym_secrets_are_refused() -> None:
    with pytest.raises((InvalidArgumentError, DecodeError)):
        nym.calculate_pseudonym(CONTEXT, [bytes(32)])


@pytest.mark.parametrize(("committed", "n"), [(MAX_MESSAGES, 1), (MAX_MESSAGES - 3, 4)])
def test_a_commitment_over_max_messages_in_all_is_refused(committed: int, n: int) -> None:
    with pytest.raises(InvalidArgumentError):
        nym.commit_with_nym([b"m"] * committed, [random_scalar_octets() for _ in range(n)])


@pytest.fixture(scope="module")
def signed() -> tuple[bytes, bytes]:
    """A real key and signature, so that past the count check only verification can fail."""
    sk = bbs.key_gen(b"s" * 32)
    pk = bbs.sk_to_pk(sk)
    commitment, _ = nym.commit_with_nym([], [random_scalar_octets()])
    return pk, nym.blind_sign_with_nym(sk, pk, commitment, 1, random_scalar_octets())


@pytest.mark.parametrize(
    ("messages", "committed", "n"),
    [
        (MAX_MESSAGES, 0, 1),
        (MAX_MESSAGES - 1, 1, 1),
        (1, MAX_MESSAGES, 1),
        (0, MAX_MESSAGES - 1, 2),
    ],
)
def test_verify_finalize_over_max_messages_in_all_is_refused(
    signed: tuple[bytes, bytes], messages: int, committed: int, n: int
) -> None:
    pk, signature = signed
    with pytest.raises(InvalidArgumentError) as info:
        nym.verify_finalize_with_nym(
            pk, signature, b"", [b"m"] * messages, [b"c"] * committed,
            [random_scalar_octets() for _ in range(n)], random_scalar_octets(), None,
        )  # fmt: skip
    assert "at most" in str(info.value)


@pytest.mark.parametrize(
    ("messages", "committed", "n"), [(MAX, 0, 1), (1, MAX, 1), (0, MAX - 1, 2)]
)
def test_proof_gen_over_max_messages_in_all_is_refused(
    signed: tuple[bytes, bytes], messages: int, committed: int, n: int
) -> None:
    pk, signature = signed
    with pytest.raises(InvalidArgumentError) as info:
        nym.proof_gen_with_nym(
            pk, signature, b"", b"", [random_scalar_octets() for _ in range(n)], CONTEXT,
            [b"m"] * messages, [b"c"] * committed,
        )  # fmt: skip
    assert "at most" in str(info.value)


def test_the_default_header_is_empty() -> None:
    sk = bbs.key_gen(b"h" * 32)
    pk = bbs.sk_to_pk(sk)
    prover_nyms = [random_scalar_octets()]
    commitment, blind = nym.commit_with_nym([b"c"], prover_nyms)
    entropy = random_scalar_octets()
    signature = nym.blind_sign_with_nym(sk, pk, commitment, 1, entropy)
    secrets = nym.verify_finalize_with_nym(
        pk, signature, b"", [], [b"c"], prover_nyms, entropy, blind
    )
    assert len(secrets) == 1


def test_a_proof_over_no_signer_messages_verifies_with_the_default_l() -> None:
    sk = bbs.key_gen(b"l" * 32)
    pk = bbs.sk_to_pk(sk)
    prover_nyms = [random_scalar_octets()]
    commitment, blind = nym.commit_with_nym([], prover_nyms)
    entropy = random_scalar_octets()
    signature = nym.blind_sign_with_nym(sk, pk, commitment, 1, entropy, b"h")
    secrets = nym.verify_finalize_with_nym(pk, signature, b"h", [], [], prover_nyms, entropy, blind)
    proof, pseudonym = nym.proof_gen_with_nym(
        pk, signature, b"h", b"ph", secrets, CONTEXT, secret_prover_blind=blind
    )
    nym.proof_verify_with_nym(pk, proof, b"h", b"ph", pseudonym, CONTEXT, 1)
