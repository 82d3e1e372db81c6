"""A LogSource over the ledger's HTTP API, for light clients of a remote log.

It only fetches: every answer is checked by the light client, exactly as
when it reads a log in process. But an answer is input from outside before
it is anything else, so each is first read as such:

1. the status: anything but 200 is a :class:`LedgerHttpError` carrying the
   problem's ``detail`` when there is a readable one (RFC 9457), and so is
   a server that cannot be reached;
2. JSON answers through :mod:`realdid.strictjson` (UTF-8, no repeated
   member name, integers within ±(2^53 − 1), no NaN, at most 64 levels),
   then their shape: every field present with its type (a bool is not an
   int, a list not an object), indexes in [0, 2^53), at most
   ``_MAX_PROOF`` hashes, every byte string canonical base64url;
3. at most :data:`MAX_ANSWER_BYTES` of any answer: reading stops there.
   Counted on the bytes as sent: the client asks for ``Accept-Encoding:
   identity`` and refuses any other ``Content-Encoding`` before reading the
   body, since a decoder inflates a whole network chunk before anyone can
   count (64 KiB of gzip is about 64 MiB of zeros).

So whatever a server answers ends in a :class:`~realdid.errors.DecodeError`
or a LedgerHttpError, never KeyError, TypeError, AttributeError,
JSONDecodeError, UnicodeDecodeError, OverflowError or RecursionError — in
this module or later in :class:`~realdid.ledger.client.LightClient`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final, NoReturn, Protocol
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field

from realdid import strictjson
from realdid.errors import DecodeError, InvalidArgumentError, RealDIDError
from realdid.ledger.entries import unb64url
from realdid.ledger.log import Lookup

__all__ = ["MAX_ANSWER_BYTES", "HttpLogSource", "LedgerHttpError"]

#: More than any proof over 2^64 leaves has (64 for inclusion, 65 for consistency).
_MAX_PROOF: Final = 128
#: The largest answer read: a lookup carries one entry (at most 256 KiB, so
#: about 342 KiB in base64url) and two proofs; anything beyond is refused unread.
MAX_ANSWER_BYTES: Final = 1024 * 1024
#: How much of a server's problem detail an error message repeats.
_MAX_DETAIL: Final = 300
#: Every request asks for the body as it is: the bound is on the bytes sent.
_IDENTITY: Final = {"Accept-Encoding": "identity"}


class LedgerHttpError(RealDIDError):
    """The ledger's HTTP API answered with an error (its problem detail is the message)."""


class _Answer(BaseModel):
    """An answer's JSON: strict types (JSON mode, no coercion); fields added later ignored."""

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


Proof = Annotated[list[str], Field(max_length=_MAX_PROOF)]


class _ProofAnswer(_Answer):
    proof: Proof


class _LookupAnswer(_Answer):
    checkpoint: str
    key: str
    index: Annotated[int, Field(ge=0, le=strictjson.MAX_SAFE_INTEGER)] | None
    entry: str | None
    inclusion: Proof
    state_proof: str


class _Client(Protocol):
    """Any httpx-style client (httpx.Client, a test client of the ASGI app)."""

    def stream(self, method: str, url: str, *, params: Any = ..., headers: Any = ...) -> Any: ...


@dataclass(frozen=True, slots=True)
class _Reply:
    status_code: int
    media_type: str
    content: bytes


def _problem_detail(response: _Reply) -> str:
    """The ``detail`` of an RFC 9457 answer, if it has a readable one; else ''."""
    if not response.media_type.endswith("json"):
        return ""
    try:
        body = strictjson.loads(response.content, what="ledger API problem")
    except DecodeError:
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str):
        return ""
    return "".join(c if c.isprintable() else "?" for c in detail[:_MAX_DETAIL])


def _refuse_encoding(status: int, encoding: str) -> NoReturn:
    """A compressed answer, refused unread (an error status still says which one)."""
    if status != 200:
        raise LedgerHttpError(f"ledger API {status}: ")
    shown = "".join(c if c.isprintable() else "?" for c in encoding[:40])
    raise DecodeError(f"ledger API: got Content-Encoding {shown!r}, want identity")


def _hashes(values: list[str], what: str) -> list[bytes]:
    return [unb64url(value, f"ledger API {what}") for value in values]


class HttpLogSource:
    def __init__(self, base_url: str, client: _Client | None = None) -> None:
        self.client: _Client = client or httpx.Client(base_url=base_url, timeout=30)

    def _get(self, path: str, **params: int) -> _Reply:
        """The answer, read up to MAX_ANSWER_BYTES as sent (a server cannot make us hold
        more): only an identity-encoded body is read, raw, so nothing is inflated."""
        try:
            with self.client.stream("GET", path, params=params, headers=_IDENTITY) as response:
                encoding = str(response.headers.get("content-encoding", "identity"))
                if encoding.strip().lower() != "identity":
                    _refuse_encoding(int(response.status_code), encoding)
                content = bytearray()
                for chunk in response.iter_raw():
                    content += chunk
                    if len(content) > MAX_ANSWER_BYTES:
                        break
                media_type = response.headers.get("content-type", "").split(";")[0].strip()
                reply = _Reply(int(response.status_code), str(media_type), bytes(content))
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise LedgerHttpError(f"ledger API unreachable ({exc.__class__.__name__})") from None
        if reply.status_code != 200:
            detail = "" if len(content) > MAX_ANSWER_BYTES else _problem_detail(reply)
            raise LedgerHttpError(f"ledger API {reply.status_code}: {detail}")
        if len(content) > MAX_ANSWER_BYTES:
            raise DecodeError(f"ledger API: answer larger than {MAX_ANSWER_BYTES} bytes")
        return reply

    def latest_checkpoint(self) -> bytes:
        return self._get("/checkpoint").content

    def entry(self, index: int) -> bytes:
        return self._get(f"/entries/{index}").content

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        content = self._get("/proof/inclusion", index=index, size=size).content
        answer = strictjson.validate_json(_ProofAnswer, content, what="ledger API inclusion")
        return _hashes(answer.proof, "inclusion proof")

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        content = self._get("/proof/consistency", first=size1, second=size2).content
        answer = strictjson.validate_json(_ProofAnswer, content, what="ledger API consistency")
        return _hashes(answer.proof, "consistency proof")

    def lookup(self, key: str) -> Lookup:
        try:
            path = "/lookup/" + quote(key, safe="")  # '#', '?' and '%' stay in the key
        except UnicodeEncodeError:
            raise InvalidArgumentError("lookup: the key is not UTF-8 text") from None
        content = self._get(path).content
        answer = strictjson.validate_json(_LookupAnswer, content, what="ledger API lookup")
        try:
            checkpoint = answer.checkpoint.encode()
        except UnicodeEncodeError:  # a lone surrogate ("\ud800") in the JSON string
            raise DecodeError("ledger API lookup: checkpoint is not UTF-8 text") from None
        return Lookup(
            checkpoint=checkpoint,
            key=answer.key,
            index=answer.index,
            entry=None if answer.entry is None else unb64url(answer.entry, "ledger API entry"),
            inclusion=tuple(_hashes(answer.inclusion, "inclusion proof")),
            state_proof=unb64url(answer.state_proof, "ledger API state proof"),
        )
