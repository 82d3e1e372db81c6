"""W3C Verifiable Credentials Data Model 2.0 JSON for RealDID credentials and presentations.

A credential as the wallet keeps and shows it::

    {"@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/realdid/v1"],
     "type": ["VerifiableCredential", "RealDIDCredential"],
     "issuer": "did:realdid:authority", "validFrom": "2026-11-01", "validUntil": "2026-12-24",
     "credentialSchema": {"id": "realdid:identity:v1", "type": "RealDIDSchema"},
     "credentialSubject": {"name": "…", "birth_date": "1990-03-07", …},
     "proof": {"type": "DataIntegrityProof", "cryptosuite": "realdid-bbs-2026",
               "verificationMethod": "did:realdid:authority#bbs-11", "proofPurpose":
               "assertionMethod", "epoch": 11, "proofValue": "<base64url BBS signature>"}}

The subject has no ``id``: a RealDID credential names no holder; it is bound
to the holder secret inside the signature. A presentation is a VP whose
credentials are *derived*: each lists only what the proof discloses, and the
one proof (``proofValue``, the RDP1 bytes) covers them all::

    {"@context": [...], "type": ["VerifiablePresentation", "RealDIDPresentation"],
     "holder": "urn:realdid:pseudonym:<base64url>",            (with a pseudonym)
     "verifiableCredential": [{"@context": [...], "type": [...], "issuer": …,
         "credentialSchema": {...}, "credentialSubject": {disclosed only},
         "verificationMethod": "<issuer key id>", "epoch": 11}],
     "proof": {"type": "DataIntegrityProof", "cryptosuite": "realdid-presentation-2026",
               "challenge": "<request nonce>", "domain": "<service DID>",
               "proofValue": "<base64url>"}}
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from realdid import strictjson
from realdid.crypto.credential import AttributeValue, Kind, Schema
from realdid.errors import DecodeError, InvalidArgumentError
from realdid.ledger.entries import b64url, unb64url

__all__ = [
    "CONTEXT",
    "DERIVED_TYPE",
    "PRESENTATION_TYPE",
    "DerivedCredential",
    "PresentationDocument",
    "credential_document",
    "presentation_document",
    "values_from_json",
    "values_to_json",
]

CONTEXT: Final = ("https://www.w3.org/ns/credentials/v2", "https://w3id.org/realdid/v1")
#: The ``type`` of each derived credential in a presentation, and of the presentation.
DERIVED_TYPE: Final = ("VerifiableCredential", "RealDIDDerivedCredential")
PRESENTATION_TYPE: Final = ("VerifiablePresentation", "RealDIDPresentation")
PSEUDONYM_URN: Final = "urn:realdid:pseudonym:"


def _value_to_json(kind: Kind, value: AttributeValue) -> str | int:
    if kind is Kind.DATE and isinstance(value, datetime.date):
        return value.isoformat()
    if kind is Kind.INTEGER and type(value) is int:
        return value
    if kind is Kind.TEXT and isinstance(value, str):
        return value
    if kind in (Kind.BYTES, Kind.HANDLE) and isinstance(value, bytes):
        return b64url(value)
    raise InvalidArgumentError(f"a {kind.value} attribute cannot hold {type(value).__name__}")


def _value_from_json(kind: Kind, value: object) -> AttributeValue:
    if kind is Kind.DATE and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise DecodeError("a date attribute is not an ISO date") from None
    if kind is Kind.INTEGER and type(value) is int:
        return value
    if kind is Kind.TEXT and isinstance(value, str):
        return value
    if kind in (Kind.BYTES, Kind.HANDLE) and isinstance(value, str):
        return unb64url(value, "attribute")
    raise DecodeError(f"a {kind.value} attribute: wrong JSON type")


def values_to_json(schema: Schema, values: Mapping[str, AttributeValue]) -> dict[str, str | int]:
    return {name: _value_to_json(schema.kind(name), value) for name, value in values.items()}


def values_from_json(schema: Schema, data: Mapping[str, object]) -> dict[str, AttributeValue]:
    names = {a.name for a in schema.attributes}
    if not set(data) <= names:
        raise DecodeError(f"credential subject: attributes not in {schema.schema_id}")
    return {name: _value_from_json(schema.kind(name), value) for name, value in data.items()}


def credential_document(
    schema: Schema,
    values: Mapping[str, AttributeValue],
    *,
    issuer: str,
    key_id: str,
    epoch: int,
    signature: bytes,
    issued_on: datetime.date,
) -> dict[str, Any]:
    """The VC DM 2.0 form of an issued credential (all its attributes)."""
    if set(values) != {a.name for a in schema.attributes}:
        raise InvalidArgumentError(f"credential: want every attribute of {schema.schema_id}")
    valid_until = values.get("valid_until")
    return {
        "@context": list(CONTEXT),
        "type": ["VerifiableCredential", "RealDIDCredential"],
        "issuer": issuer,
        "validFrom": issued_on.isoformat(),
        **(
            {"validUntil": valid_until.isoformat()}
            if isinstance(valid_until, datetime.date)
            else {}
        ),
        "credentialSchema": {"id": schema.schema_id, "type": "RealDIDSchema"},
        "credentialSubject": values_to_json(schema, values),
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "realdid-bbs-2026",
            "verificationMethod": key_id,
            "proofPurpose": "assertionMethod",
            "epoch": epoch,
            "proofValue": b64url(signature),
        },
    }


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class _SchemaRef(_Strict):
    id: str
    type: Literal["RealDIDSchema"]


class DerivedCredential(_Strict):
    context: tuple[str, ...] = Field(alias="@context")
    type: tuple[str, ...]
    issuer: str
    credentialSchema: _SchemaRef  # noqa: N815  (VC DM names)
    credentialSubject: dict[str, str | int]  # noqa: N815
    verificationMethod: str  # noqa: N815
    epoch: int = Field(ge=0, lt=2**32)


class _PresentationProof(_Strict):
    type: Literal["DataIntegrityProof"]
    cryptosuite: Literal["realdid-presentation-2026"]
    challenge: str
    domain: str
    proofValue: str  # noqa: N815


class PresentationDocument(_Strict):
    """A VP as received: strict, so nothing unasked rides along."""

    context: tuple[str, ...] = Field(alias="@context")
    type: tuple[str, ...]
    holder: str | None = None
    verifiableCredential: tuple[DerivedCredential, ...] = Field(min_length=1, max_length=4)  # noqa: N815
    proof: _PresentationProof

    @classmethod
    def parse(cls, data: bytes | str) -> PresentationDocument:
        """Decode a VP received from outside (raises DecodeError).

        The text is strict JSON first (:mod:`realdid.strictjson`: one value per
        name, so nobody reads another ``resident_id`` than the one checked
        here). Then VC DM 2.0 as RealDID profiles it, for the presentation and
        for every credential in it: ``@context`` is exactly :data:`CONTEXT`
        (§4.3: an ordered set whose first item is
        ``https://www.w3.org/ns/credentials/v2``; RealDID's own second), and
        ``type`` is exactly :data:`PRESENTATION_TYPE` / :data:`DERIVED_TYPE`
        (§4.5: a VP's includes ``VerifiablePresentation``, a VC's
        ``VerifiableCredential``). The proof covers the disclosed values, not
        these, so they are checked here, where every party reads a VP.
        """
        doc = strictjson.validate_json(cls, data, what="presentation")
        if doc.context != CONTEXT or doc.type != PRESENTATION_TYPE:
            raise DecodeError("presentation: not a RealDID verifiable presentation")
        for k, credential in enumerate(doc.verifiableCredential):
            if credential.context != CONTEXT:
                raise DecodeError(f"presentation: credential {k}: @context is not {CONTEXT}")
            if credential.type != DERIVED_TYPE:
                raise DecodeError(f"presentation: credential {k}: type is not {DERIVED_TYPE}")
        return doc

    def proof_bytes(self) -> bytes:
        return unb64url(self.proof.proofValue, "proofValue")

    def pseudonym(self) -> bytes | None:
        if self.holder is None:
            return None
        if not self.holder.startswith(PSEUDONYM_URN):
            raise DecodeError("presentation holder: not a RealDID pseudonym")
        return unb64url(self.holder[len(PSEUDONYM_URN) :], "pseudonym")


def presentation_document(
    *,
    service: str,
    nonce: str,
    schemas: Sequence[Schema],
    issuers: Sequence[str],
    key_ids: Sequence[str],
    epochs: Sequence[int],
    disclosed: Sequence[Mapping[str, AttributeValue]],
    pseudonym: bytes | None,
    proof: bytes,
) -> dict[str, Any]:
    """The VP a wallet sends: derived credentials (disclosed values only) and the proof."""
    derived = [
        {
            "@context": list(CONTEXT),
            "type": list(DERIVED_TYPE),
            "issuer": issuer,
            "credentialSchema": {"id": schema.schema_id, "type": "RealDIDSchema"},
            "credentialSubject": values_to_json(schema, values),
            "verificationMethod": key_id,
            "epoch": epoch,
        }
        for schema, issuer, key_id, epoch, values in zip(
            schemas, issuers, key_ids, epochs, disclosed, strict=True
        )
    ]
    document: dict[str, Any] = {
        "@context": list(CONTEXT),
        "type": list(PRESENTATION_TYPE),
        "verifiableCredential": derived,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "realdid-presentation-2026",
            "challenge": nonce,
            "domain": service,
            "proofValue": b64url(proof),
        },
    }
    if pseudonym is not None:
        document["holder"] = PSEUDONYM_URN + b64url(pseudonym)
    return document
