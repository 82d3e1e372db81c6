"""The messages of issuance: enrollment at the authority, and credential requests to any
issuer (a sector issuer, or the authority renewing an identity or issuing a badge).

    wallet → authority   EnrollmentRequest: resident id, name, activation code, and a
                         blind commitment to (holder secret, prover nym) with its proof
    wallet → issuer      CredentialApplication: the issuer's request answered with a
                         presentation that also proves the new commitment holds the
                         presenting holder's secrets (presentation.IssuanceCommitment)
    issuer → wallet      IssuedCredential: the values, the blind signature, the key id
                         (on the ledger), and the issuer's nym entropy if the schema has one

Strict JSON (unknown fields refused). The wallet keeps the commitment's
secrets (blind, prover nym) until the credential arrives, then checks the
signature against the key read from the ledger before storing anything.
"""

from __future__ import annotations

import datetime
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from realdid import strictjson
from realdid.ledger.entries import DID_PATTERN

__all__ = ["CredentialApplication", "EnrollmentRequest", "IssuedCredential", "parse"]

_B64URL = r"^[A-Za-z0-9_-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def encode(self) -> bytes:
        return self.model_dump_json().encode()


class EnrollmentRequest(_Strict):
    """The activation code (a one-time secret) and the person's resident id and name
    never appear in a repr (logs, tracebacks with locals)."""

    resident_id: Annotated[str, Field(pattern=r"^[0-9]{17}[0-9X]$", repr=False)]
    name: Annotated[str, Field(min_length=1, max_length=100, repr=False)]
    activation_code: Annotated[str, Field(min_length=1, max_length=64, repr=False)]
    commitment: Annotated[str, Field(pattern=_B64URL, max_length=1000)]


class CredentialApplication(_Strict):
    """An answer to an issuer's request: the VP, and the commitment it binds."""

    schema_id: Annotated[str, Field(max_length=128)]
    commitment: Annotated[str, Field(pattern=_B64URL, min_length=64, max_length=64)]
    presentation: Annotated[str, Field(max_length=64_000)]


class IssuedCredential(_Strict):
    """A signed credential on its way to the wallet. Its personal values, signature and
    nym entropy never appear in a repr."""

    schema_id: Annotated[str, Field(max_length=128)]
    issuer: Annotated[str, Field(pattern=DID_PATTERN)]
    key_id: Annotated[str, Field(max_length=200)]
    epoch: Annotated[int, Field(ge=0, lt=2**32)]
    issued_on: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    values: dict[str, str | int] = Field(repr=False)
    signature: Annotated[str, Field(pattern=_B64URL, max_length=200, repr=False)]
    nym_entropy: Annotated[str, Field(pattern=_B64URL, max_length=64)] | None = Field(
        default=None, repr=False
    )
    commitment: Annotated[str, Field(pattern=_B64URL, min_length=64, max_length=64)]

    @field_validator("issued_on")
    @classmethod
    def _issued_on(cls, v: str) -> str:
        """A calendar date, not just its shape ("2026-02-30" is refused here, not by
        ``Wallet.documents()`` long after the credential was stored)."""
        datetime.date.fromisoformat(v)  # ValueError -> ValidationError -> DecodeError
        return v


M = TypeVar("M", bound=_Strict)


def parse(model: type[M], data: bytes | str) -> M:
    """Decode a message received from outside (raises DecodeError naming the first bad
    field): strict JSON first (:mod:`realdid.strictjson`: no repeated name, no unsafe
    integer, no deep nesting), then the model."""
    return strictjson.validate_json(model, data)
