"""The RealDID credential interface: schemas, encodings, blind issuance."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

import pytest
from tools.world import IDENTITY, MEDICAL, world

from realdid.crypto import bbs
from realdid.crypto.credential import (
    INTEGER_OFFSET,
    Attribute,
    Kind,
    Schema,
    commit_secrets,
    credential_api,
    encode_attribute,
    finalize_credential,
    issue_credential,
)
from realdid.crypto.randomness import random_scalar_octets
from realdid.crypto.suites import BLS12_381_SHA_256
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

API = credential_api(BLS12_381_SHA_256)


def test_integer_and_date_encodings_preserve_order_and_differences() -> None:
    a = encode_attribute(Kind.INTEGER, -5, API)
    b = encode_attribute(Kind.INTEGER, 7, API)
    assert int(b) - int(a) == 12
    assert int(encode_attribute(Kind.INTEGER, 0, API)) == INTEGER_OFFSET
    d1 = encode_attribute(Kind.DATE, datetime.date(1969, 12, 31), API)
    d2 = encode_attribute(Kind.DATE, datetime.date(1970, 1, 2), API)
    assert int(d2) - int(d1) == 2


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (Kind.INTEGER, 2**62),
        (Kind.INTEGER, -(2**62) - 1),
        (Kind.INTEGER, "7"),
        (Kind.INTEGER, True),
        (Kind.DATE, "2020-01-01"),
        (Kind.DATE, datetime.datetime(2020, 1, 1)),
        (Kind.TEXT, b"bytes"),
        (Kind.BYTES, 12),
        (Kind.HANDLE, bytes(32)),
        (Kind.HANDLE, b"\xff" * 32),
    ],
)
def test_bad_attribute_values_are_typed_errors(kind: Kind, value: object) -> None:
    with pytest.raises(InvalidArgumentError):
        encode_attribute(kind, value, API)  # type: ignore[arg-type]


def test_schema_rules() -> None:
    with pytest.raises(InvalidArgumentError):
        Schema("dup", (Attribute("a", Kind.TEXT), Attribute("a", Kind.TEXT)))
    with pytest.raises(InvalidArgumentError):
        IDENTITY.index("no-such-attribute")
    with pytest.raises(InvalidArgumentError):
        IDENTITY.header(-1)
    assert IDENTITY.header(1) != IDENTITY.header(2)
    assert IDENTITY.digest() != MEDICAL.digest()
    assert IDENTITY.size == IDENTITY.L + 3


def test_issuance_checks_every_move() -> None:
    w = world()
    schema, issuer = MEDICAL, w.hospital
    allergy = "penicillin; sentinel 7f3a9c"  # long enough that random repr bytes never hold it
    values = {"blood_type": "O-", "allergies": allergy, "region": "Xi'an", "chronic_conditions": ""}
    secret = random_scalar_octets()
    commitment, blind = commit_secrets(schema, secret)
    signature = issue_credential(issuer.sk, issuer.pk, schema, 3, values, commitment)
    credential = finalize_credential(
        issuer.pk, schema, 3, values, signature, secret, [], None, blind
    )
    assert credential.values == values
    assert allergy not in repr(credential)  # values and secrets stay out of repr
    assert secret.hex() not in repr(credential)
    assert repr(secret) not in repr(credential)
    # the wallet refuses a credential over anything but what it asked for
    cases: list[tuple[Any, ...]] = [
        (issuer.pk, schema, 4, values, signature, secret, [], None, blind),
        (issuer.pk, schema, 3, {**values, "region": "Beijing"}, signature, secret, [], None, blind),
        (issuer.pk, schema, 3, values, signature, random_scalar_octets(), [], None, blind),
        (w.bank.pk, schema, 3, values, signature, secret, [], None, blind),
    ]
    for args in cases:
        with pytest.raises(VerificationError):
            finalize_credential(*args)


def test_issuer_refuses_wrong_commitments_and_entropy() -> None:
    w = world()
    issuer = w.authority
    values = dict(w.alice.identity.values)
    secret = random_scalar_octets()
    nym = [random_scalar_octets()]
    commitment, _ = commit_secrets(IDENTITY, secret, nym)
    with pytest.raises(InvalidArgumentError):  # nym schema without entropy
        issue_credential(issuer.sk, issuer.pk, IDENTITY, 1, values, commitment)
    wrong_size, _ = commit_secrets(MEDICAL, secret)  # commits to 1 value, identity needs 2
    with pytest.raises(InvalidArgumentError):
        issue_credential(
            issuer.sk, issuer.pk, IDENTITY, 1, values, wrong_size, random_scalar_octets()
        )
    tampered = commitment[:50] + bytes([commitment[50] ^ 1]) + commitment[51:]
    with pytest.raises((VerificationError, DecodeError)):
        issue_credential(
            issuer.sk, issuer.pk, IDENTITY, 1, values, tampered, random_scalar_octets()
        )
    with pytest.raises(InvalidArgumentError):  # missing attribute
        issue_credential(
            issuer.sk, issuer.pk, IDENTITY, 1, {"name": "x"}, commitment, random_scalar_octets()
        )
    with pytest.raises(InvalidArgumentError):
        commit_secrets(IDENTITY, secret, [])  # identity needs its nym


def test_one_holder_secret_binds_all_credentials() -> None:
    alice = world().alice
    assert alice.identity.holder_secret == alice.medical.holder_secret == alice.credit.holder_secret
    assert alice.identity.holder_secret != world().bob.identity.holder_secret


def test_issuer_key_from_the_ledger_is_what_the_wallet_checks_against() -> None:
    sk = bbs.key_gen(secrets.token_bytes(32))
    w = world()
    values = dict(w.alice.medical.values)
    secret = random_scalar_octets()
    commitment, blind = commit_secrets(MEDICAL, secret)
    signature = issue_credential(sk, bbs.sk_to_pk(sk), MEDICAL, 1, values, commitment)
    with pytest.raises(VerificationError):  # signed with a key other than the hospital's
        finalize_credential(w.hospital.pk, MEDICAL, 1, values, signature, secret, [], None, blind)
