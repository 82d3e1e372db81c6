"""A LogSource over the ledger's HTTP API, for light clients of a remote log.

It only fetches: every answer is checked by the light client, exactly as
when it reads a log in process.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from realdid.errors import DecodeError, RealDIDError
from realdid.ledger.log import Lookup

__all__ = ["HttpLogSource", "LedgerHttpError"]


class LedgerHttpError(RealDIDError):
    """The ledger's HTTP API answered with an error (its problem detail is the message)."""


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise DecodeError("ledger API: bad base64url") from None


class _Response(Protocol):
    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def json(self) -> Any: ...


class _Client(Protocol):
    """Any httpx-style client (httpx.Client, a test client of the ASGI app)."""

    def get(self, url: str, *, params: Any = ...) -> Any: ...


class HttpLogSource:
    def __init__(self, base_url: str, client: _Client | None = None) -> None:
        self.client: _Client = client or httpx.Client(base_url=base_url, timeout=30)

    def _get(self, path: str, **params: int) -> _Response:
        try:
            response: _Response = self.client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise LedgerHttpError(f"ledger API unreachable ({exc.__class__.__name__})") from None
        if response.status_code != 200:
            detail = (
                response.json().get("detail", "")
                if response.headers.get("content-type", "").endswith("json")
                else ""
            )
            raise LedgerHttpError(f"ledger API {response.status_code}: {detail}")
        return response

    def latest_checkpoint(self) -> bytes:
        return self._get("/checkpoint").content

    def entry(self, index: int) -> bytes:
        return self._get(f"/entries/{index}").content

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        data = self._get("/proof/inclusion", index=index, size=size).json()
        return [_unb64(p) for p in data["proof"]]

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        data = self._get("/proof/consistency", first=size1, second=size2).json()
        return [_unb64(p) for p in data["proof"]]

    def lookup(self, key: str) -> Lookup:
        data = self._get(f"/lookup/{key}").json()
        return Lookup(
            checkpoint=data["checkpoint"].encode(),
            key=data["key"],
            index=data["index"],
            entry=None if data["entry"] is None else _unb64(data["entry"]),
            inclusion=tuple(_unb64(p) for p in data["inclusion"]),
            state_proof=_unb64(data["state_proof"]),
        )
