"""The prover refuses credentials that do not fit the statement (schema, epoch, issuer,
suite) and issuance commitments that cannot be carried, each one alone."""

from __future__ import annotations

import dataclasses
import secrets

import pytest
from tools.world import EPOCH, IDENTITY, MEDICAL, world

from realdid.crypto.credential import Schema, commit_for_issuance
from realdid.crypto.presentation import (
    CredentialRequest,
    IssuanceCommitment,
    Statement,
    prove,
)
from realdid.crypto.randomness import random_scalar_octets
from realdid.crypto.suites import BLS12_381_SHAKE_256
from realdid.errors import InvalidArgumentError, StatementError


def _statement(request: CredentialRequest, **change: object) -> Statement:
    return dataclasses.replace(
        Statement(credentials=(request,), nonce=b"n", context_id=b"did:realdid:svc:x"),
        **change,  # type: ignore[arg-type]
    )


def test_a_credential_of_another_schema_from_the_same_issuer_is_refused() -> None:
    w = world()  # the hospital's medical credential, asked for as an identity credential
    statement = _statement(CredentialRequest(IDENTITY, w.hospital.pk, EPOCH))
    with pytest.raises(StatementError):
        prove(statement, [w.alice.medical])


def test_a_credential_of_another_epoch_is_refused() -> None:
    w = world()
    statement = _statement(CredentialRequest(MEDICAL, w.hospital.pk, EPOCH + 1))
    with pytest.raises(StatementError):
        prove(statement, [w.alice.medical])


def test_a_credential_from_another_issuer_is_refused() -> None:
    w = world()
    statement = _statement(CredentialRequest(MEDICAL, w.bank.pk, EPOCH))
    with pytest.raises(StatementError):
        prove(statement, [w.alice.medical])


def test_a_credential_of_another_ciphersuite_is_refused() -> None:
    w = world()
    request = CredentialRequest(MEDICAL, w.hospital.pk, EPOCH)
    statement = _statement(request, ciphersuite=BLS12_381_SHAKE_256)
    with pytest.raises(StatementError):
        prove(statement, [w.alice.medical])


def _issuance(**change: object) -> IssuanceCommitment:
    commitment, _ = commit_for_issuance(MEDICAL, random_scalar_octets())
    return dataclasses.replace(IssuanceCommitment(MEDICAL, commitment), **change)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {"schema": "realdid:medical:v1"},
        {"source": 1},
        {"source": -1},
        {"source": True},
        {"nym_offset": random_scalar_octets()},  # no nym secret to carry
        {"schema": Schema("two-nyms", MEDICAL.attributes, nym_count=2)},
        {"schema": IDENTITY},  # a nym target without the issuer's offset
        {"commitment": secrets.token_bytes(48)},
    ],
    ids=lambda c: next(iter(c)),
)
def test_issuance_commitments_that_cannot_be_carried_are_refused(change: dict[str, object]) -> None:
    w = world()
    statement = _statement(
        CredentialRequest(IDENTITY, w.authority.pk, EPOCH), issuance=_issuance(**change)
    )
    with pytest.raises(InvalidArgumentError):
        statement.layout  # noqa: B018
