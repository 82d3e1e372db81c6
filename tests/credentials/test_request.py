"""Presentation requests and VC JSON: strict on the way in, canonical when digested."""

from __future__ import annotations

import datetime
import json

import pytest

from realdid.credentials.request import PresentationRequest
from realdid.credentials.schemas import IDENTITY, MEDICAL
from realdid.credentials.vc import (
    PresentationDocument,
    credential_document,
    values_from_json,
    values_to_json,
)
from realdid.crypto.credential import AttributeValue
from realdid.errors import DecodeError, InvalidArgumentError

ADULT = {"id": "adult", "attribute": "birth_date", "lte": "2008-11-24"}
QUERY = {"id": "identity", "schema": IDENTITY.schema_id, "predicates": [ADULT]}
GOOD: dict[str, object] = {
    "service": "did:realdid:forum-a",
    "purpose": "registration",
    "nonce": "AAAAAAAAAAAAAAAAAAAAAA",
    "valid_on": "2026-11-24",
    "expires_at": 1,
    "credentials": [QUERY],
}


def test_a_request_round_trips_and_its_digest_is_canonical() -> None:
    request = PresentationRequest.parse(json.dumps(GOOD))
    assert PresentationRequest.parse(request.encode()) == request
    reordered = json.dumps(dict(reversed(list(GOOD.items()))), indent=2)
    assert PresentationRequest.parse(reordered).digest == request.digest
    assert request.model_copy(update={"purpose": "login"}).digest != request.digest


@pytest.mark.parametrize(
    "change",
    [
        {"nonce": "AAAA"},  # too short
        {"nonce": "AAAAAAAAAAAAAAAAAAAAAB"},  # non-canonical base64url (unused bits set)
        {"service": "did:web:evil.example"},
        {"valid_on": "2026-02-30"},
        {"credentials": []},
        {"credentials": [QUERY, QUERY]},  # ids repeat
        {"transaction": "AAAA"},
        {"extra": True},
        {"v": 2},
    ],
)
def test_malformed_requests_are_decode_errors(change: dict[str, object]) -> None:
    with pytest.raises(DecodeError):
        PresentationRequest.parse(json.dumps({**GOOD, **change}))


def test_vc_json_round_trips_every_kind() -> None:
    values: dict[str, AttributeValue] = {
        "escrow_handle": b"\x01" * 32, "name": "李华", "resident_id": "11010519491231002X",
        "birth_date": datetime.date(1990, 3, 7), "sex": "F", "region": "Beijing",
        "nationality": "CN", "enrollment": 1, "valid_until": datetime.date(2026, 12, 31),
    }  # fmt: skip
    assert values_from_json(IDENTITY, values_to_json(IDENTITY, values)) == values
    document = credential_document(
        IDENTITY, values, issuer="did:realdid:authority", key_id="did:realdid:authority#bbs-1",
        epoch=1, signature=b"\x02" * 80, issued_on=datetime.date(2026, 11, 24),
    )  # fmt: skip
    assert document["validUntil"] == "2026-12-31"
    assert document["proof"]["cryptosuite"] == "realdid-bbs-2026"
    assert "id" not in document["credentialSubject"]  # the subject names no holder
    with pytest.raises(InvalidArgumentError):
        credential_document(
            MEDICAL, {"blood_type": "A"}, issuer="did:realdid:x", key_id="k", epoch=1,
            signature=b"", issued_on=datetime.date(2026, 1, 1),
        )  # fmt: skip
    with pytest.raises(DecodeError):
        values_from_json(MEDICAL, {"not_an_attribute": "x"})
    with pytest.raises(DecodeError):
        PresentationDocument.parse(b'{"@context": [], "type": []}')
