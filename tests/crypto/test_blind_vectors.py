"""Known-answer tests: every fixture of draft-irtf-cfrg-bbs-blind-signatures, both suites.

The draft ships only valid cases; each reproduces byte for byte (commitments
and prover blinds with the mocked RNG, signatures and their traces, proofs)
and verifies. Must-fail cases are RealDID's own: test_blind_negative.py.
"""

from __future__ import annotations

import pytest

from realdid.crypto import Ciphersuite, blind
from realdid.crypto._backend import Scalar, encode_g1, msm_g1
from realdid.crypto._core import Api, calculate_domain, messages_to_scalars
from realdid.crypto.blind import signing_generators, validate_commit
from realdid.crypto.generators import p1
from realdid.crypto.randomness import UnsafeMockedRng
from tests.crypto.vectors import Fixture, cases, messages, suite_files, unhex

DRAFT = "bbs-blind-signatures"
SHARED = messages(DRAFT)
#: signature003 (SHA-256) carries a stale trace; its signature is right (README).
STALE_TRACE = {
    ("BLS12-381-SHA-256", "valid no prover committed messages, multiple signer messages signature")
}


def _rng(fx: Fixture, step: str) -> UnsafeMockedRng:
    params = fx["mockRngParameters"]
    return UnsafeMockedRng(params["SEED"].encode(), params[step]["DST"].encode())


@pytest.mark.parametrize(("suite", "fx"), suite_files(DRAFT, "generators.json"))
def test_blind_generators_vectors(suite: Ciphersuite, fx: Fixture) -> None:
    api = Api(suite, suite.blind_api_id)
    M = len(fx["blindGenerators"]["MsgGenerators"])
    L = len(fx["generators"]["MsgGenerators"])
    gens = signing_generators(L, M + 1, api)
    assert p1(suite)[1].hex() == fx["generators"]["P1"]
    assert gens.octets[0].hex() == fx["generators"]["Q1"]
    assert [g.hex() for g in gens.octets[1 : L + 1]] == fx["generators"]["MsgGenerators"]
    assert gens.octets[L + 1].hex() == fx["blindGenerators"]["Q1"]
    assert [g.hex() for g in gens.octets[L + 2 :]] == fx["blindGenerators"]["MsgGenerators"]


@pytest.mark.parametrize(("suite", "fx"), cases(DRAFT, "commit"))
def test_commit_vectors(suite: Ciphersuite, fx: Fixture) -> None:
    committed = [unhex(m) for m in fx["committedMessages"] or []]
    cwp, prover_blind = blind.commit(
        committed, ciphersuite=suite, unsafe_mocked_rng=_rng(fx, "commit")
    )
    assert cwp.hex() == fx["commitmentWithProof"]
    assert prover_blind.hex() == fx["proverBlind"]
    blind.deserialize_and_validate_commit(cwp, ciphersuite=suite)


@pytest.mark.parametrize(("suite", "fx"), cases(DRAFT, "signature"))
def test_blind_signature_vectors(suite: Ciphersuite, fx: Fixture) -> None:
    assert fx["result"]["valid"]
    sk = unhex(fx["signerKeyPair"]["secretKey"])
    pk = unhex(fx["signerKeyPair"]["publicKey"])
    cwp = unhex(fx["commitmentWithProof"])
    header = unhex(fx["header"])
    msgs = [unhex(m) for m in fx["messages"] or []]
    committed = [unhex(m) for m in fx["committedMessages"] or []]
    prover_blind = unhex(fx["proverBlind"]) or None
    signature = blind.blind_sign(sk, pk, cwp, header, msgs, ciphersuite=suite)
    assert signature.hex() == fx["signature"]
    blind.verify_blind_sign(pk, signature, header, msgs, committed, prover_blind, ciphersuite=suite)
    if (suite.name, fx["caseName"]) in STALE_TRACE:
        return
    api = Api(suite, suite.blind_api_id)
    C, M = validate_commit(cwp, api)
    gens = signing_generators(len(msgs), M + 1, api)
    domain = calculate_domain(pk, gens.octets[0], gens.octets[1:], header, api)
    scalars = messages_to_scalars(msgs, api)
    B = msm_g1(
        (p1(suite)[0], *gens.points[: len(msgs) + 1], C),
        (Scalar(1), domain, *scalars, Scalar(1)),
    )
    assert domain.to_be_bytes().hex() == fx["trace"]["domain"]
    assert encode_g1(B).hex() == unhex(fx["trace"]["B"]).hex()


@pytest.mark.parametrize(("suite", "fx"), cases(DRAFT, "proof"))
def test_blind_proof_vectors(suite: Ciphersuite, fx: Fixture) -> None:
    assert fx["result"]["valid"]
    pk = unhex(fx["signerPublicKey"])
    signature = unhex(fx["signature"])
    header = unhex(fx["header"])
    ph = unhex(fx["presentationHeader"])
    L = fx["L"]
    revealed = {int(k): unhex(v) for k, v in (fx["revealedMessages"] or {}).items()}
    revealed_committed = {
        int(k): unhex(v) for k, v in (fx["revealedCommittedMessages"] or {}).items()
    }
    # Only the revealed messages are in the file; the full lists are messages.json's.
    msgs = [unhex(m) for m in SHARED["messages"][:L]]
    has_commitment = fx["commitmentWithProof"] is not None
    committed = [unhex(m) for m in SHARED["committedMessages"]] if has_commitment else []
    prover_blind = unhex(fx["proverBlind"]) or None
    di, dci = sorted(revealed), sorted(revealed_committed)
    assert all(msgs[i] == revealed[i] for i in di)
    assert all(committed[j] == revealed_committed[j] for j in dci)
    proof = blind.blind_proof_gen(
        pk, signature, header, ph, msgs, committed, di, dci, prover_blind,
        ciphersuite=suite, unsafe_mocked_rng=_rng(fx, "proof"),
    )  # fmt: skip
    assert proof.hex() == fx["proof"]
    blind.blind_proof_verify(
        pk, proof, header, ph, L,
        [revealed[i] for i in di], [revealed_committed[j] for j in dci], di, dci,
        ciphersuite=suite,
    )  # fmt: skip
