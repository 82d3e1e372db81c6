"""Presentations end to end: a wallet answers a request; a verifier checks the answer.

Both sides build the same statement from the request and the ledger: the
verifier from the keys and epochs the presentation names (each key must be
live on the ledger and allowed to sign its schema; each epoch the current one
or the one before), the wallet from the credentials it holds. Each side reads
the service's registered predicates itself and proves or checks the bounds it
recomputes from them, never a bound taken from the request. Then the proof
either verifies against that statement or it does not; the VP JSON around it
is checked to say exactly what the proof discloses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from realdid.credentials.request import PresentationRequest, StatementInputs, build_statement
from realdid.credentials.vc import PresentationDocument, presentation_document, values_to_json
from realdid.credentials.view import IssuerKey, LedgerView, Trustees
from realdid.crypto.credential import AttributeValue, Credential, Schema
from realdid.crypto.escrow import EscrowCiphertext
from realdid.crypto.presentation import IssuanceCommitment, Statement, prove, read, verify
from realdid.errors import DecodeError, InvalidArgumentError, RevokedError, VerificationError

__all__ = ["HeldCredential", "VerifiedPresentation", "answer", "check_answer"]


@dataclass(frozen=True)
class HeldCredential:
    """A credential in a wallet, with where it came from (its secrets stay inside)."""

    credential: Credential = field(repr=False)
    key_id: str
    issuer: str
    signer_nym_entropy: bytes | None = field(default=None, repr=False)

    @property
    def schema(self) -> Schema:
        return self.credential.schema


@dataclass(frozen=True)
class VerifiedPresentation:
    """What a verifier learns: per query id, the disclosed values; the pseudonym; the
    escrow ciphertext (for the record an opening would need); the statement proved."""

    request: PresentationRequest
    disclosed: Mapping[str, Mapping[str, AttributeValue]]
    pseudonym: bytes | None
    escrow: EscrowCiphertext | None = field(repr=False)
    statement: Statement = field(repr=False)
    proof: bytes = field(repr=False)


def _inputs(
    request: PresentationRequest,
    view: LedgerView,
    keys: Sequence[IssuerKey],
    epochs: Sequence[int],
    trustees: Trustees | None = None,
    *,
    historic: bool = False,
) -> StatementInputs:
    """Everything public the statement needs, for the epoch in force on the request's day
    (today for a live request; that day's for an old one under review)."""
    epoch = view.epoch_on(request.day()).epoch
    asked = any(q.predicates for q in request.credentials)
    return StatementInputs(
        schemas=[view.schema(q.schema_id)[0] for q in request.credentials],
        keys=keys,
        epochs=epochs,
        current_epoch=epoch,
        range_params=view.range_params(epoch),
        escrow_key=(trustees or view.trustees()).joint_key if request.escrow else None,
        predicates=view.predicates(request.service, historic=historic) if asked else {},
    )


def answer(
    request: PresentationRequest,
    held: Sequence[HeldCredential],
    view: LedgerView,
    *,
    issuance: IssuanceCommitment | None = None,
    issuance_blind: bytes | None = None,
) -> tuple[bytes, VerifiedPresentation]:
    """The wallet's side: a VP (JSON bytes) answering ``request`` with ``held`` (one
    credential per query, in order). Raises StatementError if they cannot satisfy it."""
    if len(held) != len(request.credentials):
        raise InvalidArgumentError("answer: one credential per query")
    keys = [view.issuer_key(h.key_id, h.schema.schema_id) for h in held]
    epochs = [h.credential.epoch for h in held]
    statement = build_statement(request, _inputs(request, view, keys, epochs), issuance=issuance)
    proof = prove(statement, [h.credential for h in held], issuance_blind=issuance_blind)
    verified = read(statement, proof)  # the prover refuses false statements; no re-check
    document = presentation_document(
        service=request.service,
        nonce=request.nonce,
        schemas=[h.schema for h in held],
        issuers=[h.issuer for h in held],
        key_ids=[h.key_id for h in held],
        epochs=epochs,
        disclosed=verified.disclosed,
        pseudonym=verified.pseudonym,
        proof=proof,
    )
    result = VerifiedPresentation(
        request,
        {q.id: d for q, d in zip(request.credentials, verified.disclosed, strict=True)},
        verified.pseudonym,
        verified.escrow,
        statement,
        proof,
    )
    return json.dumps(document, separators=(",", ":")).encode(), result


def check_answer(
    request: PresentationRequest,
    octets: bytes,
    view: LedgerView,
    *,
    issuance: IssuanceCommitment | None = None,
    historic: bool = False,
    trustees: Trustees | None = None,
) -> VerifiedPresentation:
    """The verifier's side: parse the VP, build the statement from the request and the
    ledger, verify. Raises DecodeError, VerificationError, NotFoundError or
    RevokedError (a key or issuer retired, an epoch out of window),
    InvalidArgumentError (a key that may not sign the schema).

    ``historic=True`` re-checks an old presentation as it was when made (a trustee
    reviewing an opening): keys retired since still count; the epoch window is the
    one of the request's day; ``trustees`` names the set the escrow was sealed to
    (default: the current one)."""
    document = PresentationDocument.parse(octets)
    if document.proof.challenge != request.nonce or document.proof.domain != request.service:
        raise VerificationError("presentation: for another request")
    derived = document.verifiableCredential
    if len(derived) != len(request.credentials):
        raise DecodeError("presentation: one derived credential per query")
    current = view.epoch_on(request.day()).epoch
    keys, epochs = [], []
    for query, credential in zip(request.credentials, derived, strict=True):
        if credential.credentialSchema.id != query.schema_id:
            raise DecodeError(f"presentation: {query.id} is not a {query.schema_id}")
        key = view.issuer_key(credential.verificationMethod, query.schema_id, historic=historic)
        if credential.issuer != key.issuer:
            raise DecodeError(f"presentation: {query.id} names another issuer than its key")
        if not max(current - 1, key.valid_from_epoch) <= credential.epoch <= current:
            raise RevokedError(f"presentation: {query.id} is from an epoch no longer accepted")
        keys.append(key)
        epochs.append(credential.epoch)
    inputs = _inputs(request, view, keys, epochs, trustees, historic=historic)
    statement = build_statement(request, inputs, issuance=issuance)
    proof = document.proof_bytes()
    verified = verify(statement, proof)
    for k, credential in enumerate(derived):
        schema = statement.credentials[k].schema
        if credential.credentialSubject != values_to_json(schema, verified.disclosed[k]):
            raise VerificationError("presentation: the JSON claims differ from what is proved")
    if document.pseudonym() != verified.pseudonym:
        raise VerificationError("presentation: the holder is not the proved pseudonym")
    return VerifiedPresentation(
        request,
        {q.id: d for q, d in zip(request.credentials, verified.disclosed, strict=True)},
        verified.pseudonym,
        verified.escrow,
        statement,
        proof,
    )
