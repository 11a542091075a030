"""Shared test configuration.

Hypothesis runs without a per-example deadline: no test in this suite asserts a time.
"""

from __future__ import annotations

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.load_profile("default")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright launches the system Chromium everywhere (tests/e2e and the chart layout test); never a download."""
    from export_checks import CHROMIUM

    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]}
