"""Secrets and personal values never reach a log through a repr (or str, or a traceback
with locals): the wallet's sealed state, an enrollment request, an issued credential."""

from __future__ import annotations

import json

from realdid.credentials.issuance import EnrollmentRequest, IssuedCredential
from realdid.wallet.state import read_state

# Long, distinctive values: no random bytes or field name matches one by chance.
RECOVERY = "RecoverySecretSentinel_4f1c9a7e2b6d8035c7e1a9f4b2d6e8c0"
BLIND = "PendingBlindSentinel_9d3b7f1a5c8e2046b9d3f7a1c5e8b204"
CREDENTIAL_BLIND = "CredentialBlindSentinel_1a7c3e9b5d2f8046a1c7e3b9d5f2a804"
SIGNATURE = "SignatureSentinel_6e2a8c4f0b7d1935e6a2c8f4b0d7e193"
ENTROPY = "NymEntropySentinel_3c9e5a1f7b2d4086c3e9a5f1b7d2e408"
NAME = "PersonalNameSentinel-8b4d0f6a2c9e1357"
ACTIVATION = "ActivationCodeSentinel-5a1e7c3b9f2d4680"
RESIDENT = "32010219900307123X"
COMMITMENT = "C" * 64
SECRETS = (RECOVERY, BLIND, CREDENTIAL_BLIND, SIGNATURE, ENTROPY, NAME, ACTIVATION, RESIDENT)


def _leaks(obj: object) -> list[str]:
    shown = repr(obj) + str(obj)
    return [secret for secret in SECRETS if secret in shown]


def test_the_sealed_state_shows_no_secret() -> None:
    state = read_state(json.dumps({
        "recovery_secret": RECOVERY,
        "credentials": [{
            "schema_id": "realdid:identity:v1", "issuer": "did:realdid:authority",
            "key_id": "did:realdid:authority#bbs-1", "public_key": "AA", "epoch": 1,
            "values": {"name": NAME, "resident_id": RESIDENT}, "signature": SIGNATURE,
            "blind": CREDENTIAL_BLIND, "nym_entropy": ENTROPY, "issued_on": "2026-11-24",
        }],
        "accounts": {},
        "pending": {"k": {"blind": BLIND, "schema": "realdid:identity:v1"}},
    }).encode())  # fmt: skip
    assert state.recovery_secret == RECOVERY  # the value is there, only not shown
    assert state.credentials[0].values["name"] == NAME
    assert _leaks(state) == []
    assert _leaks(state.credentials[0]) == []
    assert _leaks(state.pending["k"]) == []
    assert "realdid:identity:v1" in repr(state)  # what is not secret still shows


def test_an_enrollment_request_shows_no_personal_value_or_code() -> None:
    request = EnrollmentRequest(
        resident_id=RESIDENT, name=NAME, activation_code=ACTIVATION, commitment=COMMITMENT
    )
    assert _leaks(request) == []
    assert COMMITMENT in repr(request)


def test_an_issued_credential_shows_no_personal_value_or_signature() -> None:
    issued = IssuedCredential(
        schema_id="realdid:identity:v1",
        issuer="did:realdid:authority",
        key_id="did:realdid:authority#bbs-1",
        epoch=1,
        issued_on="2026-11-24",
        values={"name": NAME, "resident_id": RESIDENT},
        signature=SIGNATURE,
        nym_entropy=ENTROPY,
        commitment=COMMITMENT,
    )
    assert _leaks(issued) == []
    assert "did:realdid:authority#bbs-1" in repr(issued)
