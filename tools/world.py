"""A small world for presentation tests and benchmarks: three issuers, their schemas, two holders.

Alice (adult) and Bob (16) each hold an identity credential from the
authority (with a nym secret and an escrow handle), a medical credential
from a hospital and a credit credential from a bank, all bound to the
holder's one secret. Built once per test session (issuance costs ~5 ms).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from functools import cache

from realdid.crypto import bbs
from realdid.crypto._backend import BP1, scalar_from_wide
from realdid.crypto.credential import (
    Attribute,
    AttributeValue,
    Credential,
    Kind,
    Schema,
    commit_secrets,
    finalize_credential,
    issue_credential,
)
from realdid.crypto.escrow import EscrowKey, EscrowLabel
from realdid.crypto.presentation import (
    AttributeRef,
    CredentialRequest,
    EscrowRequest,
    RangePredicate,
    Statement,
)
from realdid.crypto.randomness import random_scalar_octets
from realdid.crypto.range_proof import RangeParams, generate_range_params

EPOCH = 11
TODAY = datetime.date(2026, 11, 24)
ADULT_CUTOFF = datetime.date(2008, 11, 24)  # born on or before: 18 or older today

IDENTITY = Schema(
    "realdid:identity:v1",
    tuple(
        Attribute(name, kind)
        for name, kind in (
            ("name", Kind.TEXT),
            ("resident_id", Kind.TEXT),
            ("birth_date", Kind.DATE),
            ("sex", Kind.TEXT),
            ("region", Kind.TEXT),
            ("nationality", Kind.TEXT),
            ("verified_resident", Kind.TEXT),
            ("escrow_handle", Kind.HANDLE),
            ("valid_until", Kind.DATE),
            ("issued_on", Kind.DATE),
            ("document_number", Kind.BYTES),
            ("photo_digest", Kind.BYTES),
        )
    ),
    nym_count=1,
)
MEDICAL = Schema(
    "realdid:medical:v1",
    (
        Attribute("blood_type", Kind.TEXT),
        Attribute("allergies", Kind.TEXT),
        Attribute("region", Kind.TEXT),
        Attribute("chronic_conditions", Kind.TEXT),
    ),
)
CREDIT = Schema(
    "realdid:credit:v1",
    (Attribute("credit_standing", Kind.TEXT), Attribute("score", Kind.INTEGER)),
)


@dataclass(frozen=True)
class Issuer:
    sk: bytes
    pk: bytes


@dataclass(frozen=True)
class Holder:
    name: str
    identity: Credential
    medical: Credential
    credit: Credential


@dataclass(frozen=True)
class World:
    authority: Issuer
    hospital: Issuer
    bank: Issuer
    alice: Holder
    bob: Holder
    range_params: RangeParams
    escrow_secret: int
    escrow_key: EscrowKey


def _issuer() -> Issuer:
    sk = bbs.key_gen(secrets.token_bytes(32))
    return Issuer(sk, bbs.sk_to_pk(sk))


def issue(
    issuer: Issuer, schema: Schema, values: dict[str, AttributeValue], holder_secret: bytes
) -> Credential:
    prover_nyms = [random_scalar_octets() for _ in range(schema.nym_count)]
    commitment, blind = commit_secrets(schema, holder_secret, prover_nyms)
    entropy = random_scalar_octets() if schema.nym_count else None
    signature = issue_credential(issuer.sk, issuer.pk, schema, EPOCH, values, commitment, entropy)
    return finalize_credential(
        issuer.pk, schema, EPOCH, values, signature, holder_secret, prover_nyms, entropy, blind
    )


def _holder(world: tuple[Issuer, Issuer, Issuer], name: str, birth: datetime.date) -> Holder:
    authority, hospital, bank = world
    secret = random_scalar_octets()
    identity = issue(
        authority,
        IDENTITY,
        {
            "name": name,
            "resident_id": "110105199003074536",
            "birth_date": birth,
            "sex": "F",
            "region": "Beijing",
            "nationality": "CN",
            "verified_resident": "true",
            "escrow_handle": random_scalar_octets(),
            "valid_until": datetime.date(2026, 12, 24),
            "issued_on": datetime.date(2026, 11, 1),
            "document_number": b"E12345678",
            "photo_digest": secrets.token_bytes(32),
        },
        secret,
    )
    medical = issue(
        hospital,
        MEDICAL,
        {"blood_type": "A+", "allergies": "penicillin", "region": "Beijing",
         "chronic_conditions": "none"},
        secret,
    )  # fmt: skip
    credit = issue(bank, CREDIT, {"credit_standing": "good", "score": 742}, secret)
    return Holder(name, identity, medical, credit)


@cache
def world() -> World:
    issuers = (_issuer(), _issuer(), _issuer())
    escrow_secret = secrets.randbelow(2**250) + 1
    x = scalar_from_wide(escrow_secret.to_bytes(48, "big"))
    return World(
        *issuers,
        alice=_holder(issuers, "Alice Li", datetime.date(1990, 3, 7)),
        bob=_holder(issuers, "Bob Wang", datetime.date(2010, 6, 1)),
        range_params=generate_range_params(256, 2),
        escrow_secret=escrow_secret,
        escrow_key=EscrowKey(BP1 * x),
    )


def forum_statement(
    context_id: bytes = b"did:realdid:svc:forum-a",
    nonce: bytes | None = None,
    *,
    escrow: bool = True,
) -> Statement:
    """What a forum asks: adult verified resident, valid credential, pseudonym, escrow."""
    w = world()
    nonce = secrets.token_bytes(16) if nonce is None else nonce
    return Statement(
        credentials=(
            CredentialRequest(IDENTITY, w.authority.pk, EPOCH, ("region", "verified_resident")),
        ),
        nonce=nonce,
        context_id=context_id,
        request_digest=b"\x01" * 32,
        pseudonym_from=0,
        ranges=(
            RangePredicate(AttributeRef(0, "birth_date"), upper=ADULT_CUTOFF),
            RangePredicate(AttributeRef(0, "valid_until"), lower=TODAY),
        ),
        escrow=EscrowRequest(
            AttributeRef(0, "escrow_handle"),
            w.escrow_key,
            EscrowLabel(context_id, nonce, "account-registration", EPOCH),
        )
        if escrow
        else None,
        range_params=w.range_params,
    )
