"""A lawful opening as the ledger records it, and the checks anyone can run on it.

The steps (docs/parties.md §2, docs/crypto.md §11), each an entry:

1. ``opening.request`` (a court): case, warrant digest, service, and the
   account's evidence (the service's request and the citizen's presentation).
2. ``opening.blinding`` (the authority): after :func:`review`, a blinded,
   re-randomised copy of the evidence's escrow ciphertext with its proof.
3. ``opening.share`` (each trustee): after :func:`review` and
   :func:`check_blinding`, x_j·U' of the blinded copy with its DLEQ proof.

:func:`check_opening` re-runs every check from the ledger alone and names
whoever misbehaved (the authority for a bad blinding, trustees by DID for bad
shares); it learns b·M, a uniformly random point, and nothing about whom the
opening named. Only the authority, holding b, goes on to M (its
``identify_opening``). Authority and trustees both use this module: neither
party imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from realdid.credentials.exchange import VerifiedPresentation, check_answer
from realdid.credentials.request import PresentationRequest
from realdid.credentials.view import LedgerView, Trustees
from realdid.crypto._backend import G1
from realdid.crypto.escrow import EscrowCiphertext
from realdid.crypto.escrow_blinding import (
    BlindedCiphertext,
    BlindingError,
    combine_blinded,
    verify_blinding,
)
from realdid.crypto.threshold import PartialDecryption, PartialDecryptionError
from realdid.errors import InvalidArgumentError, VerificationError
from realdid.ledger.entries import (
    EntryType,
    OpeningBlindingBody,
    OpeningRequestBody,
    OpeningShareBody,
    unb64url,
)
from realdid.ledger.rfc9162 import hash_leaf

__all__ = [
    "BadBlindingError",
    "BadShareError",
    "OpeningReview",
    "check_blinding",
    "check_opening",
    "combine_opening",
    "review",
]


class BadShareError(PartialDecryptionError):
    """Published shares that do not verify, named by trustee DID (``trustees``)."""

    def __init__(self, bad_indexes: Sequence[int], trustees: Sequence[str]) -> None:
        super().__init__(bad_indexes)
        self.trustees = tuple(trustees)
        self.args = (f"the shares of {', '.join(self.trustees)} do not verify",)


class BadBlindingError(BlindingError):
    """The ``opening.blinding`` entry ``entry`` is not a proper blinding of the request's
    ciphertext; ``author`` (the authority's DID) wrote it."""

    def __init__(self, entry: int, author: str, reason: str) -> None:
        self.entry, self.author = entry, author
        super().__init__(f"the blinding in entry {entry} by {author} is wrong: {reason}")


@dataclass(frozen=True)
class OpeningReview:
    """A request that passed review: its evidence, ciphertext and the trustee set it was
    sealed to; ``entry_hash`` (the request's RFC 9162 leaf hash) binds the blinding."""

    index: int
    case: str
    service: str
    entry_hash: bytes
    verified: VerifiedPresentation = field(repr=False)
    ciphertext: EscrowCiphertext = field(repr=False)
    trustees: Trustees = field(repr=False)


def _request_entry(view: LedgerView, index: int) -> tuple[OpeningRequestBody, bytes]:
    entry = view.entry(index)
    if entry.type is not EntryType.OPENING_REQUEST:
        raise InvalidArgumentError(f"entry {index}: not an opening request")
    body = entry.typed_body()
    assert isinstance(body, OpeningRequestBody)
    return body, hash_leaf(entry.encode())


def review(view: LedgerView, index: int) -> OpeningReview:
    """Check an opening request as the authority and each trustee must before acting.

    The entry is proved on the ledger; the presentation verifies for that
    request as the ledger stood then (keys retired since still count), against
    the trustee set its escrow was sealed to; the escrow ciphertext's validity
    proof holds and its label names that service, nonce, purpose and epoch.
    """
    body, entry_hash = _request_entry(view, index)
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
        return OpeningReview(
            index, body.case, body.service, entry_hash, verified, verified.escrow, trustees
        )
    raise VerificationError("opening: the evidence does not verify for that request")


def check_blinding(view: LedgerView, opening: OpeningReview, index: int) -> BlindedCiphertext:
    """Entry ``index`` is the ``opening.blinding`` of ``opening`` and its proof holds
    for the request's ciphertext; returns the blinded copy. A wrong proof raises
    :class:`BadBlindingError` naming the entry and its author."""
    entry = view.entry(index)
    body = entry.typed_body()
    if not isinstance(body, OpeningBlindingBody) or body.request != opening.index:
        raise InvalidArgumentError(f"entry {index}: not the blinding of opening {opening.index}")
    blinded = BlindedCiphertext.decode(unb64url(body.blinded, "blinded ciphertext"))
    try:
        verify_blinding(
            blinded, opening.ciphertext, opening.trustees.joint_key, request=opening.entry_hash
        )
    except BlindingError as exc:
        raise BadBlindingError(index, entry.author, str(exc)) from None
    return blinded


def _shares(
    view: LedgerView, opening: OpeningReview, blinding: int, share_indexes: Sequence[int]
) -> list[PartialDecryption]:
    partials = []
    for index in share_indexes:
        body = view.entry(index).typed_body()
        if (
            not isinstance(body, OpeningShareBody)
            or body.request != opening.index
            or body.blinding != blinding
        ):
            raise InvalidArgumentError(f"entry {index}: not a share of opening {opening.index}")
        partials.append(PartialDecryption.from_bytes(unb64url(body.share, "share")))
    return partials


def combine_opening(
    view: LedgerView, request: int, blinding: int, share_indexes: Sequence[int]
) -> tuple[OpeningReview, G1]:
    """Every check of an opening, then the reviewed request and b·M (a uniformly
    random point; only the authority, holding b, can go on to M).

    1. :func:`review` the request.
    2. :func:`check_blinding` (BadBlindingError names the authority).
    3. The shares belong to that request and blinding (InvalidArgumentError);
       at least the trustee key's threshold of them (NotEnoughSharesError);
       each DLEQ proof holds against its trustee's Y_j (BadShareError names
       them by DID).
    4. b·M = V' − Σ λ_j·D_j is not the identity (a blinding by b = 0:
       BadBlindingError).
    """
    opening = review(view, request)
    blinded = check_blinding(view, opening, blinding)
    partials = _shares(view, opening, blinding, share_indexes)
    trustees = opening.trustees
    try:
        point = combine_blinded(
            blinded, partials, key=trustees.threshold_key, request=opening.entry_hash
        )
    except PartialDecryptionError as exc:
        names = dict(trustees.members)
        raise BadShareError(
            exc.bad_indexes, tuple(names.get(i, f"#{i}") for i in exc.bad_indexes)
        ) from None
    except BlindingError as exc:
        author = view.entry(blinding).author
        raise BadBlindingError(blinding, author, str(exc)) from None
    return opening, point


def check_opening(
    view: LedgerView, request: int, blinding: int, share_indexes: Sequence[int]
) -> None:
    """Anyone's audit of an opening on the ledger: every step was correct (see
    :func:`combine_opening`). Returns None or raises, naming who misbehaved."""
    combine_opening(view, request, blinding, share_indexes)
