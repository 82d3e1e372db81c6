"""Enrollment at the authority: the registry, one-time codes, and no oracle for who exists.
Every refusal is a typed error and changes nothing but a wrong code's attempt count."""

from __future__ import annotations

import datetime
import itertools

import pytest

from realdid.authority.population import Person, resident_id
from realdid.authority.registry import CODE_ATTEMPTS
from realdid.credentials.issuance import EnrollmentRequest
from realdid.errors import (
    AuthenticationError,
    DecodeError,
    RevokedError,
    VerificationError,
)
from realdid.ledger.entries import b64url
from realdid.sandbox import Nation
from tests.snapshots import dump


def _person(sequence: int) -> Person:
    born = datetime.date(1988, 5, 17)
    return Person(resident_id("320102", born, sequence), f"测试{sequence}", born, "F", "Nanjing")


_SEQUENCE = itertools.count(100)


@pytest.fixture
def person(nation: Nation) -> Person:
    """A citizen of the registry that no other test has touched."""
    p = _person(next(_SEQUENCE))
    nation.authority.registry.add([p])
    return p


def _codes(nation: Nation) -> list[tuple[object, ...]]:
    return dump(nation.authority.registry.engine)["activation_codes"]


def test_a_wrong_code_counts_and_changes_nothing_else(nation: Nation, person: Person) -> None:
    code = nation.authority.activation_code(person.resident_id)
    wallet = nation.wallet()
    before = dump(nation.authority.registry.engine)
    with pytest.raises(AuthenticationError):
        nation.authority.enroll(
            wallet.enrollment_request(person.resident_id, person.name, "X" * 10)
        )
    after = dump(nation.authority.registry.engine)
    assert {k: v for k, v in after.items() if k != "activation_codes"} == {
        k: v for k, v in before.items() if k != "activation_codes"
    }
    assert [row[4] for row in after["activation_codes"] if row[0] == person.resident_id] == [1]
    wallet.accept(
        nation.authority.enroll(wallet.enrollment_request(person.resident_id, person.name, code))
    )


def test_a_wrong_name_or_unknown_person_looks_like_a_wrong_code(
    nation: Nation, person: Person
) -> None:
    code = nation.authority.activation_code(person.resident_id)
    wallet = nation.wallet()
    with pytest.raises(AuthenticationError) as wrong_name:
        nation.authority.enroll(wallet.enrollment_request(person.resident_id, "Someone", code))
    with pytest.raises(AuthenticationError) as unknown:
        nation.authority.enroll(wallet.enrollment_request(_person(999).resident_id, "x", code))
    assert str(wrong_name.value) == str(unknown.value)  # no oracle for who is registered


def test_codes_lock_after_too_many_tries_and_work_once(nation: Nation, person: Person) -> None:
    code = nation.authority.activation_code(person.resident_id)
    wallet = nation.wallet()
    for _ in range(CODE_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            nation.authority.enroll(
                wallet.enrollment_request(person.resident_id, person.name, "WRONG00000")
            )
    with pytest.raises(AuthenticationError):  # locked: even the right code is refused now
        nation.authority.enroll(wallet.enrollment_request(person.resident_id, person.name, code))
    code = nation.authority.activation_code(person.resident_id)  # a new one from the counter
    wallet.accept(
        nation.authority.enroll(wallet.enrollment_request(person.resident_id, person.name, code))
    )
    with pytest.raises(AuthenticationError):  # used up
        nation.authority.enroll(wallet.enrollment_request(person.resident_id, person.name, code))


def test_an_expired_code_is_refused(nation: Nation, person: Person) -> None:
    code = nation.authority.activation_code(person.resident_id)
    nation.clock.advance(8)
    try:
        with pytest.raises(AuthenticationError):
            nation.authority.enroll(
                nation.wallet().enrollment_request(person.resident_id, person.name, code)
            )
    finally:
        nation.clock.advance(-8)


def test_a_malformed_commitment_does_not_burn_the_code(nation: Nation, person: Person) -> None:
    code = nation.authority.activation_code(person.resident_id)
    wallet = nation.wallet()
    good = wallet.enrollment_request(person.resident_id, person.name, code)
    before = _codes(nation)
    for bad in (b64url(b"\x00" * 100), good.commitment[:-4] + "AAAA"):
        with pytest.raises((DecodeError, VerificationError)):
            nation.authority.enroll(good.model_copy(update={"commitment": bad}))
    assert _codes(nation) == before  # the good request still works:
    wallet.accept(nation.authority.enroll(good))


def test_a_revoked_citizen_is_not_enrolled(nation: Nation, person: Person) -> None:
    code = nation.authority.activation_code(person.resident_id)
    nation.authority.revoke(person.resident_id, "deceased")
    with pytest.raises(RevokedError):
        nation.authority.enroll(
            nation.wallet().enrollment_request(person.resident_id, person.name, code)
        )


def test_enrollment_requests_are_strict_json() -> None:
    from realdid.credentials.issuance import parse

    for bad in (
        b"{}",
        b'{"resident_id": "1", "name": "a", "activation_code": "b", "commitment": "c"}',
        b"not json",
    ):
        with pytest.raises(DecodeError):
            parse(EnrollmentRequest, bad)
