"""The wallet: sealed at rest, restorable, and a guard against over-asking services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realdid.authority.population import Person
from realdid.credentials.request import Ask, CredentialQuery, Predicate
from realdid.credentials.schemas import IDENTITY, MEDICAL
from realdid.errors import (
    AuthenticationError,
    DecodeError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RevokedError,
    VerificationError,
)
from realdid.ledger.entries import b64url
from realdid.sandbox import Nation
from realdid.wallet.vault import open_sealed, seal
from realdid.wallet.wallet import Wallet
from tests.people import new_citizen


@pytest.fixture
def person(nation: Nation) -> Person:
    return new_citizen(nation)


def _adult(nation: Nation) -> Ask:
    return Ask(id="identity", schema_id=IDENTITY.schema_id, predicates=("adult",))


def test_the_vault_seals_and_refuses_a_wrong_passphrase_or_any_change() -> None:
    sealed = seal(b"secret state", "correct horse")
    assert b"secret state" not in sealed
    assert open_sealed(sealed, "correct horse") == b"secret state"
    with pytest.raises(AuthenticationError):
        open_sealed(sealed, "wrong horse")
    data = json.loads(sealed)
    for change in ({"kdf": dict(data["kdf"], salt=b64url(bytes(16)))},
                   {"nonce": b64url(bytes(12))}):  # fmt: skip
        with pytest.raises(AuthenticationError):  # the header is authenticated too
            open_sealed(json.dumps({**data, **change}).encode(), "correct horse")
    for bad in (b"", b"{}", json.dumps({**data, "kdf": dict(data["kdf"], n=2**10)}).encode()):
        with pytest.raises(DecodeError):  # including a KDF cost below the floor
            open_sealed(bad, "correct horse")


def test_a_wallet_unlocks_from_disk_and_a_restored_one_keeps_its_pseudonyms(
    nation: Nation, person: Person, tmp_path: Path
) -> None:
    path = tmp_path / "wallet.json"
    with pytest.raises(InvalidArgumentError):  # never a wallet that silently is not saved
        nation.wallet(path=path)
    wallet = nation.enroll(person, path=path, passphrase="long passphrase")  # noqa: S106
    forum = nation.services["forum-a"]
    first = forum.sign_in(wallet.present(forum.request([_adult(nation)], purpose="registration")))
    assert person.name.encode() not in path.read_bytes()
    with pytest.raises(AuthenticationError):
        Wallet.unlock(path, "wrong", nation.view(), clock=nation.clock)
    reopened = Wallet.unlock(path, "long passphrase", nation.view(), clock=nation.clock)
    assert reopened.accounts[forum.did].pseudonym == b64url(first.account.pseudonym)
    # Lost phone: restore from the recovery secret, enroll again at the counter.
    restored = nation.enroll(person, recovery_secret=wallet.recovery_secret)
    again = forum.sign_in(restored.present(forum.request([_adult(nation)], purpose="login")))
    assert (again.account.id, again.created) == (first.account.id, False)
    # Lost the recovery secret too: a new one gives new pseudonyms (counted, never named).
    fresh = nation.enroll(person)
    other = forum.sign_in(fresh.present(forum.request([_adult(nation)], purpose="login")))
    assert other.created
    assert nation.authority.registry.reenrollments(nation.view().epoch().epoch) >= 1


def test_requests_beyond_the_registration_are_refused_with_the_reason(
    nation: Nation, person: Person
) -> None:
    wallet = nation.enroll(person)
    forum = nation.services["forum-a"]
    honest = forum.request([_adult(nation)], purpose="registration")
    cases: dict[str, dict[str, object]] = {
        "may not ask to see resident_id": {
            "credentials": (
                CredentialQuery(id="identity", schema_id=IDENTITY.schema_id,
                                disclose=("resident_id",)),
            )
        },
        "predicate enrollment: not registered for this service": {
            "credentials": (
                CredentialQuery(id="identity", schema_id=IDENTITY.schema_id,
                                predicates=(Predicate(id="enrollment", attribute="enrollment",
                                                      gte=1),)),
            )
        },
        # even a credential shown with nothing disclosed says "this holder is a patient"
        "realdid:medical:v1: may not ask for this credential at all": {
            "credentials": (
                CredentialQuery(id="identity", schema_id=IDENTITY.schema_id),
                CredentialQuery(id="medical", schema_id=MEDICAL.schema_id),
            )
        },
        "purpose 'marketing' is not registered": {"purpose": "marketing"},
        "may not test nationality": {
            "credentials": (
                CredentialQuery(id="identity", schema_id=IDENTITY.schema_id,
                                equal={"nationality": "CN"}),
            )
        },
    }  # fmt: skip
    for reason, change in cases.items():
        with pytest.raises(PermissionDeniedError, match=reason):
            wallet.consent(honest.model_copy(update=change))
    unknown = honest.model_copy(update={"service": "did:realdid:no-such-service"})
    with pytest.raises(NotFoundError):  # "no such service" is proved by the ledger
        wallet.present(unknown)
    future = honest.model_copy(update={"valid_on": "2027-06-01"})  # would probe expiry dates
    with pytest.raises(PermissionDeniedError):
        wallet.present(future)
    expired = honest.model_copy(update={"expires_at": int(nation.clock()) - 1})
    with pytest.raises(RevokedError):
        wallet.present(expired)
    assert wallet.accounts == {}


def test_a_credential_that_was_not_asked_for_or_was_altered_is_refused(
    nation: Nation, person: Person
) -> None:
    wallet = nation.wallet()
    code = nation.authority.activation_code(person.resident_id)
    issued = nation.authority.enroll(wallet.enrollment_request(person.resident_id,
                                                               person.name, code))  # fmt: skip
    for change in (
        {"values": {**issued.values, "name": "Someone Else"}},  # not what was signed
        {"epoch": issued.epoch + 1},  # a header only this citizen would have
        {"key_id": "did:realdid:hospital-1#bbs-1"},  # a key that may not sign identities
    ):
        with pytest.raises((VerificationError, InvalidArgumentError)):
            wallet.accept(issued.model_copy(update=change))
    assert wallet.credentials == []
    stranger = nation.wallet()
    with pytest.raises(NotFoundError):  # a wallet that never asked for it
        stranger.accept(issued)
    wallet.accept(issued)
    assert len(wallet.credentials) == 1
    (document,) = wallet.documents()
    assert document["type"] == ["VerifiableCredential", "RealDIDCredential"]
    assert document["credentialSubject"]["resident_id"] == person.resident_id
    assert document["proof"]["verificationMethod"] == issued.key_id
