"""Presentation requests: what a service asks, checked against what it may ask.

A request is strict JSON (RFC 8785 canonical when digested)::

    {"v": 1, "service": "did:realdid:forum-a", "purpose": "registration",
     "nonce": "<base64url, 16-64 bytes>", "valid_on": "2026-11-24", "expires_at": 1764003600,
     "pseudonym": true, "escrow": true, "transaction": null,
     "credentials": [{"id": "identity", "schema": "realdid:identity:v1",
                      "disclose": [], "predicates": [{"id": "adult", "attribute": "birth_date",
                      "lte": "2008-11-24"}], "equal": {}}]}

Every credential is proved valid on ``valid_on`` (``valid_until >= valid_on``,
never revealed). Any other range question is a predicate registered for the
service on the ledger (:mod:`realdid.ledger.predicates`), named by its id,
with the bound the registration fixes for ``valid_on``: the wallet and the
verifier each recompute that bound and refuse any other, so a service cannot
narrow a hidden value by moving the bound from one request to the next. A
service builds requests only from the ids (:class:`Ask`). All credentials
are bound to one holder; the pseudonym comes from the identity credential;
escrow encrypts its handle for the trustees with a label naming this
service, nonce, purpose and epoch. ``transaction``
is the digest of a high-value action (step-up): the presentation is bound to
it through the request digest.

:func:`check_permissions` is the wallet's guard: a request beyond the
service's ledger registration is refused with the reason.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Final, Literal

import pydantic
import rfc8785
from pydantic import BaseModel, ConfigDict, Field, field_validator

from realdid import strictjson
from realdid.credentials.view import IssuerKey, Service
from realdid.crypto.credential import AttributeValue, Kind, Schema
from realdid.crypto.escrow import EscrowKey, EscrowLabel
from realdid.crypto.presentation import (
    AttributeRef,
    CredentialRequest,
    EscrowRequest,
    IssuanceCommitment,
    RangePredicate,
    Statement,
)
from realdid.crypto.range_proof import RangeParams
from realdid.errors import DecodeError, InvalidArgumentError, PermissionDeniedError
from realdid.ledger.entries import DID_PATTERN, b64url, unb64url
from realdid.ledger.predicates import PredicateSpec, fixed_bounds

__all__ = [
    "VALIDITY",
    "Ask",
    "CredentialQuery",
    "Predicate",
    "PresentationRequest",
    "StatementInputs",
    "build_statement",
    "check_permissions",
    "check_predicate",
    "transaction_digest",
]

#: The attribute every schema ends with; its predicate is implicit in every request.
VALIDITY: Final = "valid_until"
_NAME = r"^[A-Za-z0-9._:/#-]{1,128}$"
Name = Annotated[str, Field(pattern=_NAME)]
Bound = int | datetime.date


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Predicate(_Strict):
    """The registered predicate ``id``: ``gte <= attribute <= lte`` on a hidden integer or
    date (dates as ISO strings), with the bounds its registration fixes on the request's
    day (the service states them; wallet and verifier recompute them)."""

    id: Name
    attribute: Name
    gte: int | str | None = None
    lte: int | str | None = None


class CredentialQuery(_Strict):
    id: Name
    schema_id: Annotated[str, Field(alias="schema", pattern=_NAME)]
    disclose: tuple[Name, ...] = Field(default=(), max_length=64)
    predicates: tuple[Predicate, ...] = Field(default=(), max_length=16)
    equal: dict[Name, str | int] = Field(default_factory=dict, max_length=16)

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


@dataclass(frozen=True, kw_only=True)
class Ask:
    """What a service asks of one credential: the only way to build a request
    (:meth:`PresentationRequest.fresh`). Predicates are named by their registered ids;
    their bounds come from the registration, never from the caller."""

    id: str
    schema_id: str
    disclose: tuple[str, ...] = ()
    predicates: tuple[str, ...] = ()
    equal: Mapping[str, str | int] = field(default_factory=dict)

    def query(self, registration: Service, day: datetime.date) -> CredentialQuery:
        """The wire query, each predicate's bounds fixed by ``registration`` on ``day``."""
        predicates = []
        for predicate_id in self.predicates:
            spec = registration.permissions.predicate(predicate_id)
            if spec is None:
                raise PermissionDeniedError(
                    f"predicate {predicate_id}: not registered for {registration.did}"
                )
            gte, lte = fixed_bounds(spec, day)
            predicates.append(Predicate(id=spec.id, attribute=spec.attribute, gte=gte, lte=lte))
        try:
            return CredentialQuery(
                id=self.id,
                schema_id=self.schema_id,
                disclose=tuple(self.disclose),
                predicates=tuple(predicates),
                equal=dict(self.equal),
            )
        except pydantic.ValidationError as exc:  # (one name for it, whatever parse uses)
            raise InvalidArgumentError(f"ask {self.id}: {exc.errors()[0]['msg']}") from None


class PresentationRequest(_Strict):
    v: Literal[1] = 1
    service: Annotated[str, Field(pattern=DID_PATTERN)]
    purpose: Name
    nonce: str
    valid_on: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    expires_at: Annotated[int, Field(ge=0, lt=2**53)]
    pseudonym: bool = True
    escrow: bool = False
    transaction: str | None = None
    credentials: tuple[CredentialQuery, ...] = Field(min_length=1, max_length=4)

    @field_validator("nonce")
    @classmethod
    def _nonce(cls, v: str) -> str:
        if not 16 <= len(unb64url(v, "nonce")) <= 64:
            raise ValueError("nonce: want 16 to 64 bytes")
        return v

    @field_validator("transaction")
    @classmethod
    def _transaction(cls, v: str | None) -> str | None:
        if v is not None and len(unb64url(v, "transaction")) != 32:
            raise ValueError("transaction: want a 32-byte digest")
        return v

    @classmethod
    def fresh(
        cls,
        *,
        registration: Service,
        purpose: str,
        credentials: Sequence[Ask],
        now: int,
        ttl: int,
        pseudonym: bool = True,
        escrow: bool = False,
        transaction: str | None = None,
    ) -> PresentationRequest:
        """A new request of the service ``registration`` registers: a random 16-byte
        nonce, valid on today's date, expiring in ``ttl``; each predicate's bound fixed
        by the registration for today (an id it does not register: PermissionDeniedError;
        anything but an :class:`Ask`, e.g. a query carrying its own bound:
        InvalidArgumentError)."""
        if not all(isinstance(ask, Ask) for ask in credentials):
            raise InvalidArgumentError(
                "request: build it from Asks (registered predicate ids), not from bounds"
            )
        day = datetime.datetime.fromtimestamp(now, datetime.UTC).date()
        return cls(
            service=registration.did,
            purpose=purpose,
            nonce=b64url(secrets.token_bytes(16)),
            valid_on=day.isoformat(),
            expires_at=now + ttl,
            pseudonym=pseudonym,
            escrow=escrow,
            transaction=transaction,
            credentials=tuple(ask.query(registration, day) for ask in credentials),
        )

    @classmethod
    def parse(cls, data: bytes | str) -> PresentationRequest:
        """Decode a request received as JSON (raises DecodeError).

        Strict JSON first (:mod:`realdid.strictjson`): a repeated name, an
        integer RFC 8785 cannot canonicalise (outside ±(2^53 − 1), so the
        digest below could never be computed, e.g. later in a trustee's
        review) or a huge integer literal is refused here, at the boundary.
        """
        request = strictjson.validate_json(cls, data, what="presentation request")
        request.day()  # a real date
        if len({q.id for q in request.credentials}) != len(request.credentials):
            raise DecodeError("presentation request: credential ids repeat")
        request.encode()  # canonicalisable (a request built in code, re-parsed)
        return request

    def encode(self) -> bytes:
        """RFC 8785 canonical JSON (InvalidArgumentError for a value it cannot hold)."""
        try:
            return rfc8785.dumps(self.model_dump(mode="json", by_alias=True))
        except rfc8785.CanonicalizationError:
            raise InvalidArgumentError(
                "presentation request: a value RFC 8785 cannot canonicalise"
            ) from None

    @property
    def digest(self) -> bytes:
        """SHA-256 of the canonical request: the presentation commits to all of it."""
        return hashlib.sha256(b"realdid/request/v1" + self.encode()).digest()

    def nonce_bytes(self) -> bytes:
        return unb64url(self.nonce, "nonce")

    def day(self) -> datetime.date:
        try:
            return datetime.date.fromisoformat(self.valid_on)
        except ValueError:
            raise DecodeError("presentation request: valid_on is not a date") from None


def transaction_digest(transaction: bytes) -> bytes:
    """The digest a step-up presentation is bound to (the service's canonical bytes of
    the action: payee, amount, currency, reference). The wallet recomputes it from the
    transaction it shows the citizen, so what is approved is what is signed."""
    return hashlib.sha256(b"realdid/transaction/v1" + transaction).digest()


def check_permissions(request: PresentationRequest, service: Service) -> None:
    """Refuse (PermissionDeniedError, with the reason) anything the service's ledger
    registration does not grant it. The wallet runs this before asking consent."""
    p = service.permissions
    if request.service != service.did:
        raise PermissionDeniedError("the request names another service than the one asking")
    if p.purposes and request.purpose not in p.purposes:
        raise PermissionDeniedError(f"purpose {request.purpose!r} is not registered")
    if request.pseudonym and not p.pseudonym:
        raise PermissionDeniedError("this service may not ask for a pseudonym")
    if request.escrow and p.escrow == "none":
        raise PermissionDeniedError("this service may not ask for escrow")
    granted = p.granted_schemas()
    for query in request.credentials:
        schema = query.schema_id
        if schema not in granted:  # even "just show it": holding one says something
            raise PermissionDeniedError(f"{schema}: may not ask for this credential at all")
        for name in query.disclose:
            if name not in p.disclose.get(schema, ()):
                raise PermissionDeniedError(f"{schema}: may not ask to see {name}")
        registered = {spec.id: spec for spec in p.predicates}
        for predicate in query.predicates:
            check_predicate(schema, predicate, registered, request.day())
        for name in query.equal:
            if name not in p.equal_public.get(schema, ()):
                raise PermissionDeniedError(f"{schema}: may not test {name}")


def _shown(attribute: str, gte: int | str | None, lte: int | str | None) -> str:
    low = "" if gte is None else f"{gte} <= "
    high = "" if lte is None else f" <= {lte}"
    return f"{low}{attribute}{high}"


def check_predicate(
    schema_id: str,
    predicate: Predicate,
    registered: Mapping[str, PredicateSpec],
    day: datetime.date,
) -> PredicateSpec:
    """The registered predicate a request's ``predicate`` names, if it asks exactly what
    the registration fixes on ``day``; else PermissionDeniedError with the reason."""
    spec = registered.get(predicate.id)
    if spec is None:
        raise PermissionDeniedError(f"predicate {predicate.id}: not registered for this service")
    if (spec.schema_id, spec.attribute) != (schema_id, predicate.attribute):
        raise PermissionDeniedError(
            f"predicate {predicate.id}: asks about {predicate.attribute} of {schema_id};"
            f" registered on {spec.attribute} of {spec.schema_id}"
        )
    want = fixed_bounds(spec, day)
    got = (predicate.gte, predicate.lte)
    if got != want:
        raise PermissionDeniedError(
            f"predicate {predicate.id}: asks {_shown(predicate.attribute, *got)};"
            f" the registration fixes {_shown(spec.attribute, *want)} on {day.isoformat()}"
        )
    return spec


@dataclass(frozen=True)
class StatementInputs:
    """What both sides read from the ledger (and the holder picked) to build a statement."""

    schemas: Sequence[Schema]  # per query
    keys: Sequence[IssuerKey]  # per query: the key that signed the holder's credential
    epochs: Sequence[int]  # per query: the credential's epoch
    current_epoch: int
    range_params: RangeParams
    escrow_key: EscrowKey | None
    #: The service's registered predicates, by id, read from the ledger by each side.
    predicates: Mapping[str, PredicateSpec]


def _bound(kind: Kind, value: int | str) -> Bound:
    if kind is Kind.DATE:
        if not isinstance(value, str):
            raise InvalidArgumentError("a date bound is an ISO date string")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise InvalidArgumentError("a date bound is an ISO date string") from None
    if kind is not Kind.INTEGER or isinstance(value, str):
        raise InvalidArgumentError("a bound on an integer is an integer")
    return value


def _public(kind: Kind, value: str | int) -> AttributeValue:
    if kind is Kind.TEXT and isinstance(value, str):
        return value
    if kind is Kind.INTEGER and isinstance(value, int):
        return value
    if kind is Kind.DATE and isinstance(value, str):
        return _bound(kind, value)
    if kind is Kind.BYTES and isinstance(value, str):
        return unb64url(value, "value")
    raise InvalidArgumentError(f"a {kind.value} attribute cannot equal {value!r}")


def build_statement(
    request: PresentationRequest,
    inputs: StatementInputs,
    *,
    issuance: IssuanceCommitment | None = None,
) -> Statement:
    """The statement a request asks to prove, built identically by wallet and verifier."""
    if (
        not len(inputs.schemas)
        == len(inputs.keys)
        == len(inputs.epochs)
        == len(request.credentials)
    ):
        raise InvalidArgumentError("statement inputs: one schema, key and epoch per query")
    credentials, ranges, equal_public = [], [], []
    nym_from = None
    for k, (query, schema, key, epoch) in enumerate(
        zip(request.credentials, inputs.schemas, inputs.keys, inputs.epochs, strict=True)
    ):
        if schema.schema_id != query.schema_id:
            raise InvalidArgumentError(f"query {query.id}: schema mismatch")
        credentials.append(CredentialRequest(schema, key.public_key, epoch, query.disclose))
        ranges.append(RangePredicate(AttributeRef(k, VALIDITY), lower=request.day()))
        for predicate in query.predicates:
            # The bounds proved are the ones this side recomputes from the registration.
            spec = check_predicate(query.schema_id, predicate, inputs.predicates, request.day())
            gte, lte = fixed_bounds(spec, request.day())
            kind = schema.kind(spec.attribute)
            ranges.append(
                RangePredicate(
                    AttributeRef(k, spec.attribute),
                    lower=None if gte is None else _bound(kind, gte),
                    upper=None if lte is None else _bound(kind, lte),
                )
            )
        for name, value in sorted(query.equal.items()):
            equal_public.append((AttributeRef(k, name), _public(schema.kind(name), value)))
        if nym_from is None and schema.nym_count:
            nym_from = k
    if request.pseudonym and nym_from is None:
        raise InvalidArgumentError("a pseudonym needs the identity credential in the request")
    escrow = None
    if request.escrow:
        handles = [(k, _handle(s)) for k, s in enumerate(inputs.schemas)]
        found = [(k, name) for k, name in handles if name is not None]
        if not found or inputs.escrow_key is None:
            raise InvalidArgumentError("escrow needs the identity credential and the trustees")
        k, name = found[0]
        label = EscrowLabel(
            request.service.encode(), request.nonce_bytes(), request.purpose, inputs.current_epoch
        )
        escrow = EscrowRequest(AttributeRef(k, name), inputs.escrow_key, label)
    return Statement(
        credentials=tuple(credentials),
        nonce=request.nonce_bytes(),
        context_id=request.service.encode(),
        request_digest=request.digest,
        pseudonym_from=nym_from if request.pseudonym else None,
        ranges=tuple(ranges),
        equal_public=tuple(equal_public),
        escrow=escrow,
        issuance=issuance,
        range_params=inputs.range_params,
        ciphersuite=inputs.keys[0].ciphersuite,
    )


def _handle(schema: Schema) -> str | None:
    return next((a.name for a in schema.attributes if a.kind is Kind.HANDLE), None)
