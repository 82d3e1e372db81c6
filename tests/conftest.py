"""Shared pytest configuration: hypothesis profiles.

``REALDID_HYPOTHESIS_PROFILE=thorough`` runs many more examples (for a
nightly run or before a release); the default keeps the suite quick.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from realdid.authority.population import generate
from realdid.sandbox import Nation, build_nation

settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,  # timings on shared machines are noise, never a failure
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=1000)
settings.load_profile(os.environ.get("REALDID_HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="module")
def nation(tmp_path_factory: pytest.TempPathFactory) -> Nation:
    """A whole deployment on SQLite files, one per test module (about 0.7 s)."""
    root = tmp_path_factory.mktemp("nation")
    return build_nation(lambda name: f"sqlite:///{root / name}.db", generate(8))
