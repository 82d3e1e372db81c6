"""Single-use, expiring requests: every nonce a party hands out is remembered until used.

A service (or an issuer, or the authority at renewal) stores each request it
sends; an answer is accepted only for a stored, unexpired, unused nonce, and
the nonce is marked used in the same transaction that reads it, so a replayed
presentation fails even when two copies arrive at once. A stored request is
answered only on its own day (``valid_on``, UTC), as wallets answer only about
their today: an answer is checked against the bounds the registration fixes
for that stored day, which is then the verifier's today too
(docs/parties.md §2). :meth:`NonceStore.purge` drops expired requests (a
service runs it from its housekeeping).
"""

from __future__ import annotations

import datetime

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from realdid import db
from realdid.credentials.request import PresentationRequest
from realdid.errors import NotFoundError, ReplayError

__all__ = ["NonceStore"]

_metadata = MetaData()
_requests = Table(
    "pending_requests",
    _metadata,
    Column("nonce", String(100), primary_key=True),
    Column("request", LargeBinary, nullable=False),
    Column("expires_at", Integer, nullable=False),
    Column("used", Boolean, nullable=False, default=False),
)


class NonceStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with db.write(engine) as conn:
            _metadata.create_all(conn)

    def remember(self, request: PresentationRequest) -> None:
        with db.write(self.engine) as conn:
            conn.execute(
                insert(_requests).values(
                    nonce=request.nonce,
                    request=request.encode(),
                    expires_at=request.expires_at,
                    used=False,
                )
            )

    def pending(self, nonce: str, now: int) -> PresentationRequest:
        """The stored request for ``nonce`` if it may still be answered (ReplayError if
        used, expired or made for another day than ``now``'s, NotFoundError if this
        party never issued it). Changes nothing: a malformed answer must not burn the
        nonce."""
        with db.read(self.engine) as conn:
            row = conn.execute(
                select(_requests.c.request, _requests.c.expires_at, _requests.c.used).where(
                    _requests.c.nonce == nonce
                )
            ).first()
        if row is None:
            raise NotFoundError("request: unknown nonce")
        if row.used:
            raise ReplayError("request: this nonce was already answered")
        if row.expires_at < now:
            raise ReplayError("request: expired")
        request = PresentationRequest.parse(bytes(row.request))
        today = datetime.datetime.fromtimestamp(now, datetime.UTC).date()
        if request.day() != today:
            # The stored day fixes the bounds the answer is checked against; it is
            # answered on that day only, as the wallet answers only about its today.
            raise ReplayError(
                f"request: made for {request.valid_on}, answered on {today.isoformat()}"
            )
        return request

    def consume(self, nonce: str, now: int) -> None:
        """Mark ``nonce`` used, atomically: of two valid answers racing, one wins and the
        other gets ReplayError. Call after the answer verified, inside nothing else."""
        with db.write(self.engine) as conn:
            result = conn.execute(
                update(_requests)
                .where(
                    _requests.c.nonce == nonce,
                    _requests.c.used.is_(False),
                    _requests.c.expires_at >= now,
                )
                .values(used=True)
            )
            if result.rowcount != 1:
                raise ReplayError("request: this nonce was already answered or expired")

    def purge(self, now: int) -> int:
        with db.write(self.engine) as conn:
            result = conn.execute(delete(_requests).where(_requests.c.expires_at < now))
        return int(result.rowcount or 0)
