"""The ledger's HTTP API: reads for everyone, writes for admitted institutions.

    GET  /checkpoint                        the latest signed (cosigned) checkpoint, text/plain
    GET  /entries/{index}                   one entry: its canonical JSON bytes
    GET  /entries?start=&end=               up to 1000 entries, base64url, in order
    GET  /proof/inclusion?index=&size=      RFC 9162 inclusion proof
    GET  /proof/consistency?first=&second=  RFC 9162 consistency proof
    GET  /lookup/{key}                      a state key's latest entry with every proof
    POST /entries                           append a signed entry (201 once committed)

Errors are RFC 9457 problem details. A write's body is refused beyond
``max_body`` bytes (413) before it is read in full; it is decoded (strict
JSON, envelope, body: 400 if malformed) before the log's write lock. Numbers
in paths and queries are canonical decimals up to 2^53 − 1 (400 otherwise):
one text per number, and every number an answer echoes is safe in JSON
(RFC 7493 §2.2). A method a path does not serve is a 405 with ``Allow``.
The OpenAPI document declares the entry body, so schema-driven testers send
entries. Nothing here is trusted by readers: the light client checks every
answer.
"""

from __future__ import annotations

import base64
import re
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import PlainTextResponse, Response
from pydantic import BeforeValidator

from realdid.api.problems import MEDIA_TYPE, install_problem_handlers
from realdid.errors import DecodeError
from realdid.ledger.checkpoint import is_canonical_decimal
from realdid.ledger.entries import MAX_ENTRY_BYTES, Entry
from realdid.ledger.log import Log
from realdid.strictjson import MAX_SAFE_INTEGER

__all__ = ["create_ledger_app"]

_MAX_RANGE = 1000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _log(request: Request) -> Log:
    log: Log = request.app.state.log
    return log


_DECIMAL: Final = re.compile(r"0|[1-9][0-9]{0,15}")


def _decimal(value: object) -> int:
    """A path or query number: ASCII digits, no sign, no leading zero, at most 2^53 − 1.

    Raises DecodeError (a 400): pydantic's lax int would read "+1", " 1",
    "1.0" and "01" as 1, and Python's int() fails with ValueError beyond
    4300 digits. Runs before pydantic's own checks (the bounds below).
    """
    if not isinstance(value, str) or _DECIMAL.fullmatch(value) is None:
        raise DecodeError("number: want a decimal without sign or leading zero")
    number = int(value)
    if number > MAX_SAFE_INTEGER:
        raise DecodeError("number: above 2^53 − 1")
    return number


LogDep = Annotated[Log, Depends(_log)]
Decimal = BeforeValidator(_decimal)
#: Indexes and sizes: canonical decimals (400 otherwise), then bounded (422).
#: (Query before the validator, so the OpenAPI schema says minimum / maximum.)
Position = Annotated[int, Query(ge=0, le=MAX_SAFE_INTEGER), Decimal]
Size = Annotated[int, Query(ge=1, le=MAX_SAFE_INTEGER), Decimal]


async def _limited_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it exceeds the limit."""
    limit: int = request.app.state.max_body
    declared = request.headers.get("content-length")
    if declared is not None and (not is_canonical_decimal(declared) or int(declared) > limit):
        raise HTTPException(413, f"body larger than {limit} bytes")
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise HTTPException(413, f"body larger than {limit} bytes")
    return bytes(received)


BodyDep = Annotated[bytes, Depends(_limited_body)]
router = APIRouter()


def _in_log(log: Log, index: int) -> None:
    if not 0 <= index < log.store.size():
        raise HTTPException(404, f"no entry {index}")


@router.get("/checkpoint", response_class=PlainTextResponse)
def checkpoint(log: LogDep) -> Response:
    return Response(log.latest_checkpoint(), media_type="text/plain; charset=utf-8")


@router.get("/entries/{index}")
def entry(index: Annotated[int, Path(ge=0, le=MAX_SAFE_INTEGER), Decimal], log: LogDep) -> Response:
    _in_log(log, index)
    return Response(log.entry(index), media_type="application/json")


@router.get("/entries")
def entries(log: LogDep, start: Position, end: Position) -> dict[str, Any]:
    end = min(end, log.store.size(), start + _MAX_RANGE)
    return {"start": start, "entries": [_b64(e) for e in log.store.entries(start, end)]}


@router.get("/proof/inclusion")
def inclusion(log: LogDep, index: Position, size: Size) -> dict[str, Any]:
    if size > log.store.size():
        raise HTTPException(404, f"no tree of size {size} yet")
    return {
        "index": index,
        "size": size,
        "proof": [_b64(p) for p in log.inclusion_proof(index, size)],
    }


@router.get("/proof/consistency")
def consistency(log: LogDep, first: Size, second: Size) -> dict[str, Any]:
    if second > log.store.size():
        raise HTTPException(404, f"no tree of size {second} yet")
    proof = log.consistency_proof(first, second)
    return {"first": first, "second": second, "proof": [_b64(p) for p in proof]}


@router.get("/lookup/{key:path}")
def lookup(key: str, log: LogDep) -> dict[str, Any]:
    answer = log.lookup(key)
    return {
        "checkpoint": answer.checkpoint.decode(),
        "key": answer.key,
        "index": answer.index,
        "entry": None if answer.entry is None else _b64(answer.entry),
        "inclusion": [_b64(p) for p in answer.inclusion],
        "state_proof": _b64(answer.state_proof),
    }


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {MEDIA_TYPE: {}}}


@router.post(
    "/entries",
    status_code=201,
    responses={
        400: _problem_response("Malformed: not strict JSON, not canonical, or a bad body"),
        403: _problem_response("The author is not admitted to write this entry"),
        413: _problem_response("Body larger than the limit"),
        422: _problem_response("Inconsistent with the ledger's state, or a stale prev"),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A signed entry: its RFC 8785 canonical JSON bytes, as in the log.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Entry"}}},
        }
    },
)
def append(body: BodyDep, log: LogDep) -> dict[str, int]:
    """Append a signed entry; answers only after the store committed it."""
    return {"index": log.append(body)}


def _document_entries(app: FastAPI) -> None:
    """Put the entry envelope's JSON Schema in the OpenAPI components.

    The route reads the raw bytes (the signature covers them, so they are
    never re-encoded), which FastAPI cannot document by itself; the
    ``requestBody`` above refers to this schema.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, routes=app.routes)
            entry = Entry.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(entry.pop("$defs", {}))
            schemas["Entry"] = entry
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def create_ledger_app(log: Log, *, max_body: int = MAX_ENTRY_BYTES) -> FastAPI:
    app = FastAPI(title="RealDID ledger", version="1")
    app.state.log = log
    app.state.max_body = max_body
    install_problem_handlers(app)
    app.include_router(router)
    _document_entries(app)
    return app
