"""Start a Streamlit app on a free loopback port and stop it again (stdlib only).

Used by the browser tests' conftest, ``scripts/screenshots.py`` and ``bench/bench_app.py``.
Never downloads anything: the browser is Debian's Chromium at ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The repository root (``app.py`` lives here).
ROOT = Path(__file__).resolve().parents[2]
#: Launch options for Playwright's Chromium: the system browser, no sandbox (root in CI), no Google hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str | None:
    """Path of the system Chromium, or None when it is not installed."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def key_class(key: str) -> str:
    """CSS class Streamlit puts on a keyed element's container.

    Streamlit's frontend builds it as ``"st-key-" + key.trim()`` with every character outside
    ``[a-zA-Z0-9_-]`` replaced by ``-`` (so a dot is not kept and need not be escaped).

    >>> key_class("pricing.rate_usd_per_mb")
    'st-key-pricing-rate_usd_per_mb'
    """
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def page_paths() -> dict[str, str]:
    """Page name -> URL path, from the app's navigation (``ui.pages.PAGES``): every page lives at
    ``/<name>`` (the root address redirects to Explore)."""
    from ui.pages import PAGES

    return {p.url_path: p.url_path for p in PAGES}


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before listening on port {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"streamlit did not listen on 127.0.0.1:{port} within {timeout_s:g} s")


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server and its children (it runs in its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextmanager
def streamlit_server(script: str | Path = "app.py", *, cwd: Path = ROOT, timeout_s: float = 60.0) -> Iterator[str]:
    """Run ``python -m streamlit run <script>`` headless on a free loopback port; yield its URL.

    The server's output goes to a temporary log that is printed if it fails to start.
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
    ]
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log"
    with open(log_path, "w+b") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            try:
                _wait_for_port(port, proc, timeout_s)
            except (RuntimeError, TimeoutError) as e:
                log.seek(0)
                raise RuntimeError(f"{e}\n--- streamlit output ---\n{log.read().decode(errors='replace')}") from e
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(proc)
    log_path.unlink(missing_ok=True)
