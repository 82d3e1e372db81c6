"""Known-answer tests: every fixture of draft-irtf-cfrg-bbs-per-verifier-linkability-02.

Both suites, 1 and 10 nym secrets: commitments, signatures (with their B and
domain traces), nym secrets, OP, the polynomial evaluations, pseudonyms,
and proofs reproduce byte for byte and verify. Must-fail cases are
RealDID's own: test_nym_negative.py.
"""

from __future__ import annotations

import pytest

from realdid.crypto import Ciphersuite, nym
from realdid.crypto._backend import Scalar, encode_g1, msm_g1
from realdid.crypto._core import Api, calculate_domain, messages_to_scalars
from realdid.crypto.blind import signing_generators, validate_commit
from realdid.crypto.generators import p1
from realdid.crypto.nym import _op_and_z, _poly
from realdid.crypto.randomness import UnsafeMockedRng
from tests.crypto.vectors import Fixture, cases, scalar, suite_files, unhex

DRAFT = "bbs-per-verifier-linkability"


def _rng(fx: Fixture, step: str) -> UnsafeMockedRng:
    params = fx["mockRngParameters"]
    return UnsafeMockedRng(params["SEED"].encode(), params[step]["DST"].encode())


@pytest.mark.parametrize(("suite", "fx"), suite_files(DRAFT, "generators.json"))
def test_nym_generators_vectors(suite: Ciphersuite, fx: Fixture) -> None:
    api = Api(suite, suite.nym_api_id)
    L = len(fx["generators"]["MsgGenerators"])
    M = len(fx["blindGenerators"]["MsgGenerators"])
    gens = signing_generators(L, M + 1, api)
    assert gens.octets[0].hex() == fx["generators"]["Q1"]
    assert [g.hex() for g in gens.octets[1 : L + 1]] == fx["generators"]["MsgGenerators"]
    assert gens.octets[L + 1].hex() == fx["blindGenerators"]["Q1"]
    assert [g.hex() for g in gens.octets[L + 2 :]] == fx["blindGenerators"]["MsgGenerators"]


@pytest.mark.parametrize(("suite", "fx"), cases(DRAFT, "nymCommit"))
def test_nym_commit_vectors(suite: Ciphersuite, fx: Fixture) -> None:
    committed = [unhex(m) for m in fx["committedMessages"] or []]
    prover_nyms = [scalar(s) for s in fx["proverNyms"]]
    cwp, prover_blind = nym.commit_with_nym(
        committed, prover_nyms, ciphersuite=suite, unsafe_mocked_rng=_rng(fx, "commit")
    )
    assert cwp.hex() == fx["commitmentWithProof"]
    assert prover_blind.hex() == fx["proverBlind"]


@pytest.mark.parametrize(("suite", "fx"), cases(DRAFT, "nymSignature"))
def test_nym_signature_vectors(suite: Ciphersuite, fx: Fixture) -> None:
    assert fx["result"]["valid"]
    sk = unhex(fx["signerKeyPair"]["secretKey"])
    pk = unhex(fx["signerKeyPair"]["publicKey"])
    cwp = unhex(fx["commitmentWithProof"])
    header = unhex(fx["header"])
    msgs = [unhex(m) for m in fx["messages"] or []]
    committed = [unhex(m) for m in fx["committedMessages"] or []]
    prover_nyms = [scalar(s) for s in fx["proverNyms"]]
    entropy = scalar(fx["signer_nym_entropy"])
    n = len(prover_nyms)
    signature = nym.blind_sign_with_nym(sk, pk, cwp, n, entropy, header, msgs, ciphersuite=suite)
    assert signature.hex() == fx["signature"]
    nym_secrets = nym.verify_finalize_with_nym(
        pk, signature, header, msgs, committed, prover_nyms, entropy, unhex(fx["proverBlind"]),
        ciphersuite=suite,
    )  # fmt: skip
    assert nym_secrets == [scalar(s) for s in fx["nym_secrets"]]
    # trace: domain over header || I2OSP(N, 8), and B with the entropy term
    api = Api(suite, suite.nym_api_id)
    C, m_total = validate_commit(cwp, api)
    gens = signing_generators(len(msgs), m_total + 1, api)
    domain = calculate_domain(
        pk, gens.octets[0], gens.octets[1:], header + n.to_bytes(8, "big"), api
    )
    B = msm_g1(
        (p1(suite)[0], *gens.points[: len(msgs) + 1], C, gens.points[-1]),
        (
            Scalar(1),
            domain,
            *messages_to_scalars(msgs, api),
            Scalar(1),
            Scalar(int(fx["signer_nym_entropy"], 16)),
        ),
    )
    assert domain.to_be_bytes().hex() == fx["trace"]["domain"]
    assert encode_g1(B) == unhex(fx["trace"]["B"])


@pytest.mark.parametrize(("suite", "fx"), cases(DRAFT, "nymProof"))
def test_nym_proof_vectors(suite: Ciphersuite, fx: Fixture) -> None:
    assert fx["result"]["valid"]
    pk = unhex(fx["signerPublicKey"])
    signature = unhex(fx["signature"])
    header = unhex(fx["header"])
    ph = unhex(fx["presentationHeader"])
    context_id = unhex(fx["context_id"])
    L = fx["L"]
    msgs = [unhex(m) for m in fx["messages"]]
    committed = [unhex(m) for m in fx["committedMessages"] or []]
    nym_secrets = [scalar(s) for s in fx["nym_secrets"]]
    revealed = {int(k): unhex(v) for k, v in (fx["revealedMessages"] or {}).items()}
    revealed_committed = {
        int(k): unhex(v) for k, v in (fx["revealedCommittedMessages"] or {}).items()
    }
    di, dci = sorted(revealed), sorted(revealed_committed)
    pseudonym = nym.calculate_pseudonym(context_id, nym_secrets, ciphersuite=suite)
    assert pseudonym.hex() == fx["pseudonym"]
    proof, proof_pseudonym = nym.proof_gen_with_nym(
        pk, signature, header, ph, nym_secrets, context_id, msgs, committed, di, dci,
        unhex(fx["proverBlind"]), ciphersuite=suite, unsafe_mocked_rng=_rng(fx, "proof"),
    )  # fmt: skip
    assert proof.hex() == fx["proof"]
    assert proof_pseudonym == pseudonym
    nym.proof_verify_with_nym(
        pk, proof, header, ph, pseudonym, context_id, len(nym_secrets), L,
        [revealed[i] for i in di], [revealed_committed[j] for j in dci], di, dci,
        ciphersuite=suite,
    )  # fmt: skip
    trace = fx["trace"]
    if "OP" in trace:  # the 10-nym files record OP and both polynomial evaluations
        api = Api(suite, suite.nym_api_id)
        OP, z = _op_and_z(suite, api.api_id, context_id)
        assert encode_g1(OP).hex() == trace["OP"]
        secrets = [Scalar(int(s, 16)) for s in fx["nym_secrets"]]
        assert _poly(secrets, z).to_be_bytes().hex() == trace["poly_eval_pseudo"]
