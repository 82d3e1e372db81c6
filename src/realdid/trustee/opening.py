"""Lawful opening: a court files, trustees review and each publish a share, anyone combines.

1. The court files an ``opening.request`` on the ledger: case reference, the
   warrant's digest, the service, and the account's registration evidence
   (the service's request and the citizen's presentation).
2. Each trustee reviews it (:meth:`TrusteeDesk.review`): the entry is proved
   on the ledger; the presentation verifies for that request; its escrow
   ciphertext's validity proof holds and its label names exactly that
   service, nonce, purpose and epoch. Only then does it publish an
   ``opening.share``: its partial decryption with a Chaum–Pedersen proof.
3. Anyone combines k shares (:func:`combine`): a share that does not verify
   is named by its trustee; fewer than k gives nothing. The result is
   handle·Q_esc, which only the authority's escrow index maps to a person.

The ledger thus shows every opening — case, service, which trustees took
part — and never whom it named.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from realdid.credentials.exchange import VerifiedPresentation, check_answer
from realdid.credentials.request import PresentationRequest
from realdid.credentials.view import LedgerView, LedgerWriter, Trustees
from realdid.crypto.escrow import (
    EscrowCiphertext,
    open_ciphertext,
    opened_index_key,
    trustee_decrypt,
)
from realdid.crypto.threshold import KeyShare, PartialDecryption, PartialDecryptionError
from realdid.errors import InvalidArgumentError, VerificationError
from realdid.ledger.entries import EntryType, OpeningRequestBody, OpeningShareBody, b64url, unb64url
from realdid.ledger.identity import LedgerIdentity

__all__ = [
    "BadShareError",
    "OpeningReview",
    "TrusteeDesk",
    "combine",
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


class BadShareError(PartialDecryptionError):
    """Published shares that do not verify, named by trustee DID (``trustees``)."""

    def __init__(self, bad_indexes: Sequence[int], trustees: Sequence[str]) -> None:
        super().__init__(bad_indexes)
        self.trustees = tuple(trustees)
        self.args = (f"the shares of {', '.join(self.trustees)} do not verify",)


@dataclass(frozen=True)
class OpeningReview:
    index: int
    case: str
    service: str
    verified: VerifiedPresentation = field(repr=False)
    ciphertext: EscrowCiphertext = field(repr=False)
    trustees: Trustees = field(repr=False)  # the set the escrow was sealed to


def _request_entry(view: LedgerView, index: int) -> OpeningRequestBody:
    entry = view.entry(index)
    if entry.type is not EntryType.OPENING_REQUEST:
        raise InvalidArgumentError(f"entry {index}: not an opening request")
    body = entry.typed_body()
    assert isinstance(body, OpeningRequestBody)
    return body


def review(view: LedgerView, index: int) -> OpeningReview:
    """Check an opening request as a trustee must before releasing anything."""
    body = _request_entry(view, index)
    request = PresentationRequest.parse(unb64url(body.statement, "statement"))
    if request.service != body.service or not request.escrow:
        raise VerificationError("opening: the evidence is not an escrowed answer to that service")
    # The nonce was used long ago; verification needs only the request and the ledger
    # as it was on the request's day (keys retired since still count).
    presentation = unb64url(body.presentation, "presentation")
    view.refresh()
    for trustees in view.trustee_sets():  # the set in force then: the proof names its key
        try:
            verified = check_answer(request, presentation, view, historic=True,
                                    trustees=trustees)  # fmt: skip
        except VerificationError:
            continue
        if verified.escrow is None:
            break
        return OpeningReview(index, body.case, body.service, verified, verified.escrow, trustees)
    raise VerificationError("opening: the evidence does not verify for that request")


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

    def approve(self, opening: OpeningReview) -> int:
        """Publish this trustee's partial decryption for a reviewed request."""
        trustees = opening.trustees
        if trustees.index_of(self.identity.did) != self.share.index or (
            self.share.public_key != trustees.joint_key.y
        ):
            raise InvalidArgumentError("trustee: this share is not for that trustee set")
        statement = opening.verified.statement
        assert statement.escrow is not None
        partial = trustee_decrypt(self.share, opening.ciphertext, trustees.joint_key,
                                  statement.escrow.label)  # fmt: skip
        body = OpeningShareBody(request=opening.index, share=b64url(partial.to_bytes()))
        return self.ledger.append(self.identity.sign(EntryType.OPENING_SHARE, body,
                                                     int(self.clock())))  # fmt: skip


def combine(view: LedgerView, request_index: int, share_indexes: Sequence[int]) -> bytes:
    """Combine the published shares of an opening (anyone can): handle·Q_esc, encoded.

    Raises PartialDecryptionError naming bad trustees (their DIDs in the message),
    InvalidArgumentError with fewer than k shares."""
    opening = review(view, request_index)
    trustees = opening.trustees
    partials = []
    for index in share_indexes:
        entry = view.entry(index)
        body = entry.typed_body()
        if not isinstance(body, OpeningShareBody) or body.request != request_index:
            raise InvalidArgumentError(f"entry {index}: not a share of opening {request_index}")
        partials.append(PartialDecryption.from_bytes(unb64url(body.share, "share")))
    try:
        point = open_ciphertext(
            opening.ciphertext,
            partials,
            key=trustees.joint_key,
            public_shares=trustees.ceremony.public_shares,
            threshold=trustees.threshold,
        )
    except PartialDecryptionError as exc:
        names = dict(trustees.members)
        raise BadShareError(
            exc.bad_indexes, tuple(names.get(i, f"#{i}") for i in exc.bad_indexes)
        ) from None
    return opened_index_key(point)
