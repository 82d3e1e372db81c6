"""Helpers to show that a refused input changed no stored state: every table of a
database, dumped row by row, before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, MetaData, select


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted(tuple(row) for row in conn.execute(select(table)))
            for name, table in metadata.tables.items()
        }
