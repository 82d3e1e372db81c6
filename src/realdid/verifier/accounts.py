"""Accounts keyed by pseudonym: one citizen, one account per service, and a ban sticks.

    accounts   id, pseudonym (unique), created_at, last_seen, logins, banned
    evidence   per account: the request and presentation it registered with, kept for a
               lawful opening (the escrow ciphertext inside is bound to this service)

A service stores no name, no identity number, nothing it was not shown. The
unique pseudonym plus an ``INSERT … ON CONFLICT DO NOTHING`` make one account per
pseudonym under any timing (:meth:`AccountStore.sign_in`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Row,
    Table,
    case,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from realdid import db
from realdid.errors import NotFoundError, RevokedError

__all__ = ["Account", "AccountStore"]

_UpsertInsert = postgresql.Insert | sqlite.Insert

_metadata = MetaData()
_accounts = Table(
    "accounts",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pseudonym", LargeBinary, nullable=False, unique=True),
    Column("created_at", Integer, nullable=False),
    Column("last_seen", Integer, nullable=False),
    Column("logins", Integer, nullable=False),
    Column("banned", Boolean, nullable=False),
)
_evidence = Table(
    "account_evidence",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", ForeignKey("accounts.id"), nullable=False),
    Column("request", LargeBinary, nullable=False),
    Column("presentation", LargeBinary, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    pseudonym: bytes
    created_at: int
    last_seen: int
    logins: int
    banned: bool


def _account(row: Row[Any]) -> Account:
    return Account(row.id, bytes(row.pseudonym), row.created_at, row.last_seen, row.logins,
                   bool(row.banned))  # fmt: skip


def _insert_new(conn: Connection) -> Callable[[Table], _UpsertInsert]:
    """The dialect's ``INSERT`` (the only one with ``ON CONFLICT``): PostgreSQL or SQLite,
    the two databases :func:`realdid.db.open_engine` makes."""
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise db.StoreError(f"database: got dialect {name!r}, want postgresql or sqlite")


class AccountStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with db.write(engine) as conn:
            _metadata.create_all(conn)

    def sign_in(
        self, pseudonym: bytes, now: int, *, evidence: tuple[bytes, bytes] | None = None
    ) -> tuple[Account, bool]:
        """The account of ``pseudonym``, created on first sight; (account, created).
        ``evidence`` (request, presentation) is kept when it carries escrow. A banned
        account raises RevokedError and nothing is recorded.

        One transaction, whatever the timing: any number of simultaneous first
        sign-ins of one pseudonym land on one account, each caller told which.

        1. Touch the existing row (``UPDATE … RETURNING``: it takes the row's lock, so
           a ban or another sign-in is seen committed, and ``logins`` is counted in
           the database, never read-then-written).
        2. None: insert it with ``ON CONFLICT (pseudonym) DO NOTHING``. On
           PostgreSQL an insert racing an uncommitted one waits for it; if that one
           commits, nothing is inserted and step 1 runs again on its row (the next
           statement sees it). On SQLite ``BEGIN IMMEDIATE`` already serialises.
        3. A banned row raises, which rolls back the touch: nothing is recorded.
        """
        with db.write(self.engine) as conn:
            row = self._touch(conn, pseudonym, now)
            created = False
            if row is None:
                row = conn.execute(
                    _insert_new(conn)(_accounts)
                    .values(
                        pseudonym=pseudonym, created_at=now, last_seen=now, logins=1, banned=False
                    )
                    .on_conflict_do_nothing(index_elements=[_accounts.c.pseudonym])
                    .returning(*_accounts.c)
                ).first()
                created = row is not None
                if row is None:  # created by a sign-in that committed meanwhile
                    row = self._touch(conn, pseudonym, now)
                if row is None:  # a row that exists cannot vanish: accounts are never deleted
                    raise db.StoreError("account: the pseudonym's row vanished during sign-in")
            account = _account(row)
            if account.banned:
                raise RevokedError("account: banned from this service")
            if evidence is not None:
                conn.execute(
                    insert(_evidence).values(
                        account=account.id, request=evidence[0], presentation=evidence[1]
                    )
                )
        return account, created

    @staticmethod
    def _touch(conn: Connection, pseudonym: bytes, now: int) -> Row[Any] | None:
        """Count a login on the pseudonym's row, if any; its new state. ``last_seen``
        only moves forward, whatever order racing sign-ins commit in."""
        return conn.execute(
            update(_accounts)
            .where(_accounts.c.pseudonym == pseudonym)
            .values(
                last_seen=case((_accounts.c.last_seen < now, now), else_=_accounts.c.last_seen),
                logins=_accounts.c.logins + 1,
            )
            .returning(*_accounts.c)
        ).first()

    def find(self, pseudonym: bytes) -> Account | None:
        with db.read(self.engine) as conn:
            row = conn.execute(
                select(_accounts.c.id).where(_accounts.c.pseudonym == pseudonym)
            ).first()
        return None if row is None else self.get(int(row.id))

    def get(self, account_id: int) -> Account:
        with db.read(self.engine) as conn:
            row = conn.execute(select(_accounts).where(_accounts.c.id == account_id)).first()
        if row is None:
            raise NotFoundError("account: no such account")
        return _account(row)

    def ban(self, account_id: int) -> None:
        with db.write(self.engine) as conn:
            done = conn.execute(
                update(_accounts).where(_accounts.c.id == account_id).values(banned=True)
            )
            if done.rowcount != 1:
                raise NotFoundError("account: no such account")

    def evidence(self, account_id: int) -> list[tuple[bytes, bytes]]:
        """What the account registered with: (request, presentation), oldest first."""
        with db.read(self.engine) as conn:
            rows = conn.execute(
                select(_evidence.c.request, _evidence.c.presentation)
                .where(_evidence.c.account == account_id)
                .order_by(_evidence.c.id)
            ).all()
        return [(bytes(r.request), bytes(r.presentation)) for r in rows]

    def count(self) -> int:
        with db.read(self.engine) as conn:
            return int(conn.execute(select(func.count()).select_from(_accounts)).scalar_one())
