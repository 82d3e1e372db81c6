"""Databases every RealDID store shares: SQLite (embedded default) and PostgreSQL.

One place sets what a store may rely on:

* SQLite: WAL journal (readers never block the writer), ``synchronous=FULL``
  (a commit is on disk before it returns), and ``BEGIN IMMEDIATE`` for write
  transactions only, so one writer at a time holds the write lock from its
  first read and a check-then-write inside one transaction cannot race;
* PostgreSQL: pre-ping pooled connections; writers that must serialise lock
  a row ``FOR UPDATE`` (see each store).

A write is acknowledged only after :func:`write` has committed; any database
failure surfaces as :class:`StoreError`, with no SQL, parameters or secrets
in its message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from realdid.errors import RealDIDError

__all__ = ["StoreError", "is_postgres", "open_engine", "read", "sqlite_url", "write"]


class StoreError(RealDIDError):
    """The database failed (connection, disk, constraint): nothing was acknowledged."""


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{path}"


def open_engine(url: str) -> Engine:
    """An engine for ``sqlite:///<path>`` or ``postgresql+psycopg://…``."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _connect(dbapi: Any, _record: Any) -> None:
            dbapi.isolation_level = None  # BEGIN is issued below
            dbapi.execute("PRAGMA journal_mode=WAL")
            dbapi.execute("PRAGMA synchronous=FULL")
            dbapi.execute("PRAGMA foreign_keys=ON")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write_lock = conn.get_execution_options().get("realdid_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write_lock else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on any error."""
    try:
        with engine.connect() as conn:
            conn.execution_options(realdid_write=True)
            with conn.begin():
                yield conn
    except SQLAlchemyError as exc:
        raise StoreError(f"database: write failed ({exc.__class__.__name__})") from None


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise StoreError(f"database: read failed ({exc.__class__.__name__})") from None
