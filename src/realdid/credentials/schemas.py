"""RealDID's credential schemas: attribute order and encoding, fixed for every holder.

Each schema is published on the ledger (a ``schema`` entry naming who may sign
it); wallets and verifiers read it from there (:mod:`realdid.credentials.view`)
and these definitions are what the authority publishes at genesis. Order
matters: it is the signed list's order, so a schema id names one layout for
ever (a change is a new id, ``…:v2``).

Every schema ends in ``valid_until``: a verifier asks for "valid today" as a
range proof, never for the date itself (an exact expiry would link accounts).
"""

from __future__ import annotations

import json
from typing import Final

from realdid.crypto.credential import Attribute, Kind, Schema
from realdid.errors import InvalidArgumentError
from realdid.ledger.entries import SchemaBody

__all__ = [
    "BADGE",
    "CREDIT",
    "DEGREE",
    "IDENTITY",
    "MEDICAL",
    "PHONE",
    "SCHEMAS",
    "from_ledger",
    "ledger_body",
]


def _schema(schema_id: str, fields: tuple[tuple[str, Kind], ...], nym_count: int = 0) -> Schema:
    attributes = tuple(Attribute(name, kind) for name, kind in fields)
    return Schema(schema_id, (*attributes, Attribute("valid_until", Kind.DATE)), nym_count)


#: The root credential, from the identity authority only: the holder secret and the nym
#: secret are blind; the escrow handle is the authority's random per-citizen value.
IDENTITY: Final = _schema(
    "realdid:identity:v1",
    (
        ("escrow_handle", Kind.HANDLE),
        ("name", Kind.TEXT),
        ("resident_id", Kind.TEXT),
        ("birth_date", Kind.DATE),
        ("sex", Kind.TEXT),
        ("region", Kind.TEXT),
        ("nationality", Kind.TEXT),
        # Which enrollment of the citizen this is (1, 2, ... after re-enrollment): only
        # the current one renews, so a superseded wallet dies with its epoch.
        ("enrollment", Kind.INTEGER),
    ),
    nym_count=1,
)
MEDICAL: Final = _schema(
    "realdid:medical:v1",
    (("blood_type", Kind.TEXT), ("allergies", Kind.TEXT), ("chronic_conditions", Kind.TEXT)),
)
CREDIT: Final = _schema(
    "realdid:credit:v1",
    (("credit_standing", Kind.TEXT), ("credit_limit", Kind.INTEGER)),
)
PHONE: Final = _schema("realdid:phone:v1", (("phone_number", Kind.TEXT), ("carrier", Kind.TEXT)))
DEGREE: Final = _schema(
    "realdid:degree:v1",
    (
        ("degree", Kind.TEXT),
        ("field", Kind.TEXT),
        ("institution", Kind.TEXT),
        ("graduation_year", Kind.INTEGER),
    ),
)
#: "This account's holder is a real-name-verified person": issued by the authority on
#: request, bound to the identity's holder secret, carrying nothing but the claim.
BADGE: Final = _schema("realdid:badge:v1", (("badge", Kind.TEXT),))

SCHEMAS: Final = {s.schema_id: s for s in (IDENTITY, MEDICAL, CREDIT, PHONE, DEGREE, BADGE)}


def ledger_body(schema: Schema, issuers: tuple[str, ...]) -> SchemaBody:
    """The ledger entry body publishing ``schema``, signable by ``issuers`` (DIDs)."""
    return SchemaBody.model_validate_json(
        json.dumps(
            {
                "schema_id": schema.schema_id,
                "attributes": [{"name": a.name, "kind": a.kind.value} for a in schema.attributes],
                "nym_count": schema.nym_count,
                "issuers": list(issuers),
            }
        )
    )


def from_ledger(body: SchemaBody) -> Schema:
    """The schema a ledger entry publishes (what wallets and verifiers use)."""
    try:
        return Schema(
            body.schema_id,
            tuple(Attribute(a.name, Kind(a.kind)) for a in body.attributes),
            body.nym_count,
        )
    except ValueError:
        raise InvalidArgumentError(f"schema {body.schema_id}: unknown attribute kind") from None
