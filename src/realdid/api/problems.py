"""RFC 9457 problem details for every error a RealDID service returns.

Each RealDIDError class maps to one status and one problem type URI; the
detail is the error's own message, which by construction never carries a
secret. Anything else is a 500 with a generic detail (the exception is
logged by the server, never echoed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from realdid.errors import (
    DecodeError,
    InvalidArgumentError,
    PermissionDeniedError,
    RealDIDError,
    StatementError,
    VerificationError,
)

__all__ = ["MEDIA_TYPE", "PROBLEM_BASE", "install_problem_handlers", "problem"]

PROBLEM_BASE: Final = "https://realdid.example/problems/"
MEDIA_TYPE: Final = "application/problem+json"

_MAPPING: Final[tuple[tuple[type[RealDIDError], int, str, str], ...]] = (
    (DecodeError, 400, "malformed", "Malformed input"),
    (PermissionDeniedError, 403, "not-admitted", "Not admitted"),
    (VerificationError, 422, "verification-failed", "Verification failed"),
    (StatementError, 422, "statement-not-satisfied", "Statement not satisfied"),
    (InvalidArgumentError, 422, "invalid", "Invalid request"),
)


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    **extra: object,
) -> JSONResponse:
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    return JSONResponse(
        {**body, **extra}, status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at the request's path, for a 405's ``Allow``
    (RFC 9110 §15.5.6). Starlette names only the first route that matches the
    path, so ``GET /entries`` would hide ``POST /entries``."""
    methods: set[str] = set()
    pending: list[BaseRoute] = list(request.app.router.routes)
    while pending:
        route = pending.pop()
        # FastAPI wraps an included router in one route; its own routes are inside.
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is not None:
            pending.extend(inner)
        elif route.matches(request.scope)[0] is not Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def install_problem_handlers(app: FastAPI) -> None:
    async def realdid_error(request: Request, exc: Exception) -> JSONResponse:
        for cls, status, slug, title in _MAPPING:
            if isinstance(exc, cls):
                return problem(status, slug, title, str(exc))
        status = getattr(exc, "status", 503)  # e.g. StoreError, WitnessRefusalError
        return problem(int(status), "service-error", "Service error", str(exc))

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})  # e.g. how to authenticate, with a 401
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return problem(
            exc.status_code, f"http-{exc.status_code}", "HTTP error", str(exc.detail), headers
        )

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"msg": "invalid"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return problem(422, "invalid", "Invalid request", f"{where}: {first['msg']}")

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return problem(500, "internal", "Internal error", "the service failed; see its logs")

    app.add_exception_handler(RealDIDError, realdid_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
