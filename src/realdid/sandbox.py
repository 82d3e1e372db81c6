"""A whole national deployment in one process: what ``make demo``, the story test and
the benchmarks run. Every party is the real library, on its own real database
(SQLite files by default, or PostgreSQL databases), the ledger is the embedded
log with five trustee witnesses, and a shared :class:`Clock` lets a test move
time forward (epochs, expiry) without sleeping.

    authority         did:realdid:authority     identity + badge issuer; renewal
    hospital-1        issuer of medical summaries; a care portal (blood type, allergies)
    bank-1            issuer of credit standing; sees it, requires escrow, step-up transfers
    telecom-1         issuer of phone numbers
    university-1      issuer of degrees
    forum-a, forum-b  adult verified residents only, pseudonymous, escrow required
    influencer-1      a verified public profile: name and the real-name badge
    adults-1          an adults-only site: age >= 18, nothing else
    court-1           files lawful opening requests
    trustee-1..5      hold the escrow key's shares (3 of 5 open) and witness the log
                      (each replays every entry and cosigns only the state it gives)
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from realdid import db
from realdid.authority.authority import Authority
from realdid.authority.population import Person, resident_id
from realdid.authority.registry import CitizenRegistry
from realdid.credentials.issuing import IssuerKeyring
from realdid.credentials.nonces import NonceStore
from realdid.credentials.schemas import BADGE, CREDIT, DEGREE, IDENTITY, MEDICAL, PHONE, ledger_body
from realdid.credentials.view import LedgerView
from realdid.crypto.credential import Schema
from realdid.crypto.dkg import run_ceremony
from realdid.crypto.range_proof import generate_range_params
from realdid.issuer.sector import SectorIssuer
from realdid.ledger.embedded import EmbeddedLedger
from realdid.ledger.entries import EntryType, Role, TrusteesBody, b64url
from realdid.ledger.identity import LedgerIdentity
from realdid.ledger.predicates import day_before
from realdid.ledger.stores.sql import SqlStore
from realdid.trustee.opening import TrusteeDesk
from realdid.verifier.accounts import AccountStore
from realdid.verifier.relying_party import RelyingParty
from realdid.wallet.wallet import Wallet

__all__ = [
    "ADULT_PREDICATE",
    "ALICE",
    "BOB",
    "CAROL",
    "DAVE",
    "ORIGIN",
    "Cast",
    "Clock",
    "Nation",
    "build_nation",
    "cast",
]

ORIGIN = "ledger.realdid.example/national/v1"
START = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


def _person(name: str, born: datetime.date, sex: str, region: str, code: str) -> Person:
    return Person(resident_id(code, born, 452 if sex == "F" else 137), name, born, sex, region)


class Cast(NamedTuple):
    """The story's cast: an adult, a minor, a citizen who will be revoked, one who will
    not renew."""

    alice: Person
    bob: Person
    carol: Person
    dave: Person


def cast(today: datetime.date) -> Cast:
    """The cast aged as the story needs on ``today`` (Alice 36, Bob 16 — a minor for
    the story's whole 40 days —, Carol 41, Dave 56), so the story holds on any date."""

    def born(years: int, days: int) -> datetime.date:
        return day_before(today, years=years, months=0, days=days)

    return Cast(
        _person("李华", born(36, 262), "F", "Beijing Chaoyang", "110105"),
        _person("王小明", born(16, 176), "M", "Shanghai Xuhui", "310104"),
        _person("陈静", born(41, 319), "F", "Shenzhen Nanshan", "440305"),
        _person("刘强", born(56, 101), "M", "Chengdu Wuhou", "510107"),
    )


#: The cast on the story test's fixed first day (born 1990-03-07, 2010-06-01, 1985-01-09,
#: 1970-08-15).
ALICE, BOB, CAROL, DAVE = cast(START.date())


@dataclass
class Clock:
    """Seconds since the epoch, moved by hand (every party reads this one)."""

    now: float = START.timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, days: float) -> None:
        self.now += days * 86400

    def today(self) -> datetime.date:
        return datetime.datetime.fromtimestamp(self.now, datetime.UTC).date()


#: "At least 18 on the request's day": the one age question the sandbox's sites may ask,
#: its bound fixed here and recomputed by every wallet and verifier.
ADULT_PREDICATE: dict[str, Any] = {
    "id": "adult",
    "schema_id": IDENTITY.schema_id,
    "attribute": "birth_date",
    "relation": "lte",
    "bound": {"kind": "before_day", "years": 18},
    "text": {"en": "You are 18 or older", "zh-CN": "您已年满18周岁"},
}


def _permissions(**grants: Any) -> dict[str, Any]:
    return {
        "disclose": {},
        "predicates": [],
        "equal_public": {},
        "pseudonym": True,
        "escrow": "none",
        "purposes": [],
        **grants,
    }


SERVICES: dict[str, tuple[Role, dict[str, Any]]] = {
    "forum-a": (
        Role.SERVICE,
        _permissions(
            predicates=[ADULT_PREDICATE],
            escrow="required",
            purposes=["registration", "login"],
        ),
    ),
    "forum-b": (
        Role.SERVICE,
        _permissions(
            predicates=[ADULT_PREDICATE],
            escrow="required",
            purposes=["registration", "login"],
        ),
    ),
    "influencer-1": (
        Role.SERVICE,
        _permissions(
            disclose={IDENTITY.schema_id: ["name"], BADGE.schema_id: ["badge"]},
            purposes=["verified-profile"],
        ),
    ),
    "adults-1": (
        Role.SERVICE,
        _permissions(predicates=[ADULT_PREDICATE], purposes=["registration"]),
    ),
    "hospital-1": (
        Role.ISSUER,
        _permissions(
            disclose={
                IDENTITY.schema_id: ["resident_id"],
                MEDICAL.schema_id: ["blood_type", "allergies"],
            },
            purposes=["issuance", "care"],
        ),
    ),
    "bank-1": (
        Role.ISSUER,
        _permissions(
            disclose={IDENTITY.schema_id: ["resident_id"], CREDIT.schema_id: ["credit_standing"]},
            escrow="required",
            purposes=["issuance", "account", "transfer"],
        ),
    ),
    "telecom-1": (
        Role.ISSUER,
        _permissions(
            disclose={IDENTITY.schema_id: ["resident_id"]}, pseudonym=False, purposes=["issuance"]
        ),
    ),
    "university-1": (
        Role.ISSUER,
        _permissions(
            disclose={IDENTITY.schema_id: ["resident_id"]}, pseudonym=False, purposes=["issuance"]
        ),
    ),
    "authority": (
        Role.AUTHORITY,
        _permissions(
            disclose={IDENTITY.schema_id: ["resident_id", "enrollment"]},
            pseudonym=False,
            purposes=["renewal", "badge"],
        ),
    ),
}
ISSUERS: dict[str, tuple[str, Schema]] = {
    "hospital-1": ("City Hospital", MEDICAL),
    "bank-1": ("National Bank", CREDIT),
    "telecom-1": ("Telecom", PHONE),
    "university-1": ("University", DEGREE),
}


@dataclass
class Nation:
    clock: Clock
    ledger: EmbeddedLedger
    authority: Authority
    issuers: dict[str, SectorIssuer]
    services: dict[str, RelyingParty]
    trustees: list[TrusteeDesk]
    court: LedgerIdentity
    institutions: dict[str, LedgerIdentity] = field(repr=False)

    def view(self) -> LedgerView:
        """A fresh light-client view (each party has its own)."""
        return LedgerView(self.ledger.client(ORIGIN))

    def wallet(self, **kwargs: Any) -> Wallet:
        return Wallet.create(self.view(), clock=self.clock, **kwargs)

    def enroll(self, person: Person, **kwargs: Any) -> Wallet:
        """A new wallet holding ``person``'s identity credential (the counter visit, the
        activation code, the blind issuance)."""
        wallet = self.wallet(**kwargs)
        code = self.authority.activation_code(person.resident_id)
        request = wallet.enrollment_request(person.resident_id, person.name, code)
        wallet.accept(self.authority.enroll(request))
        return wallet

    def obtain(self, wallet: Wallet, issuer: str) -> None:
        """``wallet`` applies to a sector issuer (which must hold a record for it)."""
        desk = self.issuers[issuer]
        wallet.accept(desk.issue(wallet.apply(desk.offer(), desk.schema.schema_id)))


def _identity(name: str) -> LedgerIdentity:
    return LedgerIdentity.generate(f"did:realdid:{name}", name)


def build_nation(
    database: Callable[[str], str],
    people: Iterable[Person],
    *,
    clock: Clock | None = None,
    trustees: int = 5,
    threshold: int = 3,
) -> Nation:
    """Stand up every party, publish the ledger's setup, load the population."""
    clock = clock or Clock()
    now = int(clock())
    ledger = EmbeddedLedger.create(
        SqlStore(db.open_engine(database("ledger"))),
        ORIGIN,
        [f"witness-trustee-{i}" for i in range(1, trustees + 1)],
        quorum=threshold,
    )
    authority_id = _identity("authority")
    names = {
        **{k: v[0] for k, v in ISSUERS.items()},
        "forum-a": "Forum A",
        "forum-b": "Forum B",
        "influencer-1": "Influencer Platform",
        "adults-1": "Adults Only",
        "court-1": "District Court",
    }
    institutions = {
        key: LedgerIdentity.generate(f"did:realdid:{key}", name) for key, name in names.items()
    }
    trustee_ids = [_identity(f"trustee-{i}") for i in range(1, trustees + 1)]
    sign = authority_id.sign

    def append(kind: EntryType, body: Any, prev: int | None = None) -> int:
        return ledger.log.append(sign(kind, body, now, prev))

    # 1. Genesis and admissions.
    append(
        EntryType.GENESIS,
        {"origin": ORIGIN, "document": authority_id.document().model_dump(mode="json")},
    )
    roles = {key: SERVICES[key][0] if key in SERVICES else Role.COURT for key in institutions}
    for key, who in institutions.items():
        append(
            EntryType.ADMIT,
            {"role": roles[key].value, "document": who.document().model_dump(mode="json")},
        )
    for who in trustee_ids:
        append(
            EntryType.ADMIT,
            {"role": Role.TRUSTEE.value, "document": who.document().model_dump(mode="json")},
        )
    # 2. Schemas, with who may sign them.
    for schema, issuer in (
        (IDENTITY, authority_id.did),
        (BADGE, authority_id.did),
        *((s, institutions[k].did) for k, (_, s) in ISSUERS.items()),
    ):
        append(EntryType.SCHEMA, ledger_body(schema, (issuer,)))
    # 3. The trustees' key ceremony, on the ledger with its whole transcript.
    ceremony = run_ceremony(trustees, threshold, session_id=b"national-trustees-1")
    append(EntryType.TRUSTEES, TrusteesBody.from_ceremony([t.did for t in trustee_ids], ceremony))
    # 4. The first epoch, with its range-proof parameters (the authority drops the secret).
    append(
        EntryType.EPOCH,
        {
            "epoch": 1,
            "starts": clock.today().isoformat(),
            "range_params": b64url(generate_range_params(256, 2).encode()),
        },
    )
    # 5. What every service, issuer and the authority may ask.
    for key, (_, permissions) in SERVICES.items():
        did = authority_id.did if key == "authority" else institutions[key].did
        append(EntryType.SERVICE, {"service": did, "context_id": did, "permissions": permissions})
    ledger.publish()

    def view() -> LedgerView:
        return LedgerView(ledger.client(ORIGIN))

    def engine(name: str) -> Any:
        return db.open_engine(database(name))

    registry = CitizenRegistry(engine("authority"))
    registry.add(people)
    authority = Authority(
        identity=authority_id,
        registry=registry,
        ledger=ledger,
        view=view(),
        nonces=NonceStore(registry.engine),
        keyring=IssuerKeyring(authority_id.did),
        prf_key=secrets.token_bytes(32),
        clock=clock,
    )
    authority.rotate_key("bbs-1")
    issuers = {}
    for key, (_, schema) in ISSUERS.items():
        e = engine(key)
        issuers[key] = SectorIssuer(
            identity=institutions[key],
            schema=schema,
            engine=e,
            ledger=ledger,
            view=view(),
            nonces=NonceStore(e),
            clock=clock,
        )
        issuers[key].publish_key()
    services = {}
    for key in (*SERVICES,):
        if key == "authority":
            continue
        e = engine(f"rp-{key}")
        services[key] = RelyingParty(
            did=institutions[key].did,
            view=view(),
            nonces=NonceStore(e),
            accounts=AccountStore(e),
            clock=clock,
        )
    desks = [
        TrusteeDesk(
            identity=who, share=ceremony.key_shares[i], view=view(), ledger=ledger, clock=clock
        )
        for i, who in enumerate(trustee_ids, 1)
    ]
    return Nation(
        clock,
        ledger,
        authority,
        issuers,
        services,
        desks,
        institutions["court-1"],
        institutions,
    )
