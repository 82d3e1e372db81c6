"""Enrollment at the authority: the registry, one-time codes, and no oracle for who exists.
Every refusal is a typed error and changes nothing but a wrong code's attempt count."""

from __future__ import annotations

import secrets

import pytest

from realdid.authority.population import Person
from realdid.authority.registry import CODE_ATTEMPTS
from realdid.credentials.issuance import EnrollmentRequest
from realdid.errors import (
    AuthenticationError,
    DecodeError,
    InvalidArgumentError,
    RevokedError,
    VerificationError,
)
from realdid.ledger.entries import b64url
from realdid.sandbox import Nation
from tests.people import new_citizen, unregistered
from tests.snapshots import dump


@pytest.fixture
def person(nation: Nation) -> Person:
    return new_citizen(nation)


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
    counted = ("activation_codes", "enrollment_attempts")  # the try is counted and logged
    assert {k: v for k, v in after.items() if k not in counted} == {
        k: v for k, v in before.items() if k not in counted
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
        nation.authority.enroll(wallet.enrollment_request(unregistered().resident_id, "x", code))
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


def test_every_refusal_before_a_right_code_is_the_same_answer(
    nation: Nation, person: Person
) -> None:
    wallet = nation.wallet()
    enrolled = new_citizen(nation)
    nation.enroll(enrolled)  # its code is used up now
    code = nation.authority.activation_code(person.resident_id)
    answers = []
    for rid, name, attempt in (
        (unregistered().resident_id, "nobody", code),  # not in the registry
        (person.resident_id, "Someone", code),  # wrong name
        (person.resident_id, person.name, "WRONG00000"),  # wrong code
        (enrolled.resident_id, enrolled.name, code),  # already used its code
    ):
        with pytest.raises(AuthenticationError) as refused:
            nation.authority.enroll(wallet.enrollment_request(rid, name, attempt))
        answers.append(str(refused.value))
    assert len(set(answers)) == 1


def test_only_the_current_enrollment_renews(nation: Nation, person: Person) -> None:
    from realdid.credentials.schemas import IDENTITY

    old = nation.enroll(person)
    new = nation.enroll(person)  # lost phone and recovery secret: enrolled again
    for wallet, allowed in ((old, False), (new, True)):
        application = wallet.apply(nation.authority.renewal_request(), IDENTITY.schema_id)
        if allowed:
            wallet.accept(nation.authority.renew(application))
        else:
            with pytest.raises(RevokedError, match="superseded"):
                nation.authority.renew(application)
    badge_answer = new.apply(nation.authority.badge_request(), IDENTITY.schema_id)
    with pytest.raises(InvalidArgumentError):  # a badge request answered as a renewal
        nation.authority.renew(badge_answer)


def test_concurrent_redemptions_of_one_code_let_exactly_one_through(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """On PostgreSQL (row lock) and SQLite (BEGIN IMMEDIATE): four racing redemptions of
    one code, one wins; eight racing wrong guesses count eight attempts."""
    import threading

    from tools.postgres import fresh_database, postgres_server

    from realdid import db
    from realdid.authority.registry import CitizenRegistry

    p = unregistered()
    with postgres_server() as admin, fresh_database(admin) as url:
        sqlite = f"sqlite:///{tmp_path_factory.mktemp('codes') / 'a.db'}"
        for engine_url in (url, sqlite):
            registry = CitizenRegistry(db.open_engine(engine_url))
            registry.add([p])
            code = registry.new_activation_code(p.resident_id, 0)
            wins: list[bool] = []

            def redeem(
                attempt: str, out: list[bool] = wins, registry: CitizenRegistry = registry
            ) -> None:
                try:
                    registry.enroll_with_code(
                        p.resident_id, p.name, attempt, 1, handle=b"h", epoch=1,
                        index_key=secrets.token_bytes(48), issue=lambda c, g: g,
                    )  # fmt: skip
                    out.append(True)
                except AuthenticationError:
                    out.append(False)

            threads = [threading.Thread(target=redeem, args=(code,)) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(wins) == [False, False, False, True]
            registry.new_activation_code(p.resident_id, 0)
            threads = [threading.Thread(target=redeem, args=("WRONG00000",)) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            attempts = dump(registry.engine)["activation_codes"][0][4]
            assert attempts == 5  # counted, and capped by the lock at CODE_ATTEMPTS
            registry.engine.dispose()


def test_a_renewal_is_never_signed_with_other_entropy_than_proved(
    nation: Nation, person: Person
) -> None:
    from realdid.credentials.schemas import IDENTITY
    from realdid.crypto.randomness import random_scalar_octets

    wallet = nation.enroll(person)
    application = wallet.apply(nation.authority.renewal_request(), IDENTITY.schema_id)
    desk = nation.authority.desk
    pending = desk.verify(application, purpose="renewal", nym_offset=nation.authority._offset_for)
    with pytest.raises(InvalidArgumentError):  # it would change every pseudonym
        desk.sign(pending, {}, key_id=nation.authority._key(), nym_entropy=random_scalar_octets())


def test_a_failure_after_the_code_check_leaves_the_code_usable(
    nation: Nation, person: Person
) -> None:
    code = nation.authority.activation_code(person.resident_id)
    wallet = nation.wallet()
    request = wallet.enrollment_request(person.resident_id, person.name, code)
    key = nation.authority.current_key
    nation.authority.current_key = None  # e.g. between retiring a key and rotating in the next
    try:
        with pytest.raises(InvalidArgumentError):
            nation.authority.enroll(request)
    finally:
        nation.authority.current_key = key
    assert nation.authority.registry.current_generation(person.resident_id) == 0
    wallet.accept(nation.authority.enroll(request))  # the same code still works


def test_a_superseded_wallet_gets_no_badge(nation: Nation, person: Person) -> None:
    from realdid.credentials.schemas import BADGE

    old = nation.enroll(person)
    nation.enroll(person)
    with pytest.raises(RevokedError, match="superseded"):
        nation.authority.issue_badge(old.apply(nation.authority.badge_request(),
                                               BADGE.schema_id))  # fmt: skip
