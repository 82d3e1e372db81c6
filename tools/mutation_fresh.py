"""A pytest plugin for ``make mutation``: empty RealDID's caches before each mutant's run.

mutmut forks every mutant's worker from a process that already ran the clean
suite, so a cache filled there (hash-to-curve of a context id, generators,
range parameters already validated) would answer with the unmutated code's
values and hide the mutant. Emptying them at the start of each session costs
little; the test fixtures' own caches (tools.world) are kept.
"""

from __future__ import annotations

import sys

import pytest

#: Module-level memo tables that are not functools caches.
_STORES = ("_VALIDATED", "_STREAMS")


def pytest_sessionstart(session: pytest.Session) -> None:
    for name, module in list(sys.modules.items()):
        if not name.startswith("realdid.") or module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
        for store_name in _STORES:
            store = vars(module).get(store_name)
            if isinstance(store, set | dict):
                store.clear()
