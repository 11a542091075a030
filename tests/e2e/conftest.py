"""Browser-test fixtures: one Streamlit server per session and Debian's Chromium for Playwright.

Nothing here downloads a browser (never run ``playwright install``): Playwright launches
``/usr/bin/chromium``. Every test in this folder is skipped with a reason when it is missing.
"""

from __future__ import annotations

import pytest

from .server import CHROMIUM_ARGS, chromium_path, streamlit_server

CHROMIUM = chromium_path()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium, not a Playwright download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def app_url():
    """URL of ``streamlit run app.py`` on a free loopback port, stopped after the session."""
    if CHROMIUM is None:
        pytest.skip("no Chromium: the app server is not started")
    with streamlit_server() as url:
        yield url
