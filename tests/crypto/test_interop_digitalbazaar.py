"""Interop with a real peer: @digitalbazaar/bbs-signatures 3.0.0 (Node.js, npm).

Both ways, both suites, several message counts and disclosures: the peer's
signatures and proofs verify in RealDID, RealDID's in the peer; Sign is
deterministic, so both must produce the same signature bytes; tampering is
rejected on both sides. (The peer exports only the core interface: blind and
pseudonym interop rests on the official fixtures.)
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from tools.peer import DigitalBazaarPeer, peer_available

from realdid.crypto import CIPHERSUITES, Ciphersuite, bbs
from realdid.errors import VerificationError

_REASON = peer_available()
pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(_REASON is not None, reason=f"interop peer unavailable: {_REASON}"),
]

SHAPES = [  # (message count, disclosed indexes)
    (1, []),
    (1, [0]),
    (3, [1]),
    (10, [0, 2, 4, 6, 8]),
    (10, list(range(10))),
    (25, [3, 7, 24]),
]


@pytest.fixture(scope="module")
def peer() -> Iterator[DigitalBazaarPeer]:
    with DigitalBazaarPeer() as p:
        assert p.version == "3.0.0"
        yield p


def _messages(count: int) -> list[bytes]:
    # varied lengths, including the empty message the drafts' fixtures use
    return [secrets.token_bytes(i % 40) for i in range(count)]


def _hex(values: list[bytes]) -> list[str]:
    return [v.hex() for v in values]


@pytest.mark.parametrize("suite", CIPHERSUITES, ids=lambda s: s.name)
@pytest.mark.parametrize(("count", "disclosed"), SHAPES)
def test_peer_signs_and_proves_realdid_verifies(
    peer: DigitalBazaarPeer, suite: Ciphersuite, count: int, disclosed: list[int]
) -> None:
    keys = peer.call("keygen", ciphersuite=suite.name)
    pk = bytes.fromhex(keys["publicKey"])
    header, ph = secrets.token_bytes(16), secrets.token_bytes(32)
    msgs = _messages(count)
    common = {"ciphersuite": suite.name, "publicKey": keys["publicKey"], "header": header.hex()}
    signature = bytes.fromhex(
        peer.call("sign", secretKey=keys["secretKey"], messages=_hex(msgs), **common)["signature"]
    )
    bbs.verify(pk, signature, header, msgs, ciphersuite=suite)
    # same key, same input: BBS Sign is deterministic, so the bytes must agree
    assert bbs.sign(bytes.fromhex(keys["secretKey"]), pk, header, msgs, ciphersuite=suite) == (
        signature
    )
    proof = bytes.fromhex(
        peer.call(
            "deriveProof",
            signature=signature.hex(),
            messages=_hex(msgs),
            presentationHeader=ph.hex(),
            disclosedMessageIndexes=disclosed,
            **common,
        )["proof"]
    )
    revealed = [msgs[i] for i in disclosed]
    bbs.proof_verify(pk, proof, header, ph, revealed, disclosed, ciphersuite=suite)
    with pytest.raises(VerificationError):
        bbs.proof_verify(pk, proof, header, ph + b"x", revealed, disclosed, ciphersuite=suite)


@pytest.mark.parametrize("suite", CIPHERSUITES, ids=lambda s: s.name)
@pytest.mark.parametrize(("count", "disclosed"), SHAPES)
def test_realdid_signs_and_proves_peer_verifies(
    peer: DigitalBazaarPeer, suite: Ciphersuite, count: int, disclosed: list[int]
) -> None:
    sk = bbs.key_gen(secrets.token_bytes(32), ciphersuite=suite)
    pk = bbs.sk_to_pk(sk)
    header, ph = secrets.token_bytes(16), secrets.token_bytes(32)
    msgs = _messages(count)
    signature = bbs.sign(sk, pk, header, msgs, ciphersuite=suite)
    common = {"ciphersuite": suite.name, "publicKey": pk.hex(), "header": header.hex()}
    verdict = peer.call("verify", signature=signature.hex(), messages=_hex(msgs), **common)
    assert verdict["verified"] is True
    tampered = [*msgs[:-1], msgs[-1] + b"!"]
    verdict = peer.call("verify", signature=signature.hex(), messages=_hex(tampered), **common)
    assert verdict["verified"] is False
    proof = bbs.proof_gen(pk, signature, header, ph, msgs, disclosed, ciphersuite=suite)
    revealed = _hex([msgs[i] for i in disclosed])
    proof_fields = {
        "proof": proof.hex(),
        "presentationHeader": ph.hex(),
        "disclosedMessageIndexes": disclosed,
    }
    verdict = peer.call("verifyProof", disclosedMessages=revealed, **proof_fields, **common)
    assert verdict["verified"] is True
    proof_fields["presentationHeader"] = (ph + b"x").hex()
    verdict = peer.call("verifyProof", disclosedMessages=revealed, **proof_fields, **common)
    assert verdict["verified"] is False
