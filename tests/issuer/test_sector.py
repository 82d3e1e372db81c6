"""Sector issuance: bound to the presenting holder, from the issuer's own records only."""

from __future__ import annotations

import pytest

from realdid.authority.population import Person
from realdid.credentials.issuance import CredentialApplication
from realdid.credentials.schemas import CREDIT, MEDICAL, PHONE
from realdid.errors import (
    DecodeError,
    InvalidArgumentError,
    NotFoundError,
    ReplayError,
    VerificationError,
)
from realdid.ledger.entries import b64url, unb64url
from realdid.sandbox import Nation
from realdid.wallet.wallet import Wallet
from tests.people import new_citizen
from tests.snapshots import dump


def _citizen(nation: Nation) -> tuple[Person, Wallet]:
    person = new_citizen(nation)
    return person, nation.enroll(person)


def test_a_phone_credential_lands_on_the_holders_secret(nation: Nation) -> None:
    person, wallet = _citizen(nation)
    telecom = nation.issuers["telecom-1"]
    telecom.add_record(person.resident_id, {"phone_number": "+86 138 0000 0000",
                                            "carrier": "Telecom"})  # fmt: skip
    held = wallet.accept(telecom.issue(wallet.apply(telecom.offer(), PHONE.schema_id)))
    identity = next(h for h in wallet.held() if h.schema.schema_id != PHONE.schema_id)
    assert held.credential.holder_secret == identity.credential.holder_secret


def test_applications_that_do_not_fit_are_refused_and_change_nothing(nation: Nation) -> None:
    alice_person, alice = _citizen(nation)
    _, bob = _citizen(nation)
    hospital = nation.issuers["hospital-1"]
    hospital.add_record(alice_person.resident_id, {"blood_type": "O+", "allergies": "none",
                                                   "chronic_conditions": "none"})  # fmt: skip
    good = alice.apply(hospital.offer(), MEDICAL.schema_id)
    bobs = bob.apply(hospital.offer(), MEDICAL.schema_id)
    before = dump(hospital.engine)
    refusals = {
        # Alice's proof with Bob's commitment: the credential would land in Bob's wallet
        "swapped commitment": (good.model_copy(update={"commitment": bobs.commitment}),
                               VerificationError),
        "another schema": (good.model_copy(update={"schema_id": CREDIT.schema_id}),
                           InvalidArgumentError),
        "garbage": (good.model_copy(update={"presentation": "{}"}), DecodeError),
        "not a point": (good.model_copy(update={"commitment": b64url(bytes(48))}), DecodeError),
    }  # fmt: skip
    for name, (application, error) in refusals.items():
        with pytest.raises(error):
            hospital.issue(application)
        assert dump(hospital.engine) == before, name
    with pytest.raises(NotFoundError):  # Bob has no record at this hospital
        hospital.issue(bobs)
    issued = hospital.issue(good)
    with pytest.raises(ReplayError):
        hospital.issue(good)
    assert unb64url(issued.commitment, "c") == unb64url(good.commitment, "c")
    alice.accept(issued)


def test_applications_are_strict() -> None:
    from realdid.credentials.issuance import parse

    with pytest.raises(DecodeError):
        parse(CredentialApplication, b'{"schema_id": "x", "commitment": "a", "presentation": ""}')
