"""Fixtures for the fuzz tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def default_recursion_limit() -> Iterator[None]:
    """Python's default limit. ``py_ecc`` (imported with the EVM backend) raises it to
    100,000 for the whole process on import, so a reproducer that recurses past 1000
    levels would pass or fail depending on which tests ran before in this worker."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(before)
