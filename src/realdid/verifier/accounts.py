"""Accounts keyed by pseudonym: one citizen, one account per service, and a ban sticks.

    accounts   id, pseudonym (unique), created_at, last_seen, banned
    evidence   per account: the request and presentation it registered with, kept for a
               lawful opening (the escrow ciphertext inside is bound to this service)

A service stores no name, no identity number, nothing it was not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    func,
    insert,
    select,
    update,
)

from realdid import db
from realdid.errors import NotFoundError, RevokedError

__all__ = ["Account", "AccountStore"]

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
        account raises RevokedError and nothing is recorded."""
        with db.write(self.engine) as conn:
            row = conn.execute(select(_accounts).where(_accounts.c.pseudonym == pseudonym)).first()
            created = row is None
            if row is None:
                conn.execute(
                    insert(_accounts).values(
                        pseudonym=pseudonym, created_at=now, last_seen=now, logins=1, banned=False
                    )
                )
                account_id = conn.execute(
                    select(_accounts.c.id).where(_accounts.c.pseudonym == pseudonym)
                ).scalar_one()
            elif row.banned:
                raise RevokedError("account: banned from this service")
            else:
                account_id = row.id
                conn.execute(
                    update(_accounts)
                    .where(_accounts.c.id == account_id)
                    .values(last_seen=now, logins=row.logins + 1)
                )
            if evidence is not None:
                conn.execute(
                    insert(_evidence).values(
                        account=account_id, request=evidence[0], presentation=evidence[1]
                    )
                )
        return self.get(int(account_id)), created

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
        return Account(row.id, bytes(row.pseudonym), row.created_at, row.last_seen, row.logins,
                       row.banned)  # fmt: skip

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
