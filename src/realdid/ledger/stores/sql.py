"""SQLite and PostgreSQL stores, one implementation on SQLAlchemy Core.

Tables: ``ledger_meta`` (one row: the committed size), ``ledger_entries``
(index, entry, leaf hash), ``ledger_nodes`` (level, index, hash of each
complete subtree), ``ledger_checkpoints`` (size, signed note).

Serialising writers:
* SQLite: WAL journal, ``synchronous=FULL`` (a commit is on disk before it
  returns) and ``BEGIN IMMEDIATE`` for every transaction, so one writer at
  a time holds the write lock from its first read;
* PostgreSQL: ``SELECT … FOR UPDATE`` on the meta row, so concurrent
  appends queue on it and each sees the size the previous one committed.
Either way an append is one transaction: it validates, inserts the entry
and its completed nodes, bumps the size, and commits, or leaves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from realdid.db import StoreError, is_postgres, open_engine, sqlite_url
from realdid.errors import InvalidArgumentError
from realdid.ledger.rfc9162 import EMPTY_ROOT, hash_leaf, subtree_root
from realdid.ledger.stores.base import Validator, completed_nodes

__all__ = ["SqlStore", "StoreError"]


_metadata = MetaData()
_meta = Table(
    "ledger_meta", _metadata, Column("id", Integer, primary_key=True), Column("size", Integer)
)
_entries = Table(
    "ledger_entries",
    _metadata,
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("entry", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary, nullable=False),
)
_nodes = Table(
    "ledger_nodes",
    _metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
)
_checkpoints = Table(
    "ledger_checkpoints",
    _metadata,
    Column("size", Integer, primary_key=True, autoincrement=False),
    Column("note", LargeBinary, nullable=False),
)


class _Reader:
    """A NodeReader bound to one connection (so a proof reads one snapshot)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def node(self, level: int, index: int) -> bytes:
        row = self._conn.execute(
            select(_nodes.c.hash).where(_nodes.c.level == level, _nodes.c.idx == index)
        ).first()
        if row is None:
            raise InvalidArgumentError(f"node ({level}, {index}): not in the store")
        return bytes(row[0])


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgres = is_postgres(engine)
        try:
            _metadata.create_all(engine)
            with self._write() as conn:
                if conn.execute(select(_meta.c.size)).first() is None:
                    conn.execute(insert(_meta).values(id=1, size=0))
        except SQLAlchemyError as exc:
            raise StoreError(f"store: cannot open ({exc.__class__.__name__})") from None

    @classmethod
    def sqlite(cls, path: str | Path) -> SqlStore:
        return cls(open_engine(sqlite_url(path)))

    @classmethod
    def postgres(cls, url: str) -> SqlStore:
        return cls(open_engine(url))

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(realdid_write=True)
            with conn.begin():
                yield conn

    def _size(self, conn: Connection, *, lock: bool = False) -> int:
        query = select(_meta.c.size).where(_meta.c.id == 1)
        if lock and self._postgres:
            query = query.with_for_update()
        row = conn.execute(query).first()
        return 0 if row is None else int(row[0])

    def size(self) -> int:
        with self.engine.connect() as conn:
            return self._size(conn)

    def append(self, entry: bytes, validate: Validator | None = None) -> int:
        """Append ``entry``; committed when this returns. ``validate`` runs in the transaction."""
        try:
            with self._write() as conn:
                index = self._size(conn, lock=True)
                if validate is not None:
                    validate(index)
                leaf = hash_leaf(entry)
                conn.execute(insert(_entries).values(idx=index, entry=entry, leaf_hash=leaf))
                nodes = completed_nodes(index, leaf, _Reader(conn).node)
                conn.execute(
                    insert(_nodes), [{"level": lv, "idx": i, "hash": h} for lv, i, h in nodes]
                )
                conn.execute(update(_meta).where(_meta.c.id == 1).values(size=index + 1))
                return index
        except SQLAlchemyError as exc:
            raise StoreError(f"store: append failed ({exc.__class__.__name__})") from None

    def append_leaf_hashes(self, leaf_hashes: list[bytes]) -> None:
        """Benchmark helper: grow the tree from leaf hashes alone (no entries)."""
        with self._write() as conn:
            index = self._size(conn, lock=True)
            reader = _Reader(conn)
            pending: dict[tuple[int, int], bytes] = {}

            def node(level: int, i: int) -> bytes:
                return pending.get((level, i)) or reader.node(level, i)

            rows = []
            for offset, leaf in enumerate(leaf_hashes):
                for lv, i, h in completed_nodes(index + offset, leaf, node):
                    pending[(lv, i)] = h
                    rows.append({"level": lv, "idx": i, "hash": h})
            conn.execute(insert(_nodes), rows)
            conn.execute(update(_meta).where(_meta.c.id == 1).values(size=index + len(leaf_hashes)))

    def entry(self, index: int) -> bytes:
        with self.engine.connect() as conn:
            row = conn.execute(select(_entries.c.entry).where(_entries.c.idx == index)).first()
        if row is None:
            raise InvalidArgumentError(f"entry {index}: not in the log")
        return bytes(row[0])

    def entries(self, start: int, end: int) -> list[bytes]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(_entries.c.entry)
                .where(_entries.c.idx >= start, _entries.c.idx < end)
                .order_by(_entries.c.idx)
            ).all()
        return [bytes(r[0]) for r in rows]

    def leaf_hash(self, index: int) -> bytes:
        return self.node(0, index)

    def node(self, level: int, index: int) -> bytes:
        with self.engine.connect() as conn:
            return _Reader(conn).node(level, index)

    def root(self, size: int | None = None) -> bytes:
        with self.engine.connect() as conn:
            current = self._size(conn)
            size = current if size is None else size
            if not 0 <= size <= current:
                raise InvalidArgumentError(f"root: size {size} beyond the log ({current})")
            return EMPTY_ROOT if size == 0 else subtree_root(_Reader(conn), 0, size)

    def save_checkpoint(self, size: int, note: bytes) -> None:
        try:
            with self._write() as conn:
                existing = conn.execute(
                    select(_checkpoints.c.note).where(_checkpoints.c.size == size)
                ).first()
                if existing is None:
                    conn.execute(insert(_checkpoints).values(size=size, note=note))
                else:
                    conn.execute(
                        update(_checkpoints).where(_checkpoints.c.size == size).values(note=note)
                    )
        except SQLAlchemyError as exc:
            raise StoreError(f"store: checkpoint failed ({exc.__class__.__name__})") from None

    def latest_checkpoint(self) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(_checkpoints.c.note).order_by(_checkpoints.c.size.desc()).limit(1)
            ).first()
        return None if row is None else bytes(row[0])

    def close(self) -> None:
        self.engine.dispose()
