"""Lawful opening, the court's and the trustees' side (docs/parties.md §2).

1. The court checks the account's evidence (the service's request and the
   citizen's presentation) and files an ``opening.request``
   (:func:`file_opening_request`): case reference, the warrant's digest, the
   service, the trustee set the evidence was sealed to, the evidence's escrow
   ciphertext and the evidence's digest. The evidence itself it hands to the
   authority and the trustees off the ledger (the returned
   :class:`OpeningFiling`): it holds the pseudonym and the values the service
   was shown.
2. The authority reviews it and publishes an ``opening.blinding``: a
   blinded, re-randomised copy (U', V') of that escrow ciphertext with a
   proof that it is a blinding of exactly that ciphertext.
3. Each trustee reviews the request with the evidence
   (:meth:`TrusteeDesk.review`: the entry is proved on the ledger; the
   evidence has the request's digest; the presentation verifies for its
   request; its escrow ciphertext is the request's, its validity proof holds
   and its label names exactly that service, nonce, purpose and epoch),
   checks the blinding's proof, and only then publishes an
   ``opening.share``: x_j·U' with a DLEQ proof.
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
from dataclasses import dataclass, field

from realdid.credentials.opening import (
    BadBlindingError,
    BadShareError,
    OpeningEvidence,
    OpeningReview,
    check_blinding,
    check_opening,
    review,
    seal_of,
)
from realdid.credentials.view import LedgerView, LedgerWriter
from realdid.crypto.escrow_blinding import trustee_decrypt_blinded
from realdid.crypto.threshold import KeyShare
from realdid.errors import InvalidArgumentError
from realdid.ledger.entries import EntryType, OpeningRequestBody, OpeningShareBody, b64url
from realdid.ledger.identity import LedgerIdentity

__all__ = [
    "BadBlindingError",
    "BadShareError",
    "OpeningEvidence",
    "OpeningFiling",
    "OpeningReview",
    "TrusteeDesk",
    "check_opening",
    "file_opening_request",
    "warrant_digest",
]


def warrant_digest(warrant: bytes) -> bytes:
    """What goes on the ledger instead of the warrant itself."""
    return hashlib.sha256(b"realdid/warrant/v1" + warrant).digest()


@dataclass(frozen=True, slots=True)
class OpeningFiling:
    """A filed request: its log index, and the evidence to hand to the authority and the
    trustees (off the ledger)."""

    index: int
    evidence: OpeningEvidence = field(repr=False)


def file_opening_request(
    court: LedgerIdentity,
    ledger: LedgerWriter,
    *,
    view: LedgerView,
    case: str,
    warrant: bytes,
    service: str,
    evidence: tuple[bytes, bytes] | OpeningEvidence,
    clock: Callable[[], float] = time.time,
) -> OpeningFiling:
    """The court's filing.

    1. The evidence verifies for its request against a trustee set on the
       ledger (:func:`realdid.credentials.opening.seal_of`; VerificationError),
       and that request is the service's (InvalidArgumentError).
    2. The entry carries case, warrant digest, service, the sealed set's log
       index, the presentation's escrow ciphertext and the evidence digest —
       never the presentation (docs/crypto.md §11).
    """
    if not isinstance(evidence, OpeningEvidence):
        statement, presentation = evidence
        evidence = OpeningEvidence(statement, presentation)
    trustees, _, verified = seal_of(view, evidence)
    if verified.request.service != service:
        raise InvalidArgumentError("opening: the evidence answers another service")
    assert verified.escrow is not None
    body = OpeningRequestBody(
        case=case,
        warrant_digest=b64url(warrant_digest(warrant)),
        service=service,
        trustees=trustees,
        evidence_digest=b64url(evidence.digest),
        escrow=b64url(verified.escrow.encode()),
    )
    index = ledger.append(court.sign(EntryType.OPENING_REQUEST, body, int(clock())))
    return OpeningFiling(index, evidence)


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

    def review(self, index: int, evidence: OpeningEvidence) -> OpeningReview:
        """Check request ``index`` with the evidence the court handed over
        (:func:`realdid.credentials.opening.review`)."""
        return review(self.view, index, evidence)

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
