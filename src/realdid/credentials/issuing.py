"""An issuer's desk: what every issuer (the authority at renewal, a hospital, a bank)
does to issue a credential bound to a presented identity.

1. :meth:`IssuingDesk.request` — a presentation request under the issuer's own
   ledger registration (what it may see before issuing, e.g. the resident id),
   remembered with its nonce.
2. :meth:`IssuingDesk.verify` — the wallet's CredentialApplication: the nonce
   is pending, the presentation verifies against the ledger *and* proves the
   new commitment holds the presenting holder's secrets (for a schema with a
   nym secret, the nym secret less the issuer's entropy: renewal keeps
   pseudonyms). Nothing is stored or consumed if anything fails.
3. :meth:`IssuingDesk.sign` — consume the nonce, blind-sign the commitment with
   a live key from the keyring, return the IssuedCredential.
"""

from __future__ import annotations

import datetime
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from realdid.credentials.exchange import VerifiedPresentation, check_answer
from realdid.credentials.issuance import CredentialApplication, IssuedCredential
from realdid.credentials.nonces import NonceStore
from realdid.credentials.request import Ask, PresentationRequest
from realdid.credentials.schemas import IDENTITY
from realdid.credentials.vc import PresentationDocument, values_to_json
from realdid.credentials.view import LedgerView
from realdid.crypto import bbs
from realdid.crypto.credential import AttributeValue, Schema, issue_on_commitment
from realdid.crypto.presentation import IssuanceCommitment
from realdid.errors import InvalidArgumentError, NotFoundError
from realdid.ledger.entries import IssuerKeyBody, b64url, unb64url

__all__ = ["IssuerKeyring", "IssuingDesk", "PendingIssuance"]


@dataclass
class IssuerKeyring:
    """An issuer's BBS signing keys by key id (``<did>#bbs-<n>``); secret keys kept out of
    repr. The matching ``issuer.key`` entries put the public keys on the ledger."""

    did: str
    keys: dict[str, tuple[bytes, bytes]] = field(default_factory=dict, repr=False)

    def generate(self, fragment: str) -> tuple[str, bytes]:
        key_id = f"{self.did}#{fragment}"
        if key_id in self.keys:
            raise InvalidArgumentError(f"{key_id}: already in the keyring")
        sk = bbs.key_gen(secrets.token_bytes(32), key_id.encode())
        self.keys[key_id] = (sk, bbs.sk_to_pk(sk))
        return key_id, self.keys[key_id][1]

    def entry_body(self, key_id: str, schemas: tuple[Schema, ...], epoch: int) -> IssuerKeyBody:
        return IssuerKeyBody.model_validate_json(
            json.dumps(
                {
                    "key_id": key_id,
                    "ciphersuite": "BLS12-381-SHA-256",
                    "public_key": b64url(self.keys[key_id][1]),
                    "schemas": [s.schema_id for s in schemas],
                    "valid_from_epoch": epoch,
                }
            )
        )


@dataclass(frozen=True)
class PendingIssuance:
    """A verified application, not yet signed: who presented, and the commitment."""

    application: CredentialApplication
    verified: VerifiedPresentation
    schema: Schema
    commitment: bytes
    nym_offset: bytes | None = field(repr=False)


class IssuingDesk:
    def __init__(
        self,
        *,
        did: str,
        view: LedgerView,
        nonces: NonceStore,
        keyring: IssuerKeyring,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.did = did
        self.view = view
        self.nonces = nonces
        self.keyring = keyring
        self.clock = clock

    def request(
        self,
        *,
        disclose: tuple[str, ...] = ("resident_id",),
        purpose: str = "issuance",
        ttl: int = 600,
    ) -> PresentationRequest:
        """Ask a wallet for a valid identity credential (disclosing ``disclose``)."""
        request = PresentationRequest.fresh(
            registration=self.view.service(self.did),
            purpose=purpose,
            credentials=(Ask(id="identity", schema_id=IDENTITY.schema_id, disclose=disclose),),
            now=int(self.clock()),
            ttl=ttl,
            pseudonym=False,
        )
        self.nonces.remember(request)
        return request

    def verify(
        self,
        application: CredentialApplication,
        *,
        purpose: str = "issuance",
        nym_offset: Callable[[Mapping[str, AttributeValue]], bytes | None] | None = None,
    ) -> PendingIssuance:
        """Steps 2: check the application; changes nothing. It must answer one of this
        desk's requests made for ``purpose``. ``nym_offset`` gives, from the claimed
        disclosed identity values, the issuer's nym entropy for this holder (schemas
        with a nym secret only, i.e. identity renewal)."""
        self.view.refresh()  # keys, epochs, retirements as the ledger has them now
        document = PresentationDocument.parse(application.presentation)
        request = self.nonces.pending(document.proof.challenge, int(self.clock()))
        if request.purpose != purpose:
            raise InvalidArgumentError(f"application: answers a {request.purpose} request")
        schema, issuers = self.view.schema(application.schema_id)
        if self.did not in issuers:
            raise InvalidArgumentError(f"{self.did} does not issue {schema.schema_id}")
        commitment = unb64url(application.commitment, "commitment")
        offset = None
        if schema.nym_count:
            if nym_offset is None:
                raise InvalidArgumentError("a schema with a nym secret needs the issuer's offset")
            claimed = document.verifiableCredential[0].credentialSubject
            offset = nym_offset(claimed)
        issuance = IssuanceCommitment(schema, commitment, 0, offset)
        verified = check_answer(request, application.presentation.encode(), self.view,
                                issuance=issuance)  # fmt: skip
        return PendingIssuance(application, verified, schema, commitment, offset)

    def sign(
        self,
        pending: PendingIssuance,
        values: Mapping[str, AttributeValue],
        *,
        key_id: str,
        nym_entropy: bytes | None = None,
    ) -> IssuedCredential:
        """Step 3: consume the nonce, then sign ``values`` on the proved commitment."""
        if key_id not in self.keyring.keys:
            raise NotFoundError(f"{key_id}: not in this issuer's keyring")
        if nym_entropy != pending.nym_offset:
            # Signing with other entropy than the proof used would change the holder's
            # nym secret, hence every pseudonym: never.
            raise InvalidArgumentError("sign: the nym entropy is not the one proved")
        self.view.issuer_key(key_id, pending.schema.schema_id)  # live on the ledger
        epoch = self.view.epoch().epoch
        sk, pk = self.keyring.keys[key_id]
        self.nonces.consume(pending.verified.request.nonce, int(self.clock()))
        signature = issue_on_commitment(
            sk, pk, pending.schema, epoch, values, pending.commitment, nym_entropy
        )
        today = datetime.datetime.fromtimestamp(self.clock(), datetime.UTC).date()
        return IssuedCredential(
            schema_id=pending.schema.schema_id,
            issuer=self.did,
            key_id=key_id,
            epoch=epoch,
            issued_on=today.isoformat(),
            values=values_to_json(pending.schema, values),
            signature=b64url(signature),
            nym_entropy=None if nym_entropy is None else b64url(nym_entropy),
            commitment=b64url(pending.commitment),
        )
