"""The relying-party SDK: ask, verify through the ledger, and keep accounts by pseudonym.

1. :meth:`RelyingParty.request` builds a request within the service's own
   ledger registration (a request it may not make would only be refused by
   every wallet), remembers its nonce (single use, expiring), and adds escrow
   when the registration requires it. Range questions are named by their
   registered predicate ids (:class:`~realdid.credentials.request.Ask`); the
   bound is the one the registration fixes for the day, and no call takes one.
2. :meth:`RelyingParty.verify` checks an answer: the nonce is pending, the
   presentation verifies against keys, schemas, range parameters and the
   trustees' key read through the ledger's light client; then the nonce is
   consumed. A failed check changes nothing.
3. :meth:`RelyingParty.sign_in` maps the pseudonym to the account (created on
   first sight; a banned account stays banned, whatever the citizen does).
4. Step-up: :meth:`RelyingParty.step_up` asks for a fresh presentation bound
   to a transaction's digest; :meth:`RelyingParty.confirm` accepts it only
   from the same account for the same transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from realdid.credentials.exchange import VerifiedPresentation, check_answer
from realdid.credentials.nonces import NonceStore
from realdid.credentials.request import (
    Ask,
    PresentationRequest,
    check_permissions,
    transaction_digest,
)
from realdid.credentials.vc import PresentationDocument
from realdid.credentials.view import LedgerView
from realdid.errors import InvalidArgumentError, RevokedError, VerificationError
from realdid.ledger.entries import b64url
from realdid.verifier.accounts import Account, AccountStore

__all__ = ["Ask", "RelyingParty", "SignIn", "transaction_digest"]


@dataclass(frozen=True)
class SignIn:
    account: Account
    created: bool
    presentation: VerifiedPresentation


class RelyingParty:
    def __init__(
        self,
        *,
        did: str,
        view: LedgerView,
        nonces: NonceStore,
        accounts: AccountStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.did = did
        self.view = view
        self.nonces = nonces
        self.accounts = accounts
        self.clock = clock

    def request(
        self,
        credentials: Sequence[Ask],
        *,
        purpose: str,
        pseudonym: bool = True,
        escrow: bool | None = None,
        transaction: bytes | None = None,
        ttl: int = 300,
    ) -> PresentationRequest:
        """A fresh request (remembered until answered or expired); each :class:`Ask` names
        registered predicates by id (PermissionDeniedError for one not registered)."""
        self.view.refresh()  # the registration as the ledger has it now
        service = self.view.service(self.did)
        if escrow is None:
            escrow = service.permissions.escrow == "required"
        request = PresentationRequest.fresh(
            registration=service,
            purpose=purpose,
            credentials=credentials,
            now=int(self.clock()),
            ttl=ttl,
            pseudonym=pseudonym,
            escrow=escrow,
            transaction=None if transaction is None else b64url(transaction_digest(transaction)),
        )
        check_permissions(request, service)  # never ask what wallets must refuse
        self.nonces.remember(request)
        return request

    def _check(self, presentation: bytes) -> VerifiedPresentation:
        """Verify an answer to a pending request of this service; changes nothing."""
        self.view.refresh()  # a key retired a minute ago is refused now
        document = PresentationDocument.parse(presentation)
        request = self.nonces.pending(document.proof.challenge, int(self.clock()))
        if request.service != self.did:
            raise VerificationError("presentation: for another service")
        permissions = self.view.service(self.did).permissions
        if permissions.escrow == "required" and not request.escrow:
            raise InvalidArgumentError("this service's registration requires escrow")
        return check_answer(request, presentation, self.view)

    def verify(self, presentation: bytes) -> VerifiedPresentation:
        """Check an answer to one of this service's pending requests, then use up its nonce."""
        verified = self._check(presentation)
        self.nonces.consume(verified.request.nonce, int(self.clock()))
        return verified

    def sign_in(self, presentation: bytes) -> SignIn:
        """Register or log in: the pseudonym is the account; a banned one is refused
        before anything is recorded (not even the nonce is used up)."""
        verified = self._check(presentation)
        if verified.pseudonym is None:
            raise InvalidArgumentError("sign-in: the request did not ask for a pseudonym")
        known = self.accounts.find(verified.pseudonym)  # spares the nonce; the store rechecks
        if known is not None and known.banned:
            raise RevokedError("account: banned from this service")
        self.nonces.consume(verified.request.nonce, int(self.clock()))
        evidence = None
        if verified.escrow is not None:
            evidence = (verified.request.encode(), presentation)
        account, created = self.accounts.sign_in(
            verified.pseudonym, int(self.clock()), evidence=evidence
        )
        return SignIn(account, created, verified)

    def ban(self, account: Account) -> None:
        self.accounts.ban(account.id)

    def step_up(
        self, transaction: bytes, credentials: Sequence[Ask], *, purpose: str
    ) -> PresentationRequest:
        """A request bound to ``transaction`` (a high-value action needs a fresh proof)."""
        return self.request(credentials, purpose=purpose, transaction=transaction, ttl=120)

    def confirm(self, account: Account, transaction: bytes, presentation: bytes) -> None:
        """Accept a step-up answer only from ``account``, only for ``transaction``
        (every check before the nonce is used up: a refused answer changes nothing)."""
        verified = self._check(presentation)
        expected = b64url(transaction_digest(transaction))
        if verified.request.transaction != expected:
            raise VerificationError("step-up: the presentation is for another transaction")
        if verified.pseudonym != account.pseudonym:
            raise VerificationError("step-up: presented by another account")
        if self.accounts.get(account.id).banned:
            raise RevokedError("account: banned from this service")
        self.nonces.consume(verified.request.nonce, int(self.clock()))
