"""The ledger's HTTP API: reads for everyone, writes for admitted institutions.

    GET  /checkpoint                        the latest signed (cosigned) checkpoint, text/plain
    GET  /entries/{index}                   one entry: its canonical JSON bytes
    GET  /entries?start=&end=               up to 1000 entries, base64url, in order
    GET  /proof/inclusion?index=&size=      RFC 9162 inclusion proof
    GET  /proof/consistency?first=&second=  RFC 9162 consistency proof
    GET  /lookup/{key}                      a state key's latest entry with every proof
    POST /entries                           append a signed entry (201 once committed)

Errors are RFC 9457 problem details. A write's body is refused beyond
``max_body`` bytes (413) before it is read in full. Nothing here is trusted
by readers: the light client checks every answer.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response

from realdid.api.problems import install_problem_handlers
from realdid.ledger.checkpoint import is_canonical_decimal
from realdid.ledger.entries import MAX_ENTRY_BYTES
from realdid.ledger.log import Log

__all__ = ["create_ledger_app"]

_MAX_RANGE = 1000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _log(request: Request) -> Log:
    log: Log = request.app.state.log
    return log


LogDep = Annotated[Log, Depends(_log)]
#: Indexes and sizes as queries: bounded, so a huge number is a 422, not a 500.
Position = Annotated[int, Query(ge=0, lt=2**63)]
Size = Annotated[int, Query(ge=1, lt=2**63)]


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
def entry(index: Annotated[int, Path(ge=0, lt=2**63)], log: LogDep) -> Response:
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


@router.post("/entries", status_code=201)
def append(body: BodyDep, log: LogDep) -> dict[str, int]:
    """Append a signed entry; answers only after the store committed it."""
    return {"index": log.append(body)}


def create_ledger_app(log: Log, *, max_body: int = MAX_ENTRY_BYTES) -> FastAPI:
    app = FastAPI(title="RealDID ledger", version="1")
    app.state.log = log
    app.state.max_body = max_body
    install_problem_handlers(app)
    app.include_router(router)
    return app
