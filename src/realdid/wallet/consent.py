"""The consent screen's content: exactly what a presentation reveals, and to whom.

Built from the request after the permission check, so it can only list what
the service's ledger registration allows; the wallet shows it and presents
only after the citizen agrees. What a predicate proves is said in the
registration's own words (its ``text``, in English or Chinese), with the bound
the wallet recomputed for the request's day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from realdid.credentials.exchange import HeldCredential
from realdid.credentials.request import PresentationRequest, check_predicate
from realdid.credentials.view import Service
from realdid.errors import InvalidArgumentError
from realdid.ledger.predicates import LANGUAGES, fixed_bounds

__all__ = ["Consent", "describe"]


@dataclass(frozen=True)
class Consent:
    service: str  # the service's name on the ledger
    service_did: str
    purpose: str
    reveals: tuple[tuple[str, str, str], ...]  # (credential, attribute, value as shown)
    proves: tuple[str, ...]  # statements proved without revealing the values
    pseudonym: str | None  # "new account" / "your existing account" / None
    escrow: bool
    transaction: str | None

    def lines(self) -> list[str]:
        """The screen, one line each, in plain words."""
        out = [f"{self.service} ({self.service_did}) asks, for {self.purpose}:"]
        out += [f"  reveal {attr} from your {cred}: {value}" for cred, attr, value in self.reveals]
        out += [f"  prove {p}" for p in self.proves]
        if self.pseudonym:
            out.append(f"  sign in with your pseudonym for this service ({self.pseudonym})")
        if self.escrow:
            out.append(
                "  seal your identity for the trustees: it can be opened only under a court"
                " order by a quorum of trustees, and every opening is public on the ledger"
            )
        if self.transaction:
            out.append(f"  approve transaction {self.transaction}")
        return out


def _credential_name(schema_id: str) -> str:
    return schema_id.split(":")[1] if schema_id.count(":") >= 2 else schema_id


def describe(
    request: PresentationRequest,
    service: Service,
    chosen: Sequence[HeldCredential],
    *,
    returning: bool,
    transaction: bytes | None = None,
    language: str = "en",
) -> Consent:
    """The screen for ``request`` (already checked against ``service``); predicate texts in
    ``language`` (one of :data:`realdid.ledger.predicates.LANGUAGES`)."""
    if language not in LANGUAGES:
        raise InvalidArgumentError(f"language: got {language!r}, want one of {LANGUAGES}")
    registered = {spec.id: spec for spec in service.permissions.predicates}
    day = request.day()
    reveals, proves = [], []
    for query, held in zip(request.credentials, chosen, strict=True):
        name = _credential_name(query.schema_id)
        for attribute in query.disclose:
            reveals.append((name, attribute, str(held.credential.values[attribute])))
        proves.append(f"your {name} credential is valid on {request.valid_on}")
        for p in query.predicates:
            spec = check_predicate(query.schema_id, p, registered, day)
            gte, lte = fixed_bounds(spec, day)
            low = "" if gte is None else f"{gte} ≤ "
            high = "" if lte is None else f" ≤ {lte}"
            proves.append(f"{spec.consent_text(language)} ({low}{spec.attribute}{high})")
        for attribute, value in query.equal.items():
            proves.append(f"your {attribute} is {value} (the service names the value)")
    if len(chosen) > 1:
        proves.append("all these credentials are yours (one holder)")
    pseudonym = None
    if request.pseudonym:
        pseudonym = "your existing account" if returning else "a new account"
    return Consent(
        service.name,
        service.did,
        request.purpose,
        tuple(reveals),
        tuple(proves),
        pseudonym,
        request.escrow,
        None if transaction is None else transaction.decode("utf-8", "replace"),
    )
