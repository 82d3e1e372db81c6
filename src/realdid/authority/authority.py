"""The identity authority (the "CTID" role): the only party that knows who anyone is.

* **Enrollment**: a citizen in the population registry, with a one-time
  activation code (the stand-in for the counter visit or face check), sends
  a blind commitment to their holder secret and prover nym; the authority
  assigns a random escrow handle, indexes handle·Q_esc → citizen, and
  blind-signs the identity credential for the current epoch.
* **Renewal**: each epoch, the wallet presents its identity credential with a
  commitment proved to hold the same holder secret and nym secret (less the
  authority's entropy); a revoked citizen is refused.
* **Nym entropy** is a keyed PRF of the resident id (docs/design.md §2.8): the same at
  every renewal, so pseudonyms survive it, yet the authority never learns a
  pseudonym (it never sees the wallet's part).
* **Keys** live on the ledger (``issuer.key``, rotated and retired there);
  **opening**: the authority blinds the evidence's escrow ciphertext before
  the trustees decrypt it, so their shares name nobody in public; it alone
  unblinds the combined point and maps it back to a citizen (docs/crypto.md §11).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from realdid.authority.population import Person
from realdid.authority.registry import Citizen, CitizenRegistry
from realdid.credentials.issuance import CredentialApplication, EnrollmentRequest, IssuedCredential
from realdid.credentials.issuing import IssuerKeyring, IssuingDesk
from realdid.credentials.nonces import NonceStore
from realdid.credentials.opening import OpeningEvidence, combine_opening, review
from realdid.credentials.request import PresentationRequest
from realdid.credentials.schemas import BADGE, IDENTITY
from realdid.credentials.vc import values_to_json
from realdid.credentials.view import LedgerView, LedgerWriter
from realdid.crypto.credential import (
    AttributeValue,
    check_commitment,
    derive_secret,
    issue_credential,
)
from realdid.crypto.escrow import handle_index_key, opened_index_key
from realdid.crypto.escrow_blinding import blind, blinding_scalars, unblind
from realdid.crypto.randomness import random_scalar_octets
from realdid.crypto.range_proof import generate_range_params
from realdid.errors import InvalidArgumentError, RevokedError
from realdid.ledger.entries import EntryType, OpeningBlindingBody, b64url, unb64url
from realdid.ledger.identity import LedgerIdentity

__all__ = ["EPOCH_DAYS", "GRACE_DAYS", "Authority"]

EPOCH_DAYS = 30
GRACE_DAYS = 7


@dataclass
class Authority:
    identity: LedgerIdentity
    registry: CitizenRegistry
    ledger: LedgerWriter
    view: LedgerView
    nonces: NonceStore
    keyring: IssuerKeyring
    prf_key: bytes = field(repr=False)
    clock: Callable[[], float] = time.time
    current_key: str | None = None

    @property
    def did(self) -> str:
        return self.identity.did

    @property
    def desk(self) -> IssuingDesk:
        return IssuingDesk(
            did=self.did, view=self.view, nonces=self.nonces, keyring=self.keyring, clock=self.clock
        )

    def _now(self) -> int:
        return int(self.clock())

    def _today(self) -> datetime.date:
        return datetime.datetime.fromtimestamp(self.clock(), datetime.UTC).date()

    def _write(
        self, kind: EntryType, body: BaseModel | dict[str, Any], state_key: str | None = None
    ) -> int:
        prev = None if state_key is None else self.view.latest_index(state_key)
        index = self.ledger.append(self.identity.sign(kind, body, self._now(), prev))
        self.view.refresh()
        return index

    # ------------------------------------------------------------------ keys

    def rotate_key(self, fragment: str) -> str:
        """Publish a new identity/badge signing key; the old one keeps verifying until
        retired (credentials it signed stay valid to their end)."""
        key_id, _ = self.keyring.generate(fragment)
        body = self.keyring.entry_body(key_id, (IDENTITY, BADGE), self.view.epoch().epoch)
        self._write(EntryType.ISSUER_KEY, body)
        self.current_key = key_id
        return key_id

    def retire_key(self, key_id: str, reason: str) -> None:
        """Retire a key on the ledger at once (a compromise): verifiers refuse it from
        their next checkpoint on."""
        state_key = f"issuer-key:{key_id}"
        self._write(EntryType.RETIRE, {"state_key": state_key, "reason": reason}, state_key)
        if self.current_key == key_id:
            self.current_key = None

    def _key(self) -> str:
        if self.current_key is None:
            raise InvalidArgumentError("authority: no live signing key; rotate_key first")
        return self.current_key

    def start_epoch(self, starts: datetime.date | None = None) -> int:
        """Open the next epoch (new range-proof parameters, their secret dropped); wallets
        renew from now on, verifiers accept this epoch and the one before."""
        current = self.view.epoch()
        number = current.epoch + 1
        body = {
            "epoch": number,
            "starts": (starts or self._today()).isoformat(),
            "range_params": b64url(generate_range_params(256, 2).encode()),
            "reenrollments": self.registry.reenrollments(current.epoch),
        }
        self._write(EntryType.EPOCH, body, "epoch")
        return number

    # ------------------------------------------------------------------ enrollment

    def activation_code(self, resident_id: str) -> str:
        """A one-time code for the citizen (handed over at the counter or by post)."""
        return self.registry.new_activation_code(resident_id, self._now())

    def nym_entropy(self, resident_id: str) -> bytes:
        """The authority's part of a citizen's nym secret: a PRF of the resident id."""
        seed = hmac.new(self.prf_key, b"realdid/nym-entropy/v1" + resident_id.encode(),
                        hashlib.sha256).digest()  # fmt: skip
        return derive_secret(seed, b"nym-entropy")

    def _valid_until(self) -> datetime.date:
        """The end of this epoch's identity credentials: the same for everyone, so it tells
        nobody when they enrolled (and it is only ever proved, never shown)."""
        starts = datetime.date.fromisoformat(self.view.epoch().starts)
        return starts + datetime.timedelta(days=EPOCH_DAYS + GRACE_DAYS)

    def _identity_values(
        self, citizen: Citizen, handle: bytes, generation: int
    ) -> dict[str, AttributeValue]:
        p: Person = citizen.person
        return {
            "escrow_handle": handle,
            "name": p.name,
            "resident_id": p.resident_id,
            "birth_date": p.birth_date,
            "sex": p.sex,
            "region": p.region,
            "nationality": p.nationality,
            "enrollment": generation,
            "valid_until": self._valid_until(),
        }

    def enroll(self, request: EnrollmentRequest) -> IssuedCredential:
        """Check the request and the code, then issue the identity credential.

        1. The commitment decodes and its proof verifies (the same work for
           everyone, before anything is looked up).
        2. Redeem the code: unknown person, wrong name, no code, a used,
           expired or locked code and a wrong code are one AuthenticationError
           after the same scrypt work (no oracle for who exists or enrolled).
        3. Only with the right code does status count: a revoked or deceased
           citizen gets RevokedError.
        4. Draw the escrow handle, record the enrollment (its generation goes
           into the credential: only the latest enrollment renews) and index
           handle·Q_esc; blind-sign.
        """
        commitment = unb64url(request.commitment, "commitment")
        check_commitment(IDENTITY, commitment)
        key_id = self._key()  # everything that could fail is resolved before the code is used
        sk, pk = self.keyring.keys[key_id]
        epoch = self.view.epoch().epoch
        entropy = self.nym_entropy(request.resident_id)
        handle = random_scalar_octets()

        def issue(citizen: Citizen, generation: int) -> tuple[dict[str, AttributeValue], bytes]:
            values = self._identity_values(citizen, handle, generation)
            return values, issue_credential(sk, pk, IDENTITY, epoch, values, commitment, entropy)

        values, signature = self.registry.enroll_with_code(
            request.resident_id, request.name, request.activation_code, self._now(),
            handle=handle, index_key=handle_index_key(handle), epoch=epoch, issue=issue,
        )  # fmt: skip
        self.registry.record_issuance(request.resident_id, IDENTITY.schema_id, epoch, self._now())
        return IssuedCredential(
            schema_id=IDENTITY.schema_id,
            issuer=self.did,
            key_id=key_id,
            epoch=epoch,
            issued_on=self._today().isoformat(),
            values=values_to_json(IDENTITY, values),
            signature=b64url(signature),
            nym_entropy=b64url(entropy),
            commitment=b64url(commitment[:48]),
        )

    # ------------------------------------------------------------------ renewal, badge

    def renewal_request(self) -> PresentationRequest:
        return self.desk.request(disclose=("resident_id", "enrollment"), purpose="renewal")

    def renew(self, application: CredentialApplication) -> IssuedCredential:
        """A new identity credential for the current epoch: same holder, same nym secret,
        a fresh escrow handle; only from the citizen's current enrollment."""
        if application.schema_id != IDENTITY.schema_id:
            raise InvalidArgumentError("renewal: only the identity credential is renewed here")
        pending = self.desk.verify(application, nym_offset=self._offset_for, purpose="renewal")
        shown = pending.verified.disclosed["identity"]
        resident_id = str(shown["resident_id"])
        citizen = self.registry.citizen(resident_id)
        if citizen.status != "active":
            raise RevokedError("citizen: revoked; not renewed")
        generation = shown["enrollment"]
        if not isinstance(generation, int) or generation != self.registry.current_generation(
            resident_id
        ):
            raise RevokedError("renewal: this wallet's enrollment was superseded")
        handle = random_scalar_octets()
        values = self._identity_values(citizen, handle, generation)
        key_id = self._key()
        # Checked and written at once: a re-enrollment that lands meanwhile wins.
        self.registry.new_handle(resident_id, generation, handle, handle_index_key(handle))
        issued = self.desk.sign(pending, values, key_id=key_id,
                                nym_entropy=self.nym_entropy(resident_id))  # fmt: skip
        self.registry.record_issuance(resident_id, IDENTITY.schema_id, issued.epoch, self._now())
        return issued

    def _offset_for(self, claimed: Mapping[str, object]) -> bytes:
        resident_id = claimed.get("resident_id")
        if not isinstance(resident_id, str):
            raise InvalidArgumentError("renewal: the presentation must disclose the resident id")
        return self.nym_entropy(resident_id)

    def badge_request(self) -> PresentationRequest:
        return self.desk.request(disclose=("resident_id", "enrollment"), purpose="badge")

    def issue_badge(self, application: CredentialApplication) -> IssuedCredential:
        """The real-name badge: "a verified person holds this", bound to the holder."""
        if application.schema_id != BADGE.schema_id:
            raise InvalidArgumentError("badge: wrong schema")
        pending = self.desk.verify(application, purpose="badge")
        shown = pending.verified.disclosed["identity"]
        resident_id = str(shown["resident_id"])
        if self.registry.citizen(resident_id).status != "active":
            raise RevokedError("citizen: revoked")
        if shown["enrollment"] != self.registry.current_generation(resident_id):
            raise RevokedError("badge: this wallet's enrollment was superseded")
        values: dict[str, AttributeValue] = {
            "badge": "real-name verified",
            # no longer than the identity it vouches for: it ends with the epoch's credential
            "valid_until": self._valid_until(),
        }
        return self.desk.sign(pending, values, key_id=self._key())

    # ------------------------------------------------------------------ revocation, opening

    def revoke(self, resident_id: str, reason: str = "revoked") -> None:
        """Stop renewing this citizen (lost device, death, court order). Their current
        credential ends with its epoch; nothing about them goes on the ledger."""
        if reason not in ("revoked", "deceased"):
            raise InvalidArgumentError("revoke: reason is revoked or deceased")
        self.registry.set_status(resident_id, reason)

    def identify(self, opened: bytes) -> Person:
        """The citizen behind handle·Q_esc recovered by a lawful opening."""
        return self.registry.by_index_key(opened).person

    def _blinding_seed(self, entry_hash: bytes) -> bytes:
        """The secret (b, s) of one opening come from this keyed digest of the request's
        entry: recomputed when the shares are in, never stored, never on the ledger."""
        return hmac.new(self.prf_key, b"realdid/opening-blinding/v1" + entry_hash,
                        hashlib.sha256).digest()  # fmt: skip

    def blind_opening(self, request: int, evidence: OpeningEvidence) -> int:
        """Step 2 of an opening: review the court's request with the evidence the court
        handed over, as the trustees will (its digest is the request's, its escrow
        ciphertext the request's, its presentation verifies), then publish the
        ``opening.blinding`` they decrypt; returns its log index.

        (U', V') = (b·U + s·G, b·V + s·y) with a proof of knowledge of (b, s):
        the trustees' shares of it give b·M, a uniformly random point, so the
        ledger links nothing; only this authority, holding b, recovers M.
        """
        opening = review(self.view, request, evidence)
        b, s = blinding_scalars(self._blinding_seed(opening.entry_hash))
        blinded = blind(opening.ciphertext, opening.trustees.joint_key,
                        request=opening.entry_hash, b=b, s=s)  # fmt: skip
        body = OpeningBlindingBody(request=request, blinded=b64url(blinded.encode()))
        return self._write(EntryType.OPENING_BLINDING, body)

    def identify_opening(self, request: int, blinding: int, shares: Sequence[int]) -> Person:
        """Step 4: check the whole opening as anyone can (a bad blinding or share is
        named; fewer than k shares open nothing), then M = b⁻¹·(b·M) → the citizen."""
        self.view.refresh()
        opening, blinded_point = combine_opening(self.view, request, blinding, shares)
        b, _ = blinding_scalars(self._blinding_seed(opening.entry_hash))
        return self.identify(opened_index_key(unblind(blinded_point, b)))
