"""Fresh citizens for party tests: each call registers one nobody else has touched."""

from __future__ import annotations

import datetime
import itertools

from realdid.authority.population import Person, resident_id
from realdid.sandbox import Nation

_SEQUENCE = itertools.count(100)
BORN = datetime.date(1988, 5, 17)  # an adult on every day the tests run


def unregistered() -> Person:
    """A well-formed person who is not in any registry."""
    n = next(_SEQUENCE)
    return Person(resident_id("320102", BORN, n), f"测试{n}", BORN, "MF"[n % 2], "Nanjing")


def new_citizen(nation: Nation) -> Person:
    """A person added to ``nation``'s population registry (not yet enrolled)."""
    person = unregistered()
    nation.authority.registry.add([person])
    return person
