"""Shared pytest configuration: hypothesis profiles.

``REALDID_HYPOTHESIS_PROFILE=thorough`` runs many more examples (for a
nightly run or before a release); the default keeps the suite quick.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,  # timings on shared machines are noise, never a failure
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=1000)
settings.load_profile(os.environ.get("REALDID_HYPOTHESIS_PROFILE", "default"))
