"""A small ledger world for tests and benchmarks: an authority and its institutions,
and the entries that set them up (genesis, admissions, a schema, an issuer key,
a service with its permissions, trustees, an epoch)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import cache

from realdid.crypto import bbs
from realdid.crypto.dkg import run_ceremony
from realdid.crypto.escrow import EscrowKey, EscrowLabel, encrypt
from realdid.crypto.randomness import random_scalar
from realdid.ledger.entries import (
    EntryType,
    Role,
    TrusteesBody,
    b64url,
    decode_entry,
    unb64url,
)
from realdid.ledger.identity import LedgerIdentity

ORIGIN = "ledger.realdid.example/v1"
T0 = 1_764_000_000


@dataclass(frozen=True)
class LedgerWorld:
    authority: LedgerIdentity
    hospital: LedgerIdentity
    forum: LedgerIdentity
    court: LedgerIdentity
    trustees: tuple[LedgerIdentity, ...]
    outsider: LedgerIdentity
    bbs_pk: bytes = field(repr=False)
    setup: tuple[bytes, ...] = field(repr=False)


def _identity(name: str) -> LedgerIdentity:
    return LedgerIdentity.generate(f"did:realdid:{name}", name)


def trustees_body(trustees: tuple[LedgerIdentity, ...], threshold: int) -> TrusteesBody:
    """A trustees entry body from a real key ceremony among ``trustees`` (all in process)."""
    ceremony = run_ceremony(len(trustees), threshold, session_id=b"trustees-2026")
    return TrusteesBody.from_ceremony([t.did for t in trustees], ceremony)


@cache
def ledger_world() -> LedgerWorld:
    authority, hospital, forum, court = (
        _identity(n) for n in ("authority", "hospital-1", "forum-a", "court-1")
    )
    trustees = tuple(_identity(f"trustee-{i}") for i in range(1, 4))
    outsider = _identity("outsider")
    bbs_pk = bbs.sk_to_pk(bbs.key_gen(secrets.token_bytes(32)))
    t = T0
    entries = [
        authority.sign(
            EntryType.GENESIS,
            {"origin": ORIGIN, "document": authority.document().model_dump(mode="json")},
            t,
        )
    ]
    for who, role in (
        (hospital, Role.ISSUER),
        (forum, Role.SERVICE),
        (court, Role.COURT),
        *((tr, Role.TRUSTEE) for tr in trustees),
    ):
        t += 1
        entries.append(
            authority.sign(
                EntryType.ADMIT,
                {"role": role.value, "document": who.document().model_dump(mode="json")},
                t,
            )
        )
    t += 1
    entries.append(
        authority.sign(
            EntryType.SCHEMA,
            {
                "schema_id": "realdid:medical:v1",
                "issuers": [hospital.did],
                "attributes": [
                    {"name": "blood_type", "kind": "text"},
                    {"name": "allergies", "kind": "text"},
                    {"name": "birth_date", "kind": "date"},
                ],
            },
            t,
        )
    )
    t += 1
    entries.append(
        hospital.sign(
            EntryType.ISSUER_KEY,
            {
                "key_id": f"{hospital.did}#bbs-1",
                "ciphersuite": "BLS12-381-SHA-256",
                "public_key": b64url(bbs_pk),
                "schemas": ["realdid:medical:v1"],
                "valid_from_epoch": 11,
            },
            t,
        )
    )
    t += 1
    entries.append(
        authority.sign(
            EntryType.SERVICE,
            {
                "service": forum.did,
                "context_id": forum.did,
                "permissions": {
                    "disclose": {"realdid:medical:v1": ["blood_type"]},
                    "predicates": [
                        {
                            "id": "adult",
                            "schema_id": "realdid:medical:v1",
                            "attribute": "birth_date",
                            "relation": "lte",
                            "bound": {"kind": "before_day", "years": 18},
                            "text": {"en": "You are 18 or older", "zh-CN": "您已年满18周岁"},
                        }
                    ],
                    "pseudonym": True,
                    "escrow": "required",
                    "purposes": ["registration"],
                },
            },
            t,
        )
    )
    t += 1
    entries.append(authority.sign(EntryType.TRUSTEES, trustees_body(trustees, 2), t))
    t += 1
    entries.append(authority.sign(EntryType.EPOCH, {"epoch": 11, "starts": "2026-11-01"}, t))
    return LedgerWorld(
        authority, hospital, forum, court, trustees, outsider, bbs_pk, tuple(entries)
    )


def opening_request_body(world: LedgerWorld, case: str = "c-1") -> dict[str, object]:
    """A well-formed opening.request body for the world's forum: a real escrow ciphertext
    (of a random handle) sealed to the world's trustee set, labelled for the forum."""
    index = next(i for i, e in enumerate(world.setup) if decode_entry(e).type is EntryType.TRUSTEES)
    body = decode_entry(world.setup[index]).typed_body()
    assert isinstance(body, TrusteesBody)
    key = EscrowKey.decode(unb64url(body.joint_key, "joint key"))
    label = EscrowLabel(world.forum.did.encode(), bytes(32), "account", 1)
    ciphertext, _ = encrypt(key, random_scalar(), label)
    return {
        "case": case,
        "warrant_digest": b64url(bytes(32)),
        "service": world.forum.did,
        "trustees": index,
        "evidence_digest": b64url(bytes(32)),
        "escrow": b64url(ciphertext.encode()),
    }
