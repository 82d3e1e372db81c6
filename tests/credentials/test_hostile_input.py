"""Hostile input at the parties' boundaries (issue 9 §7): strict JSON, VC DM 2.0, no
unsigned extras, real dates, canonicalisable integers.

Each test here passed the bad input through before the fix it names.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from tools.fuzz.surfaces import identity_only

from realdid.credentials.issuance import (
    CredentialApplication,
    EnrollmentRequest,
    IssuedCredential,
    parse,
)
from realdid.credentials.opening import OpeningEvidence, seal_of
from realdid.credentials.request import CredentialQuery, PresentationRequest
from realdid.credentials.schemas import CREDIT, IDENTITY, MEDICAL, PHONE
from realdid.credentials.vc import PresentationDocument
from realdid.crypto.credential import finalize_credential
from realdid.errors import DecodeError, InvalidArgumentError
from realdid.ledger.entries import b64url
from realdid.sandbox import Nation
from realdid.trustee.opening import file_opening_request
from realdid.wallet.wallet import Wallet
from tests.people import new_citizen
from tests.published import file_by_hand

# ---------------------------------------------------------------------------- helpers


def _edit_vp(presentation: str | bytes, edit: Callable[[dict[str, object]], None]) -> str:
    """The same VP with ``edit`` applied to its first derived credential (proof untouched)."""
    document = json.loads(presentation)
    edit(document["verifiableCredential"][0])
    return json.dumps(document, separators=(",", ":"))


def _citizen(nation: Nation) -> tuple[str, Wallet]:
    person = new_citizen(nation)
    return person.resident_id, nation.enroll(person)


def _hospital_application(nation: Nation) -> tuple[str, Wallet, CredentialApplication]:
    resident_id, wallet = _citizen(nation)
    hospital = nation.issuers["hospital-1"]
    hospital.add_record(resident_id, {"blood_type": "O+", "allergies": "none",
                                      "chronic_conditions": "none"})  # fmt: skip
    return resident_id, wallet, wallet.apply(hospital.offer(), MEDICAL.schema_id)


NOT_A_VC: dict[str, dict[str, object]] = {
    "empty @context": {"@context": []},
    "@context without the VC DM 2.0 one first": {
        "@context": ["https://w3id.org/realdid/v1", "https://www.w3.org/ns/credentials/v2"]
    },
    "type without VerifiableCredential": {"type": ["RealDIDDerivedCredential"]},
    "type of another kind": {"type": ["VerifiableCredential", "SomethingElse"]},
}

# ---------------------------------------------------------------------------- 1. duplicates


def test_a_vp_naming_resident_id_twice_is_refused_by_the_issuer(nation: Nation) -> None:
    """A parser keeping the first value would read a resident id the proof never covered."""
    _, _, application = _hospital_application(nation)
    forged = application.presentation.replace(
        '"credentialSubject":{', '"credentialSubject":{"resident_id":"110101199001010000",', 1
    )
    assert forged != application.presentation
    with pytest.raises(DecodeError, match="twice"):
        PresentationDocument.parse(forged)
    with pytest.raises(DecodeError, match="twice"):
        nation.issuers["hospital-1"].issue(application.model_copy(update={"presentation": forged}))
    nation.issuers["hospital-1"].issue(application)  # the honest one still goes through


def test_duplicate_names_are_refused_in_every_message_from_outside(nation: Nation) -> None:
    resident_id, wallet = _citizen(nation)
    request = nation.issuers["telecom-1"].offer()
    text = request.encode().decode()
    with pytest.raises(DecodeError, match="twice"):
        PresentationRequest.parse(text.replace('{"credentials"', '{"purpose":"x","credentials"'))
    enrollment = EnrollmentRequest(resident_id=resident_id, name="n", activation_code="c",
                                   commitment="AA").model_dump_json()  # fmt: skip
    application = wallet.apply(request, PHONE.schema_id).model_dump_json()
    issued = IssuedCredential(schema_id=PHONE.schema_id, issuer="did:realdid:telecom-1",
                              key_id="k", epoch=1, issued_on="2026-01-01",
                              values={"carrier": "A"}, signature="AA",
                              commitment="A" * 64).model_dump_json()  # fmt: skip
    for model, good, field in (
        (EnrollmentRequest, enrollment, "resident_id"),
        (CredentialApplication, application, "schema_id"),
        (IssuedCredential, issued, "signature"),
    ):
        parse(model, good)
        doubled = good.replace("{", f'{{"{field}":"x",', 1)
        with pytest.raises(DecodeError, match="twice"):
            parse(model, doubled)
    inner = issued.replace('"values":{', '"values":{"carrier":"B",', 1)
    with pytest.raises(DecodeError, match="twice"):
        parse(IssuedCredential, inner)


# ---------------------------------------------------------------------------- 2. VC DM 2.0


@pytest.mark.parametrize("case", sorted(NOT_A_VC))
def test_the_issuer_refuses_a_derived_credential_that_is_not_a_vc(
    nation: Nation, case: str
) -> None:
    _, _, application = _hospital_application(nation)
    forged = _edit_vp(application.presentation, lambda c: c.update(NOT_A_VC[case]))
    with pytest.raises(DecodeError, match="credential 0"):
        nation.issuers["hospital-1"].issue(application.model_copy(update={"presentation": forged}))


def test_the_service_the_renewal_and_the_trustees_refuse_one_too(nation: Nation) -> None:
    def not_a_vc(credential: dict[str, object]) -> None:
        credential.update({"@context": [], "type": ["Anything"]})

    # The service (a sign-in at the bank, which also records escrow evidence).
    _, wallet = _citizen(nation)
    bank = nation.services["bank-1"]
    request = bank.request([identity_only()], purpose="account")
    presentation = wallet.present(request)
    with pytest.raises(DecodeError, match="credential 0"):
        bank.sign_in(_edit_vp(presentation, not_a_vc).encode())
    # The court, and the trustees, shown that evidence with the derived credential edited.
    edited = OpeningEvidence(request.encode(), _edit_vp(presentation, not_a_vc).encode())
    with pytest.raises(DecodeError, match="credential 0"):
        file_opening_request(nation.court, nation.ledger, view=nation.view(), case="H-1",
                             warrant=b"w", service=bank.did, evidence=edited,
                             clock=nation.clock)  # fmt: skip
    genuine = OpeningEvidence(request.encode(), presentation)
    escrow = seal_of(nation.view(), genuine)[2].escrow
    assert escrow is not None
    filed = file_by_hand(nation, case="H-1", service=bank.did, evidence=edited,
                         escrow=escrow.encode())  # fmt: skip
    with pytest.raises(DecodeError, match="credential 0"):
        nation.trustees[0].review(filed, edited)
    # The authority's renewal.
    application = wallet.apply(nation.authority.renewal_request(), IDENTITY.schema_id)
    forged = _edit_vp(application.presentation, not_a_vc)
    with pytest.raises(DecodeError, match="credential 0"):
        nation.authority.renew(application.model_copy(update={"presentation": forged}))


def test_the_presentation_itself_must_be_a_realdid_vp(nation: Nation) -> None:
    _, _, application = _hospital_application(nation)
    document = json.loads(application.presentation)
    changes: tuple[dict[str, object], ...] = (
        {"@context": []},
        {"type": ["VerifiablePresentation"]},
    )
    for change in changes:
        with pytest.raises(DecodeError, match="not a RealDID verifiable presentation"):
            PresentationDocument.parse(json.dumps({**document, **change}))


# ---------------------------------------------------------------------------- 3. nym entropy


def test_nym_entropy_on_a_schema_without_a_nym_secret_is_refused(nation: Nation) -> None:
    resident_id, wallet = _citizen(nation)
    telecom = nation.issuers["telecom-1"]
    telecom.add_record(resident_id, {"phone_number": "+86 138 0000 0001", "carrier": "T"})
    issued = telecom.issue(wallet.apply(telecom.offer(), PHONE.schema_id))
    extra = issued.model_copy(update={"nym_entropy": b64url(bytes(31) + b"\x07")})
    with pytest.raises(InvalidArgumentError, match="without nym entropy"):
        wallet.accept(extra)
    assert [c.schema_id for c in wallet.credentials] == [IDENTITY.schema_id]
    held = wallet.accept(issued)
    assert held.signer_nym_entropy is None


def test_the_crypto_layer_refuses_unsigned_entropy_too(nation: Nation) -> None:
    _, wallet = _citizen(nation)
    identity = wallet.held()[0].credential
    with pytest.raises(InvalidArgumentError, match="want none"):
        finalize_credential(identity.issuer_pk, CREDIT, identity.epoch,
                            {"credit_standing": "A", "credit_limit": 1,
                             "valid_until": datetime.date(2030, 1, 1)},
                            identity.signature, bytes(31) + b"\x01", [],
                            bytes(31) + b"\x02", bytes(31) + b"\x03")  # fmt: skip


# ---------------------------------------------------------------------------- 4. dates


def test_an_impossible_issue_date_is_refused_before_it_is_stored(nation: Nation) -> None:
    resident_id, wallet = _citizen(nation)
    telecom = nation.issuers["telecom-1"]
    telecom.add_record(resident_id, {"phone_number": "+86 138 0000 0002", "carrier": "T"})
    issued = telecom.issue(wallet.apply(telecom.offer(), PHONE.schema_id))
    text = issued.model_dump_json().replace(issued.issued_on, "2026-02-30")
    with pytest.raises(DecodeError, match="issued_on"):
        parse(IssuedCredential, text)
    with pytest.raises(DecodeError, match="issued_on"):  # a model built without validation
        wallet.accept(issued.model_copy(update={"issued_on": "2026-02-30"}))
    wallet.documents()  # nothing broken was stored
    wallet.accept(issued)
    assert len(wallet.documents()) == 2


# ---------------------------------------------------------------------------- 5. integers


def _request_json(nation: Nation) -> dict[str, Any]:
    """A request (as a service would send it) asking ``enrollment == 1``."""
    request: dict[str, Any] = json.loads(nation.issuers["telecom-1"].offer().encode())
    request["credentials"][0]["equal"] = {"enrollment": 1}
    return request


@pytest.mark.parametrize(
    "literal", ["9007199254740992", "-9007199254740992", "1" + "0" * 5000, "-" + "9" * 4301]
)
def test_a_request_with_an_integer_rfc8785_cannot_hold_is_refused_at_parse(
    nation: Nation, literal: str
) -> None:
    good = json.dumps(_request_json(nation))
    PresentationRequest.parse(good).encode()
    bad = good.replace('"enrollment": 1', f'"enrollment": {literal}')
    assert bad != good
    with pytest.raises(DecodeError, match="integer"):
        PresentationRequest.parse(bad)


def test_a_request_built_in_code_with_such_an_integer_raises_a_typed_error(
    nation: Nation,
) -> None:
    query = CredentialQuery(id="identity", schema_id=IDENTITY.schema_id,
                            equal={"enrollment": 2**53})  # fmt: skip
    offer = nation.issuers["telecom-1"].offer()
    request = offer.model_copy(update={"credentials": (query,)})
    with pytest.raises(InvalidArgumentError, match="RFC 8785"):
        request.encode()
    with pytest.raises(InvalidArgumentError, match="RFC 8785"):
        _ = request.digest


def test_huge_integer_literals_are_typed_in_every_message(nation: Nation) -> None:
    """Python refuses int() of more than 4300 digits with ValueError; a 17-digit value
    already escapes RFC 8785. Both are DecodeError where a message is read."""
    _, _, application = _hospital_application(nation)
    issued = IssuedCredential(schema_id=CREDIT.schema_id, issuer="did:realdid:bank-1",
                              key_id="k", epoch=1, issued_on="2026-01-01",
                              values={"credit_limit": 1}, signature="AA",
                              commitment="A" * 64).model_dump_json()  # fmt: skip
    parse(IssuedCredential, issued)
    vp = application.presentation
    PresentationDocument.parse(vp)
    for huge in ("9" * 5000, "-9007199254740992"):
        with pytest.raises(DecodeError, match="integer"):
            parse(IssuedCredential, issued.replace('"credit_limit":1', f'"credit_limit":{huge}'))
        with pytest.raises(DecodeError, match="integer"):
            PresentationDocument.parse(re.sub(r'"epoch":[0-9]+', f'"epoch":{huge}', vp))
