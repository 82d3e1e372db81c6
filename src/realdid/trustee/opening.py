"""Lawful opening, the court's and the trustees' side (docs/parties.md §2).

1. The court files an ``opening.request`` on the ledger
   (:func:`file_opening_request`): case reference, the warrant's digest, the
   service, and the account's registration evidence (the service's request
   and the citizen's presentation).
2. The authority reviews it and publishes an ``opening.blinding``: a
   blinded, re-randomised copy (U', V') of the evidence's escrow ciphertext
   with a proof that it is a blinding of exactly that ciphertext.
3. Each trustee reviews the request (:meth:`TrusteeDesk.review`: the entry
   is proved on the ledger; the presentation verifies for that request; its
   escrow ciphertext's validity proof holds and its label names exactly that
   service, nonce, purpose and epoch), checks the blinding's proof, and only
   then publishes an ``opening.share``: x_j·U' with a DLEQ proof.
4. Anyone checks the whole opening (:func:`check_opening`): a bad blinding
   names the authority, a bad share its trustee; fewer than k shares give
   nothing. Only the authority, which holds the blinding, recovers
   handle·Q_esc and maps it to a person.

The ledger thus shows every opening — case, service, which trustees took
part, that each step was correct — and nothing that names the person or
links two openings to each other (docs/crypto.md §11).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from realdid.credentials.opening import (
    BadBlindingError,
    BadShareError,
    OpeningReview,
    check_blinding,
    check_opening,
    review,
)
from realdid.credentials.view import LedgerView, LedgerWriter
from realdid.crypto.escrow_blinding import trustee_decrypt_blinded
from realdid.crypto.threshold import KeyShare
from realdid.errors import InvalidArgumentError
from realdid.ledger.entries import EntryType, OpeningShareBody, b64url
from realdid.ledger.identity import LedgerIdentity

__all__ = [
    "BadBlindingError",
    "BadShareError",
    "OpeningReview",
    "TrusteeDesk",
    "check_opening",
    "file_opening_request",
    "warrant_digest",
]


def warrant_digest(warrant: bytes) -> bytes:
    """What goes on the ledger instead of the warrant itself."""
    return hashlib.sha256(b"realdid/warrant/v1" + warrant).digest()


def file_opening_request(
    court: LedgerIdentity,
    ledger: LedgerWriter,
    *,
    case: str,
    warrant: bytes,
    service: str,
    evidence: tuple[bytes, bytes],
    clock: Callable[[], float] = time.time,
) -> int:
    """The court's filing; returns the request's log index."""
    request, presentation = evidence
    body = {
        "case": case,
        "warrant_digest": b64url(warrant_digest(warrant)),
        "service": service,
        "statement": b64url(request),
        "presentation": b64url(presentation),
    }
    return ledger.append(court.sign(EntryType.OPENING_REQUEST, body, int(clock())))


class TrusteeDesk:
    def __init__(
        self,
        *,
        identity: LedgerIdentity,
        share: KeyShare,
        view: LedgerView,
        ledger: LedgerWriter,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.identity = identity
        self.share = share
        self.view = view
        self.ledger = ledger
        self.clock = clock

    def review(self, index: int) -> OpeningReview:
        return review(self.view, index)

    def approve(self, opening: OpeningReview, blinding: int) -> int:
        """Publish this trustee's share of the reviewed request's blinded copy.

        Refuses (before decrypting anything) a share for another trustee set,
        an entry that is not the request's blinding, and a blinding whose
        proof fails (BadBlindingError naming the authority); the source
        ciphertext and its label are checked again by the decryption itself.
        """
        trustees = opening.trustees
        if trustees.index_of(self.identity.did) != self.share.index or (
            self.share.public_key != trustees.joint_key.y
        ):
            raise InvalidArgumentError("trustee: this share is not for that trustee set")
        blinded = check_blinding(self.view, opening, blinding)
        statement = opening.verified.statement
        assert statement.escrow is not None
        partial = trustee_decrypt_blinded(
            self.share, opening.ciphertext, blinded, trustees.joint_key, statement.escrow.label,
            request=opening.entry_hash,
        )  # fmt: skip
        body = OpeningShareBody(
            request=opening.index, blinding=blinding, share=b64url(partial.to_bytes())
        )
        return self.ledger.append(self.identity.sign(EntryType.OPENING_SHARE, body,
                                                     int(self.clock())))  # fmt: skip
