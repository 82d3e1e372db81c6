"""Issuance bound to a presented credential: a sector credential lands on the holder's
own secret, and a renewed identity credential keeps the nym secret (so the pseudonyms)."""

from __future__ import annotations

import dataclasses
import datetime
import secrets

import pytest
from tools.world import EPOCH, IDENTITY, MEDICAL, TODAY, world

from realdid.crypto._backend import BP1, encode_g1
from realdid.crypto.credential import (
    AttributeValue,
    Credential,
    commit_for_issuance,
    commit_secrets,
    finalize_credential,
    issue_credential,
    issue_on_commitment,
)
from realdid.crypto.presentation import (
    AttributeRef,
    CredentialRequest,
    IssuanceCommitment,
    RangePredicate,
    Statement,
    prove,
    verify,
)
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import DecodeError, InvalidArgumentError, StatementError, VerificationError

MEDICAL_VALUES: dict[str, AttributeValue] = {
    "blood_type": "O-",
    "allergies": "none",
    "region": "Beijing",
    "chronic_conditions": "asthma",
}


def _statement(identity: Credential, issuance: IssuanceCommitment) -> Statement:
    """What an issuer asks before it signs: a valid identity, its resident id, and C."""
    return Statement(
        credentials=(CredentialRequest(IDENTITY, world().authority.pk, EPOCH, ("resident_id",)),),
        nonce=secrets.token_bytes(16),
        context_id=b"did:realdid:hospital-1",
        ranges=(RangePredicate(AttributeRef(0, "valid_until"), lower=TODAY),),
        issuance=issuance,
        range_params=world().range_params,
    )


def _identity_with_known_entropy() -> tuple[Credential, bytes, bytes]:
    """An identity credential whose signer entropy e the test keeps (the authority derives
    it from the citizen's record, so it is the same at every renewal)."""
    w = world()
    holder_secret, prover_nym, entropy = (random_scalar_octets() for _ in range(3))
    values = dict(w.alice.identity.values)
    commitment, blind = commit_secrets(IDENTITY, holder_secret, [prover_nym])
    signature = issue_credential(
        w.authority.sk, w.authority.pk, IDENTITY, EPOCH, values, commitment, entropy
    )
    credential = finalize_credential(
        w.authority.pk, IDENTITY, EPOCH, values, signature, holder_secret, [prover_nym],
        entropy, blind,
    )  # fmt: skip
    return credential, prover_nym, entropy


def test_a_sector_credential_is_issued_on_the_presenting_holders_secret() -> None:
    w, alice = world(), world().alice
    holder_secret = alice.identity.holder_secret.to_be_bytes()
    C, blind = commit_for_issuance(MEDICAL, holder_secret)
    statement = _statement(alice.identity, IssuanceCommitment(MEDICAL, C))
    presentation = prove(statement, [alice.identity], issuance_blind=blind)
    assert verify(statement, presentation).disclosed[0]["resident_id"] == "110105199003074536"
    signature = issue_on_commitment(w.hospital.sk, w.hospital.pk, MEDICAL, EPOCH,
                                    MEDICAL_VALUES, C)  # fmt: skip
    medical = finalize_credential(
        w.hospital.pk, MEDICAL, EPOCH, MEDICAL_VALUES, signature, holder_secret, [], None, blind
    )
    assert medical.holder_secret == alice.identity.holder_secret
    both = Statement(
        credentials=(
            CredentialRequest(IDENTITY, w.authority.pk, EPOCH),
            CredentialRequest(MEDICAL, w.hospital.pk, EPOCH, ("blood_type",)),
        ),
        nonce=b"n",
        context_id=b"did:realdid:clinic",
    )
    assert verify(both, prove(both, [alice.identity, medical])).disclosed[1] == {"blood_type": "O-"}


def test_a_commitment_to_another_secret_is_refused_and_a_moved_proof_fails() -> None:
    alice, bob = world().alice, world().bob
    C_bob, blind_bob = commit_for_issuance(MEDICAL, bob.identity.holder_secret.to_be_bytes())
    with pytest.raises(StatementError):  # Alice cannot get a credential onto Bob's secret
        prove(_statement(alice.identity, IssuanceCommitment(MEDICAL, C_bob)), [alice.identity],
              issuance_blind=blind_bob)  # fmt: skip
    C, blind = commit_for_issuance(MEDICAL, alice.identity.holder_secret.to_be_bytes())
    statement = _statement(alice.identity, IssuanceCommitment(MEDICAL, C))
    presentation = prove(statement, [alice.identity], issuance_blind=blind)
    moved = dataclasses.replace(statement, issuance=IssuanceCommitment(MEDICAL, C_bob))
    with pytest.raises(VerificationError):
        verify(moved, presentation)
    for position in (len(presentation) - 1, len(presentation) - 60):  # b^ and T_C
        tampered = bytearray(presentation)
        tampered[position] ^= 0x01
        with pytest.raises((VerificationError, DecodeError)):
            verify(statement, bytes(tampered))
    with pytest.raises(DecodeError):  # the link is part of the encoding
        verify(statement, presentation[:-80])


def test_renewal_keeps_the_nym_secret_and_every_pseudonym() -> None:
    w = world()
    old, prover_nym, entropy = _identity_with_known_entropy()
    holder_secret = old.holder_secret.to_be_bytes()
    C, blind = commit_for_issuance(IDENTITY, holder_secret, [prover_nym])
    statement = _statement(old, IssuanceCommitment(IDENTITY, C, nym_offset=entropy))
    verify(statement, prove(statement, [old], issuance_blind=blind))
    values = dict(old.values, valid_until=datetime.date(2027, 1, 24))
    signature = issue_on_commitment(
        w.authority.sk, w.authority.pk, IDENTITY, EPOCH + 1, values, C, entropy
    )
    renewed = finalize_credential(
        w.authority.pk, IDENTITY, EPOCH + 1, values, signature, holder_secret, [prover_nym],
        entropy, blind,
    )  # fmt: skip
    assert renewed.nym_secrets == old.nym_secrets

    def pseudonym(credential: Credential) -> bytes | None:
        s = Statement(
            credentials=(CredentialRequest(IDENTITY, w.authority.pk, credential.epoch),),
            nonce=b"n",
            context_id=b"did:realdid:forum-a",
            pseudonym_from=0,
        )
        return verify(s, prove(s, [credential])).pseudonym

    assert pseudonym(renewed) == pseudonym(old)


def test_renewal_with_a_fresh_nym_is_refused_and_a_wrong_offset_fails() -> None:
    old, prover_nym, entropy = _identity_with_known_entropy()
    holder_secret = old.holder_secret.to_be_bytes()
    fresh, fresh_blind = commit_for_issuance(IDENTITY, holder_secret, [random_scalar_octets()])
    with pytest.raises(StatementError):  # a new pseudonym per renewal would dodge every ban
        prove(_statement(old, IssuanceCommitment(IDENTITY, fresh, nym_offset=entropy)), [old],
              issuance_blind=fresh_blind)  # fmt: skip
    C, blind = commit_for_issuance(IDENTITY, holder_secret, [prover_nym])
    statement = _statement(old, IssuanceCommitment(IDENTITY, C, nym_offset=entropy))
    presentation = prove(statement, [old], issuance_blind=blind)
    other = IssuanceCommitment(IDENTITY, C, nym_offset=random_scalar_octets())
    with pytest.raises(VerificationError):
        verify(dataclasses.replace(statement, issuance=other), presentation)


@pytest.mark.parametrize(
    "issuance",
    [
        IssuanceCommitment(IDENTITY, encode_g1(BP1)),  # a nym target without the offset
        IssuanceCommitment(MEDICAL, encode_g1(BP1), nym_offset=bytes(31) + b"\x01"),
        IssuanceCommitment(MEDICAL, encode_g1(BP1), source=3),
        IssuanceCommitment(MEDICAL, b"\xc0" + bytes(47)),  # the identity point
        IssuanceCommitment(MEDICAL, b"short"),
    ],
)
def test_malformed_issuance_commitments_are_refused(issuance: IssuanceCommitment) -> None:
    with pytest.raises((InvalidArgumentError, DecodeError)):
        _ = _statement(world().alice.identity, issuance).layout


def test_the_blind_is_required_exactly_with_a_commitment() -> None:
    alice = world().alice
    C, blind = commit_for_issuance(MEDICAL, alice.identity.holder_secret.to_be_bytes())
    statement = _statement(alice.identity, IssuanceCommitment(MEDICAL, C))
    with pytest.raises(InvalidArgumentError):
        prove(statement, [alice.identity])
    plain = dataclasses.replace(statement, issuance=None)
    with pytest.raises(InvalidArgumentError):
        prove(plain, [alice.identity], issuance_blind=blind)
