"""Shared test configuration.

Hypothesis runs without a per-example deadline: no test in this suite asserts a time.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.load_profile("default")
