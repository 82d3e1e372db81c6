"""Context ids of any length are hashed whole (draft-irtf-cfrg-bbs-per-verifier-linkability-02).

The draft computes OP = hash_to_curve_g1(context_id, api_id) and z =
hash_to_scalar(context_id, api_id || "VECT_NYM_SECRETS") over the whole
octet string and puts no bound on its length; RealDID only skips its cache
for ids above 256 bytes. Two services whose ids share their first 256 bytes
must still see unrelated pseudonyms (issue #9 §5: a copy of the code that
truncated long ids before hash-to-curve passed every test).
"""

from __future__ import annotations

import dataclasses

import pytest
from tools.world import forum_statement, world

from realdid.crypto import bbs, nym
from realdid.crypto._backend import decode_scalar, encode_g1
from realdid.crypto.credential import credential_api
from realdid.crypto.presentation import Statement, prove, verify
from realdid.crypto.randomness import random_scalar_octets
from realdid.crypto.suites import CIPHERSUITES, Ciphersuite
from realdid.errors import InvalidArgumentError, VerificationError

PREFIX = b"did:realdid:svc:" + b"x" * 240  # 256 bytes: the cache's limit


def _reference_pseudonym(
    suite: Ciphersuite, context_id: bytes, nym_secrets: list[bytes], api_id: bytes | None = None
) -> bytes:
    """The draft's formula, computed from the ciphersuite's hash functions (api_id: the
    pseudonym interface's, or the credential interface's for a presentation)."""
    api_id = suite.nym_api_id if api_id is None else api_id
    OP = suite.hash_to_curve_g1(context_id, api_id)
    z = suite.hash_to_scalar(context_id, api_id + b"VECT_NYM_SECRETS")
    acc = None
    for secret in reversed(nym_secrets):
        s = decode_scalar(secret)
        acc = s if acc is None else acc * z + s
    assert acc is not None
    return encode_g1(OP * acc)


@pytest.mark.parametrize("suite", CIPHERSUITES, ids=lambda s: s.name)
@pytest.mark.parametrize("length", [255, 256, 257, 300, 1024, 4096])
def test_long_context_ids_are_hashed_whole(suite: Ciphersuite, length: int) -> None:
    secrets_ = [random_scalar_octets() for _ in range(2)]
    a = (PREFIX + b"A" * length)[:length]
    b = a[:-1] + bytes([a[-1] ^ 1])  # the same id but for its last byte
    pa = nym.calculate_pseudonym(a, secrets_, ciphersuite=suite)
    pb = nym.calculate_pseudonym(b, secrets_, ciphersuite=suite)
    assert pa != pb
    assert pa == _reference_pseudonym(suite, a, secrets_)
    assert pb == _reference_pseudonym(suite, b, secrets_)
    assert nym.calculate_pseudonym(a, secrets_, ciphersuite=suite) == pa  # stable (cached or not)


def test_a_nym_proof_for_a_long_context_id_does_not_verify_for_its_prefix() -> None:
    sk = bbs.key_gen(b"k" * 32)
    pk = bbs.sk_to_pk(sk)
    prover_nyms = [random_scalar_octets()]
    commitment, blind = nym.commit_with_nym([], prover_nyms)
    entropy = random_scalar_octets()
    signature = nym.blind_sign_with_nym(sk, pk, commitment, 1, entropy, b"h", [b"m"])
    secrets_ = nym.verify_finalize_with_nym(
        pk, signature, b"h", [b"m"], [], prover_nyms, entropy, blind
    )
    long_id, cut = PREFIX + b"-service-a", PREFIX + b"-service-b"
    proof, pseudonym = nym.proof_gen_with_nym(
        pk, signature, b"h", b"ph", secrets_, long_id, [b"m"], secret_prover_blind=blind
    )
    assert pseudonym == nym.calculate_pseudonym(long_id, secrets_)
    nym.proof_verify_with_nym(pk, proof, b"h", b"ph", pseudonym, long_id, 1, 1)
    with pytest.raises(VerificationError):
        nym.proof_verify_with_nym(pk, proof, b"h", b"ph", pseudonym, cut, 1, 1)
    assert nym.calculate_pseudonym(cut, secrets_) != pseudonym


def test_a_presentation_pseudonym_for_a_long_context_id_is_the_drafts() -> None:
    alice = world().alice.identity
    long_id = PREFIX + b"/forum"
    statement: Statement = forum_statement(long_id, escrow=False)
    verified = verify(statement, prove(statement, [alice]))
    nym_secrets = [s.to_be_bytes() for s in alice.nym_secrets]
    api_id = credential_api(alice.ciphersuite).api_id
    assert verified.pseudonym == _reference_pseudonym(
        alice.ciphersuite, long_id, nym_secrets, api_id
    )
    other = forum_statement(PREFIX + b"/shop", escrow=False)
    assert verify(other, prove(other, [alice])).pseudonym != verified.pseudonym


def test_a_statement_context_id_above_1024_bytes_is_refused() -> None:
    statement = dataclasses.replace(forum_statement(escrow=False), context_id=b"c" * 1025)
    with pytest.raises(InvalidArgumentError):
        prove(statement, [world().alice.identity])
