"""A lawful opening as the ledger records it, and the checks anyone can run on it.

The steps (docs/parties.md §2, docs/crypto.md §11), each an entry:

1. ``opening.request`` (a court): case, warrant digest, service, the trustee
   set the evidence was sealed to, the evidence's escrow ciphertext and a
   digest of the evidence (:class:`OpeningEvidence`: the service's request
   and the citizen's presentation). The evidence itself goes to the
   authority and the trustees off the ledger: its pseudonym and disclosed
   values would link openings, or name the person, in public.
2. ``opening.blinding`` (the authority): after :func:`review`, a blinded,
   re-randomised copy of that escrow ciphertext with its proof.
3. ``opening.share`` (each trustee of the sealed set): after :func:`review`
   and :func:`check_blinding`, x_j·U' of the blinded copy with its DLEQ proof.

:func:`check_opening` re-runs every public check from the ledger alone
(:func:`public_opening`: the ciphertext's TDH2 proof and label; the
blinding; each share against the sealed set) and names whoever misbehaved
(the authority for a bad blinding, trustees by DID for bad shares); it
learns b·M, a uniformly random point, and nothing about whom the opening
named. Only the authority, holding b, goes on to M (its
``identify_opening``). Authority and trustees both use this module: neither
party imports the other.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field

from realdid.credentials.exchange import VerifiedPresentation, check_answer
from realdid.credentials.request import PresentationRequest
from realdid.credentials.view import LedgerView, Trustees
from realdid.crypto._backend import G1
from realdid.crypto.escrow import EscrowCiphertext, check_ciphertext
from realdid.crypto.escrow_blinding import (
    BlindedCiphertext,
    BlindingError,
    combine_blinded,
    verify_blinding,
)
from realdid.crypto.threshold import PartialDecryption, PartialDecryptionError
from realdid.errors import InvalidArgumentError, RealDIDError, VerificationError
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
    "OpeningEvidence",
    "OpeningReview",
    "PublicOpening",
    "check_blinding",
    "check_opening",
    "combine_opening",
    "public_opening",
    "review",
    "seal_of",
]

_EVIDENCE_DOMAIN = b"realdid/opening-evidence/v1"


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


@dataclass(frozen=True, slots=True)
class OpeningEvidence:
    """What an account registered with: the service's request (``statement``, the public
    inputs) and the citizen's presentation. Handed by the court to the authority and
    the trustees, never published; the request entry carries its :attr:`digest`."""

    statement: bytes = field(repr=False)
    presentation: bytes = field(repr=False)

    def __post_init__(self) -> None:
        for name in ("statement", "presentation"):
            if not isinstance(getattr(self, name), bytes):
                raise InvalidArgumentError(f"opening evidence: {name} must be bytes")

    @property
    def digest(self) -> bytes:
        """SHA-256(domain || len(statement) || statement || len(presentation) ||
        presentation), lengths 4 octets big-endian: one encoding per pair."""
        h = hashlib.sha256(_EVIDENCE_DOMAIN)
        for part in (self.statement, self.presentation):
            h.update(len(part).to_bytes(4, "big") + part)
        return h.digest()


@dataclass(frozen=True)
class PublicOpening:
    """A request as anyone sees it: case, service, the sealed trustee set, the escrow
    ciphertext (TDH2 proof checked, labelled for the service) and the evidence digest;
    ``entry_hash`` (the request's RFC 9162 leaf hash) binds the blinding."""

    index: int
    case: str
    service: str
    entry_hash: bytes
    evidence_digest: bytes = field(repr=False)
    ciphertext: EscrowCiphertext = field(repr=False)
    trustees: Trustees = field(repr=False)


@dataclass(frozen=True)
class OpeningReview(PublicOpening):
    """A request whose evidence passed review (:func:`review`)."""

    verified: VerifiedPresentation = field(repr=False, kw_only=True)


def _request_entry(view: LedgerView, index: int) -> tuple[OpeningRequestBody, bytes]:
    entry = view.entry(index)
    if entry.type is not EntryType.OPENING_REQUEST:
        raise InvalidArgumentError(f"entry {index}: not an opening request")
    body = entry.typed_body()
    assert isinstance(body, OpeningRequestBody)
    return body, hash_leaf(entry.encode())


def public_opening(view: LedgerView, index: int) -> PublicOpening:
    """The public part of entry ``index``'s opening request, checked: the trustee set it
    names is on the ledger; the escrow ciphertext's TDH2 validity proof holds under
    that set's key and its label names the request's service (VerificationError)."""
    body, entry_hash = _request_entry(view, index)
    trustees = view.trustee_set(body.trustees)
    ciphertext = body.ciphertext()
    if ciphertext.label.context_id != body.service.encode():
        raise VerificationError("opening: the escrow ciphertext is labelled for another service")
    check_ciphertext(ciphertext, trustees.joint_key)
    digest = unb64url(body.evidence_digest, "evidence digest")
    return PublicOpening(index, body.case, body.service, entry_hash, digest, ciphertext, trustees)


def seal_of(
    view: LedgerView, evidence: OpeningEvidence
) -> tuple[int, Trustees, VerifiedPresentation]:
    """Which trustee set ``evidence`` was sealed to (its log index), and the verified
    presentation: it verifies for its request as the ledger stood on the request's
    day (keys retired since still count) against that set's key. The court's check
    before filing; raises VerificationError if no set fits or there is no escrow."""
    request = PresentationRequest.parse(evidence.statement)
    if not request.escrow:
        raise VerificationError("opening: the evidence is not an escrowed answer")
    view.refresh()
    for index, trustees in view.trustee_sets():  # the set in force then: the proof names it
        try:
            verified = check_answer(request, evidence.presentation, view, historic=True,
                                    trustees=trustees)  # fmt: skip
        except VerificationError:
            continue
        if verified.escrow is None:
            break
        return index, trustees, verified
    raise VerificationError("opening: the evidence does not verify for its request")


def review(view: LedgerView, index: int, evidence: OpeningEvidence) -> OpeningReview:
    """Check an opening request and the evidence handed over with it, as the authority
    and each trustee must before acting.

    1. :func:`public_opening` (the entry is proved on the ledger; ciphertext,
       label and trustee set as anyone checks them).
    2. The evidence's digest is the request's (VerificationError).
    3. Its request is for the request's service and asks for escrow; its
       presentation verifies for that request as the ledger stood then,
       against the sealed trustee set.
    4. The presentation's escrow ciphertext is byte for byte the request's:
       what the authority blinds and the trustees decrypt is exactly what
       the evidence shows.
    """
    if not isinstance(evidence, OpeningEvidence):
        raise InvalidArgumentError("opening: the evidence must be an OpeningEvidence")
    public = public_opening(view, index)
    if not hmac.compare_digest(evidence.digest, public.evidence_digest):
        raise VerificationError("opening: the evidence is not the one the request names")
    request = PresentationRequest.parse(evidence.statement)
    if request.service != public.service or not request.escrow:
        raise VerificationError("opening: the evidence is not an escrowed answer to that service")
    verified = check_answer(request, evidence.presentation, view, historic=True,
                            trustees=public.trustees)  # fmt: skip
    if verified.escrow is None or not hmac.compare_digest(
        verified.escrow.encode(), public.ciphertext.encode()
    ):
        raise VerificationError("opening: the evidence's escrow is not the request's ciphertext")
    return OpeningReview(
        public.index, public.case, public.service, public.entry_hash, public.evidence_digest,
        public.ciphertext, public.trustees, verified=verified,
    )  # fmt: skip


def check_blinding(view: LedgerView, opening: PublicOpening, index: int) -> BlindedCiphertext:
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
    view: LedgerView, opening: PublicOpening, blinding: int, share_indexes: Sequence[int]
) -> tuple[list[PartialDecryption], dict[int, str]]:
    """The shares and, by share index, who wrote each. A share that does not decode,
    or whose index is not its author's in the sealed set (a chain that enforces no
    rule may carry one), is a BadShareError naming the entry's author."""
    partials, authors = [], {}
    members = {did: j for j, did in opening.trustees.members}
    for index in share_indexes:
        entry = view.entry(index)
        if entry.type is not EntryType.OPENING_SHARE:
            raise InvalidArgumentError(f"entry {index}: not a share of opening {opening.index}")
        try:  # the registry decodes on admission; an entry on a chain may not have passed it
            body = entry.typed_body()
            assert isinstance(body, OpeningShareBody)
            partial = body.partial()
        except RealDIDError:
            raise BadShareError((), (entry.author,)) from None
        if body.request != opening.index or body.blinding != blinding:
            raise InvalidArgumentError(f"entry {index}: not a share of opening {opening.index}")
        if members.get(entry.author) != partial.index:
            raise BadShareError((partial.index,), (entry.author,))
        partials.append(partial)
        authors[partial.index] = entry.author
    return partials, authors


def combine_opening(
    view: LedgerView, request: int, blinding: int, share_indexes: Sequence[int]
) -> tuple[PublicOpening, G1]:
    """Every public check of an opening, then the request and b·M (a uniformly random
    point; only the authority, holding b, can go on to M).

    1. :func:`public_opening`: the request's ciphertext is well formed, sealed to
       the trustee set it names and labelled for its service.
    2. :func:`check_blinding` (BadBlindingError names the authority).
    3. The shares belong to that request and blinding (InvalidArgumentError);
       each decodes and is written by the member of the sealed set at its
       index (else BadShareError naming the entry's author); at least the
       set's threshold of them (NotEnoughSharesError); each DLEQ proof holds
       against its trustee's Y_j (BadShareError names them by DID).
    4. b·M = V' − Σ λ_j·D_j is not the identity (a blinding by b = 0:
       BadBlindingError).
    """
    opening = public_opening(view, request)
    blinded = check_blinding(view, opening, blinding)
    partials, authors = _shares(view, opening, blinding, share_indexes)
    try:
        point = combine_blinded(
            blinded, partials, key=opening.trustees.threshold_key, request=opening.entry_hash
        )
    except PartialDecryptionError as exc:
        raise BadShareError(
            exc.bad_indexes, tuple(authors.get(i, f"#{i}") for i in exc.bad_indexes)
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
