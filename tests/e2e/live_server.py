"""A ``streamlit run app.py`` for the live-class browser tests and benchmark: its own database, a port
that survives a restart, and SIGKILL (stdlib only; loopback only)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .server import ROOT, _stop, _wait_for_port, free_port


@dataclass
class LiveServer:
    """One app server process; :meth:`kill9` and :meth:`start` again on the same port."""

    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> LiveServer:
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
               f"--server.port={self.port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
               "--server.fileWatcherType=none"]
        self.starts += 1
        log = open(self.log_dir / f"streamlit-live-{self.port}-{self.starts}.log", "w+b")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                     env={**os.environ, **self.env})
        try:
            _wait_for_port(self.port, self.proc, timeout_s)
        except (RuntimeError, TimeoutError) as e:
            log.seek(0)
            raise RuntimeError(f"{e}\n--- streamlit output ---\n{log.read().decode(errors='replace')}") from e
        return self

    def kill9(self) -> None:
        """SIGKILL the server and its children: no cleanup, no flush, like a power cut of the process."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc:
            _stop(self.proc)

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob(f"streamlit-live-{self.port}-*.log")))
