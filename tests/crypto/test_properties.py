"""Property tests: random shapes verify; any single-byte change is rejected with a
typed error; arbitrary bytes never make a public function raise anything
but a RealDIDError.
"""

from __future__ import annotations

import contextlib
import secrets
from functools import cache

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from realdid.crypto import CIPHERSUITES, Ciphersuite, bbs, blind, nym
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import RealDIDError, VerificationError

suites = st.sampled_from(CIPHERSUITES)
messages_st = st.lists(st.binary(max_size=48), max_size=12)
headers = st.binary(max_size=64)


@cache
def _keys(suite: Ciphersuite) -> tuple[bytes, bytes]:
    sk = bbs.key_gen(secrets.token_bytes(32), b"property-tests", ciphersuite=suite)
    return sk, bbs.sk_to_pk(sk)


@st.composite
def signed_shapes(draw: st.DrawFn) -> tuple[Ciphersuite, bytes, list[bytes], list[int], bytes]:
    suite = draw(suites)
    messages = draw(messages_st)
    disclosed = sorted(draw(st.sets(st.integers(0, max(len(messages) - 1, 0)))))
    disclosed = [i for i in disclosed if i < len(messages)]
    return suite, draw(headers), messages, disclosed, draw(st.binary(max_size=64))


@given(signed_shapes())
def test_random_signatures_and_proofs_verify(
    shape: tuple[Ciphersuite, bytes, list[bytes], list[int], bytes],
) -> None:
    suite, header, messages, disclosed, ph = shape
    sk, pk = _keys(suite)
    signature = bbs.sign(sk, pk, header, messages, ciphersuite=suite)
    bbs.verify(pk, signature, header, messages, ciphersuite=suite)
    proof = bbs.proof_gen(pk, signature, header, ph, messages, disclosed, ciphersuite=suite)
    assert len(proof) == 272 + 32 * (len(messages) - len(disclosed))
    revealed = [messages[i] for i in disclosed]
    bbs.proof_verify(pk, proof, header, ph, revealed, disclosed, ciphersuite=suite)


@given(signed_shapes(), st.data())
def test_any_single_byte_change_is_rejected(
    shape: tuple[Ciphersuite, bytes, list[bytes], list[int], bytes], data: st.DataObject
) -> None:
    suite, header, messages, disclosed, ph = shape
    sk, pk = _keys(suite)
    signature = bbs.sign(sk, pk, header, messages, ciphersuite=suite)
    proof = bbs.proof_gen(pk, signature, header, ph, messages, disclosed, ciphersuite=suite)
    revealed = [messages[i] for i in disclosed]
    octets = bytearray(signature)
    octets[data.draw(st.integers(0, 79), label="signature byte")] ^= data.draw(st.integers(1, 255))
    with pytest.raises(RealDIDError):
        bbs.verify(pk, bytes(octets), header, messages, ciphersuite=suite)
    octets = bytearray(proof)
    position = data.draw(st.integers(0, len(octets) - 1), label="proof byte")
    octets[position] ^= data.draw(st.integers(1, 255), label="xor mask")
    with pytest.raises(RealDIDError):
        bbs.proof_verify(pk, bytes(octets), header, ph, revealed, disclosed, ciphersuite=suite)


@st.composite
def nym_shapes(
    draw: st.DrawFn,
) -> tuple[Ciphersuite, list[bytes], list[bytes], int, list[int], list[int]]:
    suite = draw(suites)
    messages = draw(st.lists(st.binary(max_size=24), max_size=6))
    committed = draw(st.lists(st.binary(max_size=24), max_size=3))
    n = draw(st.integers(1, 4))
    di = sorted(draw(st.sets(st.integers(0, 5)))) if messages else []
    dci = sorted(draw(st.sets(st.integers(0, 2)))) if committed else []
    return (
        suite,
        messages,
        committed,
        n,
        [i for i in di if i < len(messages)],
        [j for j in dci if j < len(committed)],
    )


@given(nym_shapes(), st.binary(max_size=40), st.data())
def test_random_pseudonym_presentations_verify_and_resist_byte_flips(
    shape: tuple[Ciphersuite, list[bytes], list[bytes], int, list[int], list[int]],
    context_id: bytes,
    data: st.DataObject,
) -> None:
    suite, messages, committed, n, di, dci = shape
    sk, pk = _keys(suite)
    prover_nyms = [random_scalar_octets() for _ in range(n)]
    commitment, prover_blind = nym.commit_with_nym(committed, prover_nyms, ciphersuite=suite)
    entropy = random_scalar_octets()
    signature = nym.blind_sign_with_nym(
        sk, pk, commitment, n, entropy, b"h", messages, ciphersuite=suite
    )
    secrets_ = nym.verify_finalize_with_nym(
        pk,
        signature,
        b"h",
        messages,
        committed,
        prover_nyms,
        entropy,
        prover_blind,
        ciphersuite=suite,
    )
    proof, pseudonym = nym.proof_gen_with_nym(
        pk, signature, b"h", b"ph", secrets_, context_id, messages, committed, di, dci,
        prover_blind, ciphersuite=suite,
    )  # fmt: skip
    args = (
        b"h", b"ph", pseudonym, context_id, n, len(messages), [messages[i] for i in di],
        [committed[j] for j in dci], di, dci,
    )  # fmt: skip
    nym.proof_verify_with_nym(pk, proof, *args, ciphersuite=suite)
    octets = bytearray(proof)
    octets[data.draw(st.integers(0, len(octets) - 1))] ^= data.draw(st.integers(1, 255))
    with pytest.raises(RealDIDError):
        nym.proof_verify_with_nym(pk, bytes(octets), *args, ciphersuite=suite)
    flipped = bytearray(pseudonym)
    flipped[data.draw(st.integers(0, 47))] ^= data.draw(st.integers(1, 255))
    with pytest.raises(RealDIDError):
        nym.proof_verify_with_nym(
            pk, proof, b"h", b"ph", bytes(flipped), *args[3:], ciphersuite=suite
        )


# ------------------------------------------------------------ arbitrary bytes: typed errors only


def _near_valid_lengths(*floors: int) -> st.SearchStrategy[bytes]:
    """Random bytes whose length is near a decoder's valid lengths, to reach deep paths."""
    lengths = st.one_of(
        st.integers(0, 400), st.sampled_from([f + d for f in floors for d in (-1, 0, 1, 32)])
    )
    return lengths.flatmap(lambda n: st.binary(min_size=n, max_size=n))


@given(_near_valid_lengths(80), _near_valid_lengths(96), suites)
def test_verify_on_arbitrary_bytes_raises_only_typed_errors(
    signature: bytes, pk: bytes, suite: Ciphersuite
) -> None:
    with pytest.raises(RealDIDError):
        bbs.verify(pk, signature, b"", [b"m"], ciphersuite=suite)


@given(_near_valid_lengths(272, 304, 336), st.lists(st.integers(-2, 5), max_size=4), suites)
def test_proof_verify_on_arbitrary_bytes_raises_only_typed_errors(
    proof: bytes, indexes: list[int], suite: Ciphersuite
) -> None:
    _, pk = _keys(suite)
    with pytest.raises(RealDIDError):
        bbs.proof_verify(pk, proof, b"", b"", [b"m"] * len(indexes), indexes, ciphersuite=suite)


@given(_near_valid_lengths(112, 144, 176))
def test_commitment_check_on_arbitrary_bytes_raises_only_typed_errors(octets: bytes) -> None:
    assume(octets)  # the empty commitment is valid: "no commitment"
    with pytest.raises(RealDIDError):
        blind.deserialize_and_validate_commit(octets)


@given(
    _near_valid_lengths(48), _near_valid_lengths(272, 304), st.integers(-1, 3), st.integers(-1, 5)
)
def test_nym_verify_on_arbitrary_bytes_raises_only_typed_errors(
    pseudonym: bytes, proof: bytes, n: int, L: int
) -> None:
    _, pk = _keys(CIPHERSUITES[0])
    with pytest.raises(RealDIDError):
        nym.proof_verify_with_nym(pk, proof, b"", b"", pseudonym, b"ctx", n, L)


@given(st.binary(max_size=40), st.lists(st.binary(max_size=40), max_size=3))
def test_scalar_inputs_on_arbitrary_bytes_raise_only_typed_errors(
    sk: bytes, nyms: list[bytes]
) -> None:
    for call in (
        lambda: bbs.sk_to_pk(sk),
        lambda: nym.calculate_pseudonym(b"ctx", nyms),
        lambda: nym.commit_with_nym([], nyms),
        lambda: blind.verify_blind_sign(_keys(CIPHERSUITES[0])[1], bytes(80), b"", [], [], sk),
    ):
        with contextlib.suppress(RealDIDError):
            call()


def test_verification_error_is_what_bad_signatures_raise() -> None:
    """Guard for the tests above: a well-formed wrong signature is a VerificationError."""
    sk, pk = _keys(CIPHERSUITES[0])
    other = bbs.sign(sk, pk, b"", [b"other"])
    with pytest.raises(VerificationError):
        bbs.verify(pk, other, b"", [b"m"])
