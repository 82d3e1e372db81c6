"""The shape of a wallet's sealed state, checked when it is unlocked.

The AEAD proves the state was written by someone who knew the passphrase,
not that it is well formed: an older or buggy writer, or a file sealed by
hand, may hold anything. So the plaintext is read like any outside input —
strict JSON (:mod:`realdid.strictjson`), then this schema (unknown fields
refused, every date a calendar date) — and a malformed state is one
DecodeError, never a ``KeyError`` or ``TypeError`` from deep inside
:meth:`realdid.wallet.wallet.Wallet.unlock`.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from realdid import strictjson
from realdid.errors import DecodeError
from realdid.ledger.entries import unb64url

__all__ = ["SealedAccount", "SealedCredential", "SealedState", "read_state"]

_B64URL = r"^[A-Za-z0-9_-]*$"
_Text = Annotated[str, Field(max_length=4096)]
_Octets = Annotated[str, Field(pattern=_B64URL, max_length=4096)]
_Count = Annotated[int, Field(ge=0, le=strictjson.MAX_SAFE_INTEGER)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SealedCredential(_Strict):
    """A stored credential. Its values, signature, blind and nym entropy never appear
    in a repr (logs, tracebacks with locals): they name the person or let one present."""

    schema_id: _Text
    issuer: _Text
    key_id: _Text
    public_key: _Octets
    epoch: Annotated[int, Field(ge=0, lt=2**32)]
    values: dict[_Text, str | int] = Field(repr=False)
    signature: _Octets = Field(repr=False)
    blind: _Octets = Field(repr=False)
    nym_entropy: _Octets | None = Field(repr=False)
    issued_on: Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]

    @field_validator("issued_on")
    @classmethod
    def _date(cls, v: str) -> str:
        datetime.date.fromisoformat(v)  # ValueError -> ValidationError -> DecodeError
        return v


class SealedAccount(_Strict):
    service: _Text
    pseudonym: _Octets
    first_seen: _Count
    last_seen: _Count
    visits: _Count


class _Pending(_Strict):
    blind: _Octets = Field(repr=False)
    schema_: _Text = Field(alias="schema")

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class SealedState(_Strict):
    """The whole unlocked state; the recovery secret (every pseudonym derives from it)
    and the blinds are left out of its repr."""

    recovery_secret: _Octets = Field(repr=False)
    credentials: list[SealedCredential] = Field(max_length=64)
    accounts: dict[_Text, SealedAccount]
    pending: dict[_Text, _Pending]

    def recovery_secret_bytes(self) -> bytes:
        secret = unb64url(self.recovery_secret, "wallet state recovery_secret")
        if len(secret) != 32:
            raise DecodeError(f"wallet state: recovery_secret: got {len(secret)} bytes, want 32")
        return secret

    def pending_dicts(self) -> dict[str, dict[str, str]]:
        return {k: {"blind": p.blind, "schema": p.schema_} for k, p in self.pending.items()}


def read_state(plaintext: bytes) -> SealedState:
    """The unlocked state, checked (DecodeError naming the first bad field)."""
    return strictjson.validate_json(SealedState, plaintext, what="wallet state")
