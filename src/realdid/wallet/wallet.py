"""The citizen's wallet: one recovery secret, credentials, one account per service.

* The holder secret and the wallet's nym part are derived from a 32-byte
  recovery secret (:func:`realdid.crypto.credential.derive_secret`), so a
  restored wallet has the same pseudonyms everywhere (docs/design.md §2.8).
* A credential is stored only after its signature verified against the key
  read from the ledger, for the current epoch and the schema on the ledger
  (so an issuer cannot tag anyone with a private key or an odd header).
* Every request is checked against the asking party's registration on the
  ledger; a request beyond it is refused with the reason, before any consent
  screen (:mod:`realdid.credentials.request`) — among them a predicate the
  registration does not list, or one with another bound than the wallet
  recomputes from the registration for the request's day — and that day must
  be the wallet's own today, so the service cannot choose it.
* :meth:`Wallet.consent` lists exactly what a presentation reveals and to
  whom; :meth:`Wallet.present` builds it and records the account.
* State is sealed at rest with scrypt + AES-256-GCM (:mod:`realdid.wallet.vault`).
"""

from __future__ import annotations

import datetime
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from realdid.credentials.exchange import HeldCredential, answer
from realdid.credentials.issuance import (
    CredentialApplication,
    EnrollmentRequest,
    IssuedCredential,
)
from realdid.credentials.request import (
    PresentationRequest,
    check_permissions,
    transaction_digest,
)
from realdid.credentials.schemas import IDENTITY
from realdid.credentials.vc import credential_document, values_from_json
from realdid.credentials.view import LedgerView
from realdid.crypto.credential import (
    commit_for_issuance,
    commit_secrets,
    derive_secret,
    finalize_credential,
)
from realdid.crypto.presentation import IssuanceCommitment
from realdid.errors import (
    DecodeError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RevokedError,
)
from realdid.ledger.entries import b64url, unb64url
from realdid.wallet.consent import Consent, describe
from realdid.wallet.state import read_state
from realdid.wallet.vault import open_sealed, read_file, seal, write_file

__all__ = ["Account", "Wallet"]


@dataclass
class Account:
    service: str
    pseudonym: str  # base64url
    first_seen: int
    last_seen: int
    visits: int = 1


@dataclass(repr=False)
class _Stored:
    """A credential as sealed in the wallet (enough to rebuild it offline). No repr:
    its values and blind must never reach a log."""

    schema_id: str
    issuer: str
    key_id: str
    public_key: str
    epoch: int
    values: dict[str, str | int]
    signature: str
    blind: str
    nym_entropy: str | None
    issued_on: str


@dataclass
class Wallet:
    view: LedgerView
    recovery_secret: bytes = field(repr=False)
    credentials: list[_Stored] = field(default_factory=list, repr=False)
    accounts: dict[str, Account] = field(default_factory=dict)
    pending: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    path: Path | None = None
    passphrase: str | None = field(default=None, repr=False)
    clock: Callable[[], float] = time.time
    _held: dict[int, HeldCredential] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ life cycle

    @classmethod
    def create(
        cls,
        view: LedgerView,
        *,
        path: Path | None = None,
        passphrase: str | None = None,
        recovery_secret: bytes | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Wallet:
        """A new wallet (or one restored from ``recovery_secret``)."""
        if (path is None) != (passphrase is None):
            raise InvalidArgumentError("wallet: a path and a passphrase go together")
        secret = secrets.token_bytes(32) if recovery_secret is None else recovery_secret
        if len(secret) != 32:
            raise InvalidArgumentError("recovery secret: want 32 bytes")
        wallet = cls(view, secret, path=path, passphrase=passphrase, clock=clock)
        wallet.save()
        return wallet

    @classmethod
    def unlock(
        cls,
        path: Path,
        passphrase: str,
        view: LedgerView,
        *,
        clock: Callable[[], float] = time.time,
    ) -> Wallet:
        """Open a sealed wallet (AuthenticationError for a wrong passphrase; DecodeError
        for a file or a state that is not a wallet's, :mod:`realdid.wallet.state`)."""
        state = read_state(open_sealed(read_file(path), passphrase))
        return cls(
            view,
            state.recovery_secret_bytes(),
            [_Stored(**c.model_dump()) for c in state.credentials],
            {k: Account(**a.model_dump()) for k, a in state.accounts.items()},
            state.pending_dicts(),
            path,
            passphrase,
            clock,
        )

    def save(self) -> None:
        if self.path is None or self.passphrase is None:
            return
        state = {
            "recovery_secret": b64url(self.recovery_secret),
            "credentials": [c.__dict__ for c in self.credentials],
            "accounts": {k: a.__dict__ for k, a in self.accounts.items()},
            "pending": self.pending,
        }
        write_file(self.path, seal(json.dumps(state).encode(), self.passphrase))

    # ------------------------------------------------------------------ secrets

    def _holder_secret(self) -> bytes:
        return derive_secret(self.recovery_secret, b"holder-secret")

    def _prover_nym(self) -> bytes:
        return derive_secret(self.recovery_secret, b"prover-nym")

    def _today(self) -> datetime.date:
        return datetime.datetime.fromtimestamp(self.clock(), datetime.UTC).date()

    # ------------------------------------------------------------------ issuance

    def enrollment_request(self, resident_id: str, name: str, code: str) -> EnrollmentRequest:
        """What to send the authority to enroll (the commitment's secrets stay here)."""
        commitment, blind = commit_secrets(IDENTITY, self._holder_secret(), [self._prover_nym()])
        pending = {"blind": b64url(blind), "schema": IDENTITY.schema_id}
        self.pending[b64url(commitment[:48])] = pending
        self.save()
        return EnrollmentRequest(resident_id=resident_id, name=name, activation_code=code,
                                 commitment=b64url(commitment))  # fmt: skip

    def apply(self, request: PresentationRequest, schema_id: str) -> CredentialApplication:
        """Answer an issuer's request for a ``schema_id`` credential: present the identity
        credential and a commitment proved to hold this holder's secrets."""
        self._check(request)
        schema, _ = self.view.schema(schema_id)
        identity = self._identity()
        nyms = [self._prover_nym()] if schema.nym_count else []
        offset = None
        if schema.nym_count:
            if identity.signer_nym_entropy is None:
                raise InvalidArgumentError("renewal: the identity credential has no nym entropy")
            offset = identity.signer_nym_entropy
        C, blind = commit_for_issuance(schema, self._holder_secret(), nyms)
        issuance = IssuanceCommitment(schema, C, 0, offset)
        document, _ = answer(request, [identity], self.view, issuance=issuance,
                             issuance_blind=blind)  # fmt: skip
        self.pending[b64url(C)] = {"blind": b64url(blind), "schema": schema_id}
        self.save()
        return CredentialApplication(schema_id=schema_id, commitment=b64url(C),
                                     presentation=document.decode())  # fmt: skip

    def accept(self, issued: IssuedCredential) -> HeldCredential:
        """Check and store a credential: the key is live on the ledger and may sign the
        schema, the epoch is the ledger's current one, the signature verifies over
        exactly these values and this holder's secrets."""
        self.view.refresh()
        key = self.view.issuer_key(issued.key_id, issued.schema_id)
        if key.issuer != issued.issuer:
            raise InvalidArgumentError("credential: the key is not the named issuer's")
        if issued.epoch != self.view.epoch().epoch:
            raise InvalidArgumentError("credential: not for the current epoch")
        schema, _ = self.view.schema(issued.schema_id)  # on the ledger, not retired
        if (issued.nym_entropy is not None) != bool(schema.nym_count):
            # Unsigned: entropy on a schema without a nym secret would be stored and
            # shown as if the issuer had vouched for it.
            want = "with" if schema.nym_count else "without"
            raise InvalidArgumentError(f"credential: a {schema.schema_id} comes {want} nym entropy")
        try:
            datetime.date.fromisoformat(issued.issued_on)
        except (TypeError, ValueError):
            raise DecodeError("credential: issued_on is not a date") from None
        pending_key = issued.commitment  # the commitment this wallet made for it
        pending = self.pending.get(pending_key)
        if pending is None or pending["schema"] != issued.schema_id:
            raise NotFoundError("credential: no pending request of this wallet matches it")
        stored = _Stored(
            issued.schema_id,
            issued.issuer,
            issued.key_id,
            b64url(key.public_key),
            issued.epoch,
            dict(issued.values),
            issued.signature,
            pending["blind"],
            issued.nym_entropy,
            issued.issued_on,
        )
        held = self._rebuild(stored)  # verifies the signature
        del self.pending[pending_key]
        self.credentials = [
            c for c in self.credentials if c.schema_id != issued.schema_id
        ]  # the newest replaces the older one (renewal)
        self.credentials.append(stored)
        self._held.clear()
        self.save()
        return held

    def _rebuild(self, stored: _Stored) -> HeldCredential:
        schema, _ = self.view.schema(stored.schema_id)
        nyms = [self._prover_nym()] if schema.nym_count else []
        entropy = None if stored.nym_entropy is None else unb64url(stored.nym_entropy, "entropy")
        credential = finalize_credential(
            unb64url(stored.public_key, "key"),
            schema,
            stored.epoch,
            values_from_json(schema, stored.values),
            unb64url(stored.signature, "signature"),
            self._holder_secret(),
            nyms,
            entropy,
            unb64url(stored.blind, "blind"),
        )
        return HeldCredential(credential, stored.key_id, stored.issuer, entropy)

    def documents(self) -> list[dict[str, Any]]:
        """Every credential as W3C VC Data Model 2.0 JSON (for display and export; the
        secrets that make it presentable stay in the sealed state)."""
        out = []
        for stored, held in zip(self.credentials, self.held(), strict=True):
            out.append(
                credential_document(
                    held.schema,
                    held.credential.values,
                    issuer=stored.issuer,
                    key_id=stored.key_id,
                    epoch=stored.epoch,
                    signature=unb64url(stored.signature, "signature"),
                    issued_on=datetime.date.fromisoformat(stored.issued_on),
                )
            )
        return out

    def held(self) -> list[HeldCredential]:
        if not self._held:
            self._held = {i: self._rebuild(c) for i, c in enumerate(self.credentials)}
        return list(self._held.values())

    def _identity(self) -> HeldCredential:
        return self._one(IDENTITY.schema_id)

    def _one(self, schema_id: str) -> HeldCredential:
        for held in self.held():
            if held.schema.schema_id == schema_id:
                return held
        raise NotFoundError(f"wallet: no {schema_id} credential")

    def needs_renewal(self) -> bool:
        """True when the identity credential is from an epoch before the ledger's."""
        try:
            return self._identity().credential.epoch < self.view.epoch().epoch
        except NotFoundError:
            return False

    # ------------------------------------------------------------------ presenting

    def _check(self, request: PresentationRequest) -> None:
        """The guard, preconditions first:

        1. the request is about this wallet's own today, exactly. Its day fixes every
           registered bound relative to the day and the validity date proved, so a
           service free to pick the day would pick the bound: a minor a day short of 18
           would pass as "adult" on tomorrow's bound, an expired credential as "valid"
           on yesterday's, and a far date would probe hidden expiry dates;
        2. it has not expired;
        3. the asker's ledger registration grants all of it.
        """
        today = self._today()
        if request.day() != today:
            raise PermissionDeniedError(
                f"request: asks about {request.valid_on}, want today ({today.isoformat()}):"
                " a service may not choose the day its bounds are fixed for"
            )
        if request.expires_at < self.clock():
            raise RevokedError("request: expired")
        self.view.refresh()  # permissions and keys as the ledger has them now
        service = self.view.service(request.service)
        check_permissions(request, service)

    def consent(
        self,
        request: PresentationRequest,
        *,
        transaction: bytes | None = None,
        language: str = "en",
    ) -> Consent:
        """Exactly what answering would reveal, and to whom (refuses what may not be asked,
        e.g. a predicate bound other than its registration fixes for the day). A step-up
        request must come with its transaction, which is shown and must match the digest
        the presentation will be bound to. Predicates read in the registration's words,
        in ``language`` ("en" or "zh-CN")."""
        self._check(request)
        shown = None if transaction is None else b64url(transaction_digest(transaction))
        if shown != request.transaction:  # both absent, or the one shown is the one signed
            raise PermissionDeniedError("step-up: the transaction shown is not the one signed")
        chosen = [self._one(q.schema_id) for q in request.credentials]
        service = self.view.service(request.service)
        known = service.did in self.accounts
        return describe(request, service, chosen, returning=known, transaction=transaction,
                        language=language)  # fmt: skip

    def present(self, request: PresentationRequest) -> bytes:
        """The VP for ``request`` (after the citizen agreed to :meth:`consent`)."""
        self._check(request)
        chosen = [self._one(q.schema_id) for q in request.credentials]
        document, result = answer(request, chosen, self.view)
        if result.pseudonym is not None:
            now = int(self.clock())
            nym = b64url(result.pseudonym)
            account = self.accounts.get(request.service)
            if account is None:
                self.accounts[request.service] = Account(request.service, nym, now, now)
            else:
                account.last_seen, account.visits = now, account.visits + 1
            self.save()
        return document
