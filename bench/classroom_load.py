"""A classroom at once: N browser sessions against one ``streamlit run app.py`` on loopback.

``python -m bench.classroom_load --sessions 20 --seconds 60`` starts the app on a free port of
127.0.0.1 (never another address), opens Debian's Chromium (``/usr/bin/chromium``; nothing is
downloaded) and runs, on that one server:

1. *warm-up*: one session visits every page once (imports, first model calls; not measured);
2. *single*: one simulated student for ``--seconds`` (the baseline);
3. *class*: ``--sessions`` students, each in its own browser context of one Chromium (not one
   browser each; 1100x700 viewport), open the app at once (the *ramp*), then all work for
   ``--seconds`` from the moment the last one has loaded;

then, on a fresh server, 4. *reruns*: one session moves a slider ``--warmup-reruns`` times (every
cache fills to its bound) and ``--reruns`` times more, each time to a scenario never seen before, the
server's memory read every 50 reruns (see :func:`sweep`).

A student loops until the phase's time is up: think for ``--think`` seconds (uniform), then act.
Every student follows the same round of the pages, in the order of the top navigation (Explore,
Compare, Catalogue, Classroom, Sources), starting at its own page (student i at page i mod 5, loaded
by its link), so that one student alone and a class make the same mix of actions: on each page,
three input changes (on Classroom, the first one switches on the teacher view, so that the answers,
which follow the rate, show; on Sources, where nothing follows the rate, none), then a click on the
next page's link. An input change is ArrowRight or ArrowLeft on the sidebar's rate slider: a random
walk in a band of 0.010 USD/MB of the student's own, so students do not share each other's cached
results and the single student's band is fresh too.

Two latencies per action:

* *server*: in the server process, from a rerun request arriving (``AppSession.handle_backmsg``) to
  the run's "script finished" message written to the websocket after every element of the page
  (``Runtime._send_message``; time stamps written to the server's log by a small wrapper around
  ``streamlit run``; the app is not changed). A request that a newer one cuts short counts until the
  run that answers it. This is the server's share, the figure to compare between one student and a
  class. (Sending is a good part of it: one event loop serializes every session's ~100 messages a
  run, while the script itself may take a few tens of ms.)
* *browser*: in the page, from the key press or click (``performance.now()``) to the run finished
  (``data-test-script-state`` is ``notRunning``) with the expected change in the DOM: the page's
  title for a page switch; for an input, the text the server sent (title, metrics, markdown: a
  metric, the verdict, an album price, an answer). Plotly's redraw after the run is not included.
  On this machine every student's page draws on the server's cores, so with many students this
  mostly measures the load generator; in a classroom each browser has a machine of its own.

For the same reason Chromium's renderers (and its autogroup, under Linux's autogroup scheduler)
run at nice ``--client-nice`` (19 by default): the server keeps the CPU it would have on a
machine of its own, the students' pages get what is left. (With ``--client-nice 0`` on 2 cores,
20 pages starved the server: 0.48 cores for it on a fully busy machine, server p95 4.9 s against
0.9-1.4 s at nice 19.)

Errors: an ``stException`` or ``st.error`` element, Streamlit's connection status badge, a
websocket closed while the session was open, an uncaught page error, an action not finished
within ``--action-timeout``, and every Python traceback in the server's log. A session with an
error reloads the page (a new Streamlit session) and goes on; the server's log is then kept.

Server memory: resident set (``VmRSS`` of ``/proc/<pid>/status``) of the streamlit process and
any children, read every 0.5 s; CPU from ``/proc/<pid>/stat`` (the server, the load generator:
Chromium, Playwright's driver and this script) and ``/proc/stat`` (the whole machine; the rest is
other processes), to tell a saturated machine from slow app code. Linux only.

Bounded: every action times out, every phase has a hard wall-clock limit, the rerun series has a
count and a time limit. Importable: :func:`run_classroom` and :func:`run_reruns` return plain
dataclasses (used by ``bench/bench_load.py`` and ``tests/e2e/test_load.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
RATE = "pricing.rate_usd_per_mb"
#: Every student's rate walks in its own band of this width [USD/MB] (3 slider steps: 20 bands fit
#: between the presets' rates and the slider's top).
BAND_USD = 0.003
#: Lowest band's start and the slider's top [USD/MB] (the bands wrap around below the top; the rate's
#: slider spans 0.005-0.10, assumptions.yaml ``slider``).
BAND_LO, RATE_MAX = 0.040, 0.100
#: A laptop screen wide enough for the top navigation to show every page (at 1100 px the last ones fold
#: into a menu, where a student would open the menu first).
VIEWPORT = {"width": 1400, "height": 900}
TRACEBACK = "Traceback (most recent call last)"
_MB = 1024 * 1024  # RSS is read in KiB; figures are MiB, labelled MB as in `free -m`

sys.path.insert(0, str(ROOT / "tests"))
from e2e.server import (  # noqa: E402
    CHROMIUM_ARGS,
    _stop,
    _wait_for_port,
    chromium_path,
    free_port,
    key_class,
    page_paths,
)

# --- the server, its timings and /proc -----------------------------------------------------------

#: ``python -c`` this, then the arguments of ``streamlit run``: Streamlit, plus one log line per rerun
#: request received and per run finished (CLOCK_MONOTONIC, the clock of ``time.monotonic`` here too).
_TIMED_STREAMLIT = r"""
import sys, time
try:
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.runtime import Runtime
    _handle, _enqueue, _send = AppSession.handle_backmsg, AppSession._enqueue_forward_msg, Runtime._send_message

    def handle_backmsg(self, msg):
        if msg.WhichOneof("type") == "rerun_script":
            page = msg.rerun_script.page_script_hash or "-"
            sys.stderr.write(f"LOADTIMING {self.id} rerun -1 {time.monotonic():.6f} {page}\n")
        return _handle(self, msg)

    def _enqueue_forward_msg(self, msg):
        if msg.WhichOneof("type") == "script_finished":
            sys.stderr.write(f"LOADTIMING {self.id} ran {msg.script_finished} {time.monotonic():.6f}\n")
        return _enqueue(self, msg)

    def _send_message(self, session_info, msg):
        _send(self, session_info, msg)
        if msg.WhichOneof("type") == "script_finished":
            sys.stderr.write(f"LOADTIMING {session_info.session.id} finished {msg.script_finished} "
                             f"{time.monotonic():.6f}\n")

    AppSession.handle_backmsg, AppSession._enqueue_forward_msg = handle_backmsg, _enqueue_forward_msg
    Runtime._send_message = _send_message
except (ImportError, AttributeError) as e:
    sys.stderr.write(f"LOADTIMING unavailable: {e!r}\n")
from streamlit.web.cli import main
sys.argv[0] = "streamlit"
main(prog_name="streamlit")
"""
_TIMING = re.compile(r"LOADTIMING (\S+) (rerun|ran|finished) (-?\d+) (\d+\.\d+)(?: (\S+))?")
_EARLY = 2  # ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


@dataclass
class Server:
    url: str
    pid: int
    log_path: Path
    keep_log: bool = False  # set when something went wrong: the log is then left in place

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def app_server(script: Path = APP, timeout_s: float = 60.0) -> Iterator[Server]:
    """``streamlit run`` on a free port of 127.0.0.1, like tests/e2e/server.py, keeping its pid and log.

    Started through ``_TIMED_STREAMLIT`` (see :func:`server_latencies`), in a session of its own.
    """
    port = free_port()
    cmd = [
        sys.executable, "-c", _TIMED_STREAMLIT, "run", str(script),
        "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
    ]
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-load-{port}.log"
    server = None
    with open(log_path, "w+b") as log:
        proc = subprocess.Popen(cmd, cwd=script.parent, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            try:
                _wait_for_port(port, proc, timeout_s)
            except (RuntimeError, TimeoutError) as e:
                log.seek(0)
                raise RuntimeError(f"{e}\n--- streamlit output ---\n{log.read().decode(errors='replace')}") from e
            server = Server(f"http://127.0.0.1:{port}", proc.pid, log_path)
            yield server
        finally:
            _stop(proc)
    if server is not None and server.keep_log:
        print(f"classroom_load: the server's log is kept in {log_path}", file=sys.stderr)
    else:
        log_path.unlink(missing_ok=True)


def server_runs(log: str, t_from: float = float("-inf"), t_to: float = float("inf")) -> list[tuple[str, float]]:
    """(page script hash, server-side latency [s]) of the rerun requests received between ``t_from`` and
    ``t_to`` (monotonic).

    Each request counts until the next run of its session that finished without being cut short for a
    newer request (so two quick key presses both wait for the run that answers the second).

    >>> server_runs("LOADTIMING a rerun -1 1.0 p\\nLOADTIMING a finished 2 1.2\\nLOADTIMING a rerun -1 1.2 p\\n"
    ...             "LOADTIMING b rerun -1 1.3 q\\nLOADTIMING a finished 0 1.5\\nLOADTIMING b finished 0 1.4\\n")
    [('p', 0.5), ('p', 0.30000000000000004), ('q', 0.09999999999999987)]
    """
    pending: dict[str, list[tuple[str, float]]] = {}
    out = []
    for sid, kind, status, t, page in _TIMING.findall(log):
        t = float(t)
        if kind == "rerun":
            pending.setdefault(sid, []).append((page, t))
        elif kind == "finished" and int(status) != _EARLY:
            out.extend((p, t - t0) for p, t0 in pending.pop(sid, []) if t_from <= t0 <= t_to)
    return out


def server_latencies(log: str, t_from: float = float("-inf"), t_to: float = float("inf")) -> list[float]:
    """The latencies of :func:`server_runs`. [s]"""
    return [lat for _, lat in server_runs(log, t_from, t_to)]


def page_hashes() -> dict[str, str]:
    """Streamlit's page script hash (of the page's URL path) -> page name."""
    from streamlit.util import calc_hash

    return {calc_hash(path): name for name, path in page_paths().items()}


def server_sending(log: str, t_from: float = float("-inf"), t_to: float = float("inf")) -> list[float]:
    """The sending part [s] of each run that ended between ``t_from`` and ``t_to``: from the script's end
    (its "script finished" message queued) to that message written to the websocket after the page's.

    >>> server_sending("LOADTIMING a ran 0 1.0\\nLOADTIMING b ran 0 1.1\\nLOADTIMING a finished 0 1.25\\n")
    [0.25]
    """
    ran: dict[str, float] = {}
    out = []
    for sid, kind, _status, t, _page in _TIMING.findall(log):
        t = float(t)
        if kind == "ran":
            ran[sid] = t
        elif kind == "finished" and sid in ran and t_from <= ran[sid] <= t_to:
            out.append(t - ran.pop(sid))
    return out


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, utime + stime in clock ticks) of every process we can read."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(d)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return out


def _tree(root: int, table: dict[int, tuple[int, int]]) -> set[int]:
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in table and pid not in out:
            out.add(pid)
            todo.extend(kids.get(pid, []))
    return out


def rss_bytes(pids: set[int]) -> int:
    """Sum of VmRSS of the processes (those that exit meanwhile count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                total += next((int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU clock ticks of the whole machine since boot."""
    with open("/proc/stat", encoding="ascii") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


@dataclass
class Sample:
    t: float  # time.monotonic()
    phase: str
    server_rss: int  # bytes
    server_ticks: int
    client_ticks: int  # Chromium, Playwright's driver and this script (everything but the server)
    busy_ticks: int
    total_ticks: int


class Monitor:
    """Reads the server's RSS and everyone's CPU every ``interval_s`` while running.

    With ``client_nice`` > 0 it also lowers the priority of Chromium's renderers and GPU process as
    they appear (every thread, and their autogroup: Linux shares the CPU between autogroups, one per
    session, before threads; the server has a session of its own): in a classroom each browser runs
    on its student's machine, here all of them share the server's cores, and at the same priority 20
    pages drawing charts take the CPU the server needs.
    """

    def __init__(self, server_pid: int, interval_s: float = 0.5, client_nice: int = 0):
        self.server_pid, self.interval_s, self.client_nice = server_pid, interval_s, client_nice
        self.samples: list[Sample] = []
        self.phase = "idle"
        self._task: asyncio.Task | None = None
        self._niced: set[int] = set()
        self._kinds: dict[int, bool] = {}  # pid -> is a renderer or the GPU process

    def _renice(self, pids: set[int]) -> None:
        for pid in pids - {os.getpid()}:
            if pid not in self._kinds:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmd = f.read()
                except OSError:
                    continue
                if b"--type=zygote" in cmd:
                    continue  # a renderer forked from the zygote shows its own type a moment later
                self._kinds[pid] = b"--type=renderer" in cmd or b"--type=gpu-process" in cmd
            if not self._kinds[pid]:
                continue
            try:
                with open(f"/proc/{pid}/autogroup", "r+", encoding="ascii") as f:  # "/autogroup-879 nice 0"
                    if int(f.read().split()[-1]) < self.client_nice:
                        f.seek(0)
                        f.write(str(self.client_nice))
            except (OSError, ValueError, IndexError):
                pass  # no autogroups (kernel option off): the threads' nice level is what counts
            try:
                tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
            except OSError:
                continue
            for tid in tids:
                if tid not in self._niced:
                    try:
                        os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid),
                                                                 self.client_nice))
                    except OSError:
                        pass
                    self._niced.add(tid)

    def sample(self) -> Sample:
        table = _proc_table()
        server = _tree(self.server_pid, table)
        client = _tree(os.getpid(), table) - server
        if self.client_nice > 0:
            self._renice(client)
        busy, total = _machine_ticks()
        s = Sample(time.monotonic(), self.phase, rss_bytes(server),
                   sum(table[p][1] for p in server), sum(table[p][1] for p in client), busy, total)
        self.samples.append(s)
        return s

    async def _loop(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval_s)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def phase_samples(self, phase: str) -> list[Sample]:
        return [s for s in self.samples if s.phase == phase]


def cpu_shares(samples: list[Sample]) -> dict[str, float]:
    """Average CPU use over the samples [cores]: the server, the load generator (Chromium, Playwright,
    this script), everything else on the machine; and the machine's busy share (0-1) of its ``cores``."""
    keys = ("server_cores", "client_cores", "other_cores", "machine_busy", "cores")
    if len(samples) < 2:
        return dict.fromkeys(keys, float("nan"))
    a, b = samples[0], samples[-1]
    hz = os.sysconf("SC_CLK_TCK")
    dt = max(b.t - a.t, 1e-9)
    cores = os.cpu_count() or 1
    busy = (b.busy_ticks - a.busy_ticks) / max(b.total_ticks - a.total_ticks, 1)
    server = (b.server_ticks - a.server_ticks) / hz / dt
    client = (b.client_ticks - a.client_ticks) / hz / dt
    return dict(zip(keys, (server, client, max(busy * cores - server - client, 0.0), busy, cores), strict=True))


# --- one simulated student ----------------------------------------------------------------------


@dataclass
class Action:
    session: int
    kind: str  # load, page, input, teacher
    page: str
    t: float  # time.monotonic() when it ended
    latency_s: float | None  # in the browser: key press or click -> change shown; None when it failed


@dataclass
class Student:
    index: int
    band: tuple[float, float]
    actions: list[Action] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def done(self, kind: str | None = None) -> int:
        """Actions finished without error, first loads aside (of ``kind`` if given)."""
        return sum(a.latency_s is not None and a.kind != "load" and (kind is None or a.kind == kind)
                   for a in self.actions)


def band_of(i: int) -> tuple[float, float]:
    """The rate band [USD/MB] of student ``i`` (0 = the single-session baseline).

    >>> band_of(0), band_of(19), band_of(20)
    ((0.04, 0.043), (0.097, 0.1), (0.04, 0.043))
    """
    n = int(round((RATE_MAX - BAND_LO) / BAND_USD))
    lo = round(BAND_LO + BAND_USD * (i % n), 3)
    return lo, round(lo + BAND_USD, 3)


class _ActionError(Exception):
    pass


#: Text the server sends (not Plotly's, which draws after the run): page title, metrics, markdown.
_SIG = """(mode) => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return '';
  if (mode === 'page') return main.querySelector('h1')?.textContent ?? '';
  return [...main.querySelectorAll('h1, [data-testid="stMetricValue"], [data-testid="stMarkdownContainer"]')]
         .map(e => e.textContent).join('|');
}"""

#: True once the page has shown a title, the script is not running, nothing is loading and the text
#: has not changed for ``ms``: on a first load the page reports ``notRunning`` some seconds before
#: the metrics are drawn, so the state alone is not enough there.
_SETTLED = f"""(ms) => {{
  const sig = ({_SIG})('text');
  const app = document.querySelector('[data-testid="stApp"]');
  const w = window.__settle ?? (window.__settle = {{sig: null, since: 0}});
  const now = performance.now();
  const busy = !document.querySelector('[data-testid="stMain"] h1')
               || app?.getAttribute('data-test-script-state') !== 'notRunning'
               || document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
  if (busy || sig !== w.sig) {{ w.sig = sig; w.since = now; return false; }}
  return now - w.since >= ms;
}}"""
SETTLE_MS = 1000

#: Armed before each action. t0 = the first key press or pointer press after arming; end = the first
#: DOM change after which the script is not running and the text differs from before (the frontend
#: clears the old page at once on a page switch, so an empty title does not count; React may batch
#: running -> notRunning into no DOM change at all, so the changed text is what shows the server ran).
_ARM = f"""(mode) => {{
  window.__loadAbort?.abort();
  const ctl = new AbortController();
  window.__loadAbort = ctl;
  const sig = () => ({_SIG})(mode);
  const app = document.querySelector('[data-testid="stApp"]');
  const b = {{before: sig(), t0: null, end: null}};
  window.__load = b;
  const start = () => {{ if (b.t0 === null) b.t0 = performance.now(); }};
  document.addEventListener('keydown', start, {{capture: true, once: true, signal: ctl.signal}});
  document.addEventListener('pointerdown', start, {{capture: true, once: true, signal: ctl.signal}});
  const obs = new MutationObserver(() => {{
    if (b.t0 === null || b.end !== null) return;
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return;
    const now = sig();
    if (now !== b.before && (mode !== 'page' || now !== '')) {{
      b.end = performance.now();
      obs.disconnect();
    }}
  }});
  obs.observe(document.body, {{subtree: true, childList: true, characterData: true, attributes: true,
                              attributeFilter: ['data-test-script-state']}});
  ctl.signal.addEventListener('abort', () => obs.disconnect());
}}"""

#: Texts of everything on the page that counts as an error.
_ERRORS = """() => [...document.querySelectorAll(
  '[data-testid="stException"], [data-testid="stAlertContentError"], [data-testid="stConnectionStatus"]')]
  .map(e => `${e.dataset.testid}: ${e.textContent.trim().slice(0, 300)}`)"""


async def _wait_ready(page, timeout_ms: float) -> None:
    """Wait until the page has settled (see ``_SETTLED``)."""
    await page.evaluate("() => { window.__settle = null; }")
    await page.wait_for_function(_SETTLED, arg=SETTLE_MS, polling=100, timeout=timeout_ms)


async def _timed(page, mode: str, act, timeout_ms: float) -> float:
    """Arm, act, wait for the change; the latency in the page [s]."""
    await page.evaluate(_ARM, mode)
    w0 = time.perf_counter()
    await act()
    await page.wait_for_function("() => window.__load.end !== null", polling=50, timeout=timeout_ms)
    b = await page.evaluate("() => window.__load")
    return time.perf_counter() - w0 if b["t0"] is None else (b["end"] - b["t0"]) / 1e3


class _Start:
    """The class starts together: the working time runs from the moment every student has loaded."""

    def __init__(self, n: int, seconds: float, on_start=None):
        self.n, self.seconds, self.on_start = n, seconds, on_start
        self.loaded = 0
        self.event = asyncio.Event()
        self.t0 = self.deadline = float("inf")

    def arrived(self) -> None:
        self.loaded += 1
        if self.loaded == self.n:
            self.t0 = time.monotonic()
            self.deadline = self.t0 + self.seconds
            if self.on_start:
                self.on_start()
            self.event.set()


#: The round every student makes: pages in the order of the top navigation, and input changes on each.
#: The Live class page shows nothing that the rate moves (its join form), so students only visit it.
ROUND = (("explore", 3), ("compare", 3), ("catalogue", 3), ("classroom", 3), ("live", 0), ("sources", 0))


def student_round(paths: dict[str, str]) -> list[tuple[str, int]]:
    """``ROUND`` restricted to the app's pages, then any other page with three inputs."""
    known = [(p, n) for p, n in ROUND if p in paths]
    return known + [(p, 3) for p in paths if p not in dict(ROUND)]


async def run_student(browser, url: str, st: Student, start: _Start, *, seed: int, think: tuple[float, float],
                      action_timeout_s: float, load_timeout_s: float, min_actions: int = 0) -> None:
    """One student: load its first page, wait for the others, go round the pages until the deadline and
    ``min_actions`` done (see the module's docstring). Fills ``st``; app errors are counted, not raised.
    """
    rng = random.Random(seed)
    paths = page_paths()  # page name -> url path
    pages = student_round(paths)
    at = st.index % len(pages)  # position in the round
    inputs_here = 0
    rate = st.band[0]
    closing = False
    ctx = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await ctx.new_page()

        def ws_opened(ws) -> None:
            ws.on("close", lambda _ws: None if closing else st.errors.append(
                f"websocket closed at t={time.monotonic():.1f}: {_ws.url}"))

        page.on("websocket", ws_opened)
        page.on("pageerror", lambda e: st.errors.append(f"page error: {str(e)[:300]}"))

        async def load() -> None:
            nonlocal closing, inputs_here
            closing = True  # a reload closes the old websocket on purpose
            w0 = time.perf_counter()
            await page.goto(f"{url}/{paths[pages[at][0]]}?{RATE}={rate:.3f}", timeout=load_timeout_s * 1e3)
            closing = False
            await _wait_ready(page, load_timeout_s * 1e3)
            inputs_here = 0
            took = time.perf_counter() - w0 - SETTLE_MS / 1e3  # until the last change
            st.actions.append(Action(st.index, "load", pages[at][0], time.monotonic(), took))

        try:
            await load()
        except Exception as e:  # noqa: BLE001 - a failed first load is this student's error, not the run's
            st.errors.append(f"first load failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
            st.actions.append(Action(st.index, "load", pages[at][0], time.monotonic(), None))
            return
        finally:
            start.arrived()
        await start.event.wait()
        slider = page.locator(f".{key_class(RATE)}").get_by_role("slider")
        teacher = f".{key_class('classroom_teacher')}"
        timeout_ms = action_timeout_s * 1e3
        while time.monotonic() + think[0] < start.deadline or st.done() < min_actions:
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= start.deadline and st.done() >= min_actions:
                break
            current, n_inputs = pages[at]
            kind, target = "input", current
            try:
                if inputs_here >= n_inputs:
                    kind, target = "page", pages[(at + 1) % len(pages)][0]
                    link = page.locator(f'a[data-testid="stTopNavLink"][href="{url}/{paths[target]}"]')
                    lat = await _timed(page, "page", link.click, timeout_ms)
                    at, inputs_here = (at + 1) % len(pages), 0
                elif current == "classroom" and not await page.locator(f"{teacher} input").is_checked():
                    kind = "teacher"
                    lat = await _timed(page, "text", page.locator(f"{teacher} label").click, timeout_ms)
                    inputs_here += 1
                else:
                    lo, hi = st.band
                    up = rate < lo + 1e-9 or (rate < hi - 1e-9 and rng.random() < 0.5)
                    key = "ArrowRight" if up else "ArrowLeft"
                    lat = await _timed(page, "text", lambda key=key: slider.press(key), timeout_ms)
                    shown = await slider.get_attribute("aria-valuetext")
                    want = round(rate + (0.001 if up else -0.001), 3)
                    if shown is None or abs(float(shown) - want) > 1e-9:
                        raise _ActionError(f"slider shows {shown}, expected {want:.3f}")
                    rate = want
                    inputs_here += 1
                found = await page.evaluate(_ERRORS)
                if found:
                    raise _ActionError("; ".join(found))
                st.actions.append(Action(st.index, kind, target, time.monotonic(), lat))
            except Exception as e:  # noqa: BLE001 - every failure is counted, then the session recovers
                msg = str(e).splitlines()[0][:300] if str(e) else ""
                st.errors.append(f"{kind} on {target}: {type(e).__name__}: {msg}")
                st.actions.append(Action(st.index, kind, target, time.monotonic(), None))
                if time.monotonic() >= start.deadline:
                    break
                try:
                    rate = st.band[0]
                    await load()
                except Exception as e2:  # noqa: BLE001
                    st.errors.append(f"reload failed: {type(e2).__name__}: {str(e2).splitlines()[0][:200]}")
                    return
    finally:
        closing = True
        await ctx.close()


# --- phases ---------------------------------------------------------------------------------------


def pct(xs: list[float], q: float) -> float:
    """The q-th percentile (linear interpolation, as numpy's default); NaN for no data.

    >>> pct([1, 2, 3, 4], 50), pct([], 95)
    (2.5, nan)
    """
    if not xs:
        return float("nan")
    v = sorted(xs)
    k = (len(v) - 1) * q / 100
    i = int(k)
    return v[i] if i + 1 >= len(v) else v[i] + (v[i + 1] - v[i]) * (k - i)


@dataclass
class Phase:
    name: str
    sessions: int
    seconds: float  # of work, from the moment every student had loaded
    students: list[Student]
    server_s: list[float]  # server-side latencies of the requests received while working
    server_send_s: list[float]  # their sending part (script done -> last message written)
    server_by_page: dict[str, list[float]]  # the server-side latencies by page
    server_ramp_s: list[float]  # the same during the ramp (mostly first runs)
    server_errors: list[str]  # tracebacks in the server log during the phase
    rss_before: int  # before the first student loaded
    rss_peak: int  # during the ramp and the work
    rss_end: int  # at the end of the work, every session still open
    rss_after: int  # a few seconds after the sessions closed
    cpu: dict[str, float]  # while working
    ramp_s: float  # from the first student's arrival to the last one's page settled
    wall_s: float

    def browser_s(self, kind: str | None = None) -> list[float]:
        """Latencies in the browser [s] (of ``kind``; by default every action but the first loads)."""
        return [a.latency_s for s in self.students for a in s.actions
                if a.latency_s is not None and (a.kind == kind if kind else a.kind != "load")]

    @property
    def errors(self) -> list[str]:
        return [f"session {s.index}: {e}" for s in self.students for e in s.errors] + self.server_errors

    def summary(self) -> dict:
        lat, srv, loads = self.browser_s(), self.server_s, self.browser_s("load")
        kinds = sorted({a.kind for s in self.students for a in s.actions} - {"load"})
        return {
            "phase": self.name, "sessions": self.sessions, "seconds": self.seconds,
            "ramp_s": round(self.ramp_s, 1), "wall_s": round(self.wall_s, 1),
            "actions": len(lat), "actions_per_s": len(lat) / self.seconds, "errors": len(self.errors),
            "actions_per_session_min": min((s.done() for s in self.students), default=0),
            "server_n": len(srv), "server_p50_s": pct(srv, 50), "server_p95_s": pct(srv, 95),
            "server_max_s": max(srv, default=float("nan")),
            "server_send_p50_s": pct(self.server_send_s, 50), "server_send_p95_s": pct(self.server_send_s, 95),
            "server_by_page": {k: {"n": len(v), "p50_s": pct(v, 50), "p95_s": pct(v, 95)}
                               for k, v in sorted(self.server_by_page.items())},
            "browser_p50_s": pct(lat, 50), "browser_p95_s": pct(lat, 95), "browser_max_s": max(lat, default=float("nan")),
            "browser_by_kind": {k: {"n": len(v), "p50_s": pct(v, 50), "p95_s": pct(v, 95)}
                                for k in kinds for v in [self.browser_s(k)]},
            "first_load_browser_p50_s": pct(loads, 50), "first_load_browser_max_s": max(loads, default=float("nan")),
            "ramp_server_p50_s": pct(self.server_ramp_s, 50),
            "ramp_server_max_s": max(self.server_ramp_s, default=float("nan")),
            "rss_before_mb": self.rss_before / _MB, "rss_peak_mb": self.rss_peak / _MB,
            "rss_end_mb": self.rss_end / _MB, "rss_after_mb": self.rss_after / _MB,
            **{k: round(v, 2) for k, v in self.cpu.items()},
            "error_list": self.errors[:20],
        }


def _new_tracebacks(text: str, offset: int) -> list[str]:
    new = text[offset:]
    out = []
    for m in re.finditer(re.escape(TRACEBACK), new):
        block = new[m.start():m.start() + 2000].splitlines()
        last = next((ln for ln in block[1:] if ln and not ln.startswith((" ", "\t"))), block[0])
        out.append(f"server traceback: {last.strip()[:300]}")
    return out


async def _phase(name: str, browser, server: Server, monitor: Monitor, indices: list[int], seconds: float, *,
                 seed: int, think: tuple[float, float], action_timeout_s: float, load_timeout_s: float,
                 min_actions: int) -> Phase:
    """Every student loads the app at once (the ramp); then all work for ``seconds``."""
    log_offset = len(server.log_text())
    before = monitor.sample().server_rss
    monitor.phase = f"{name}:ramp"
    loop = asyncio.get_running_loop()

    def working() -> None:
        monitor.phase = name
        loop.call_later(seconds, lambda: setattr(monitor, "phase", f"{name}:closing"))

    start = _Start(len(indices), seconds, on_start=working)
    t0 = time.monotonic()
    students = [Student(i, band_of(i)) for i in indices]
    # Students stop starting actions at the deadline; loads, actions and closing are bounded too.
    hard = seconds + 2 * load_timeout_s + (action_timeout_s + think[1]) * (2 + min_actions) + 30
    tasks = [run_student(browser, server.url, st, start, seed=seed * 1000 + st.index, think=think,
                         action_timeout_s=action_timeout_s, load_timeout_s=load_timeout_s, min_actions=min_actions)
             for st in students]
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=hard)
    except TimeoutError:
        students[0].errors.append(f"phase {name} exceeded its hard limit of {hard:.0f} s")
    wall = time.monotonic() - t0
    during = [x for x in monitor.samples if x.phase in (f"{name}:ramp", name, f"{name}:closing")]
    work = monitor.phase_samples(name)
    end = work[-1].server_rss if work else before
    peak = max([x.server_rss for x in during] + [before])
    monitor.phase = f"{name}:after"
    await asyncio.sleep(3)
    after = monitor.sample().server_rss
    log = server.log_text()[log_offset:]
    server_errors = _new_tracebacks(log, 0)
    if server_errors or any(st.errors for st in students):
        server.keep_log = True
    runs, pages = server_runs(log, start.t0, start.deadline), page_hashes()
    by_page: dict[str, list[float]] = {}
    for h, lat in runs:
        by_page.setdefault(pages.get(h, h[:8]), []).append(lat)
    return Phase(name, len(indices), seconds, students,
                 [lat for _, lat in runs], server_sending(log, start.t0, start.deadline), by_page,
                 server_latencies(log, t0, start.t0), server_errors,
                 before, peak, end, after, cpu_shares(work), (start.t0 - t0) if start.event.is_set() else wall, wall)


@dataclass
class ClassroomReport:
    single: Phase | None  # None when skipped
    load: Phase
    samples: list[Sample]

    @property
    def errors(self) -> list[str]:
        return (self.single.errors if self.single else []) + self.load.errors

    def _ratio(self, key: str) -> float:
        if self.single is None:
            return float("nan")
        return self.load.summary()[key] / self.single.summary()[key]

    @property
    def p95_ratio(self) -> float:
        """Server-side p95 with the class over the single student's (NaN without the single phase)."""
        return self._ratio("server_p95_s")

    @property
    def browser_p95_ratio(self) -> float:
        """The same in the browser (the pages drawing on this machine's cores included)."""
        return self._ratio("browser_p95_s")

    @property
    def mb_per_session(self) -> float:
        """(Peak server RSS during the class - RSS before it) / students. [MB]"""
        return (self.load.rss_peak - self.load.rss_before) / _MB / max(self.load.sessions, 1)

    def as_dict(self) -> dict:
        return {"single": self.single.summary() if self.single else None, "load": self.load.summary(),
                "errors": len(self.errors), "p95_ratio": self.p95_ratio, "browser_p95_ratio": self.browser_p95_ratio,
                "mb_per_session": self.mb_per_session}


async def _launch(pw, chromium: str):
    return await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)


def _chromium() -> str:
    chromium = chromium_path()
    if chromium is None:
        raise RuntimeError("no Chromium at /usr/bin/chromium or on PATH (apt-get install -y chromium)")
    return chromium


async def _warm_up(browser, server: Server, timeout_s: float) -> None:
    """Visit every page once in one session (imports, first model calls, the built-in catalogue)."""
    ctx = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await ctx.new_page()
        await page.goto(server.url, timeout=timeout_s * 1e3)
        await _wait_ready(page, timeout_s * 1e3)
        for path in page_paths().values():
            if urlsplit(page.url).path == f"/{path}":  # the root opens Explore: its link would change nothing
                continue
            link = page.locator(f'a[data-testid="stTopNavLink"][href="{server.url}/{path}"]')
            await _timed(page, "page", link.click, timeout_s * 1e3)
            await _wait_ready(page, timeout_s * 1e3)
    finally:
        await ctx.close()


async def _classroom(sessions: int, seconds: float, single_seconds: float, seed: int, think: tuple[float, float],
                     action_timeout_s: float, load_timeout_s: float, min_actions: int,
                     client_nice: int) -> ClassroomReport:
    from playwright.async_api import async_playwright

    chromium = _chromium()
    with app_server() as server:
        async with async_playwright() as pw:
            browser = await _launch(pw, chromium)
            monitor = Monitor(server.pid, client_nice=client_nice)
            monitor.start()
            try:
                await _warm_up(browser, server, load_timeout_s)
                opts = {"seed": seed, "think": think, "action_timeout_s": action_timeout_s,
                        "load_timeout_s": load_timeout_s, "min_actions": min_actions}
                single = None
                if single_seconds > 0:
                    single = await _phase("single", browser, server, monitor, [0], single_seconds, **opts)
                load = await _phase("load", browser, server, monitor, list(range(1, sessions + 1)), seconds, **opts)
            finally:
                await monitor.stop()
                await browser.close()
    return ClassroomReport(single, load, monitor.samples)


def run_classroom(sessions: int = 20, seconds: float = 60.0, *, single_seconds: float | None = None, seed: int = 2006,
                  think: tuple[float, float] = (0.5, 2.0), action_timeout_s: float = 60.0,
                  load_timeout_s: float = 300.0, min_actions: int = 0, client_nice: int = 19) -> ClassroomReport:
    """Warm-up, one student for ``single_seconds`` (default ``seconds``; 0 skips), then ``sessions`` at once.

    Each student stops at the phase's end, or once it has finished ``min_actions`` actions (besides its
    first load) if that comes later (so a slow machine still shows every student making progress).
    Chromium's renderers run at nice ``client_nice`` (0: as they are); see :class:`Monitor`.
    """
    return asyncio.run(_classroom(sessions, seconds, seconds if single_seconds is None else single_seconds, seed,
                                  think, action_timeout_s, load_timeout_s, min_actions, client_nice))


# --- one session, many reruns ---------------------------------------------------------------------


@dataclass
class RerunReport:
    warmup: int
    reruns: int  # measured reruns actually made (fewer if the time limit struck)
    rss: list[tuple[int, int]]  # (measured reruns so far, server RSS bytes), every `every` reruns
    latencies: list[float]  # in the browser [s]
    server_s: list[float]  # in the server [s]
    errors: list[str]
    wall_s: float

    @property
    def growth_mb(self) -> float:
        """RSS after the last measured rerun minus RSS after the warm-up. [MB]"""
        return (self.rss[-1][1] - self.rss[0][1]) / _MB if len(self.rss) > 1 else float("nan")

    @property
    def slope_mb_per_100(self) -> float:
        """Least-squares slope of RSS against reruns, per 100 reruns. [MB]"""
        if len(self.rss) < 2:
            return float("nan")
        xs = [x for x, _ in self.rss]
        ys = [y / _MB for _, y in self.rss]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        return 100 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else float("nan")

    def as_dict(self) -> dict:
        return {"warmup": self.warmup, "reruns": self.reruns, "growth_mb": self.growth_mb,
                "slope_mb_per_100_reruns": self.slope_mb_per_100, "rss_mb": [(n, b / _MB) for n, b in self.rss],
                "browser_p50_s": pct(self.latencies, 50), "browser_p95_s": pct(self.latencies, 95),
                "server_p50_s": pct(self.server_s, 50), "server_p95_s": pct(self.server_s, 95),
                "errors": self.errors[:20], "wall_s": round(self.wall_s, 1)}


#: The second input of the sweep (in the sidebar's one group open at start, as the rate).
DISCOUNT = "pricing.discount_share"


def sweep(warmup: int, reruns: int, width: int = 200) -> list[tuple[str, str]]:
    """(input, key) presses: the rate up ``width`` steps, then one step more discount, the rate down
    ``width`` steps, one more step of discount, up... so that no scenario comes twice.

    ``width`` is more than any cache's ``max_entries``: the first pass (the warm-up) fills every cache
    to its bound, and every later rerun is a scenario never seen, so a bounded cache drops an entry
    for each one it adds while an unbounded one grows.

    >>> sweep(2, 4, width=2)
    [('pricing.rate_usd_per_mb', 'ArrowRight'), ('pricing.rate_usd_per_mb', 'ArrowRight'), ('pricing.discount_share', 'ArrowRight'), ('pricing.rate_usd_per_mb', 'ArrowLeft'), ('pricing.rate_usd_per_mb', 'ArrowLeft'), ('pricing.discount_share', 'ArrowRight')]
    """
    out, pos, up = [], 0, True
    while len(out) < warmup + reruns:
        if (up and pos == width) or (not up and pos == 0):
            up = not up
            out.append((DISCOUNT, "ArrowRight"))
            continue
        out.append((RATE, "ArrowRight" if up else "ArrowLeft"))
        pos += 1 if up else -1
    return out


async def _reruns(warmup: int, reruns: int, every: int, max_seconds: float, action_timeout_s: float,
                  app: Path) -> RerunReport:
    from playwright.async_api import async_playwright

    chromium = _chromium()
    errors: list[str] = []
    rss: list[tuple[int, int]] = []
    lat: list[float] = []
    lo = 0.030
    presses = sweep(warmup, reruns, width=200)
    t0 = time.monotonic()
    done = 0
    with app_server(app) as server:
        async with async_playwright() as pw:
            browser = await _launch(pw, chromium)
            try:
                ctx = await browser.new_context(viewport=VIEWPORT)
                page = await ctx.new_page()
                page.on("pageerror", lambda e: errors.append(f"page error: {str(e)[:300]}"))
                await page.goto(f"{server.url}/?{RATE}={lo:.3f}", timeout=action_timeout_s * 1e3)
                await _wait_ready(page, action_timeout_s * 1e3)
                sliders = {k: page.locator(f".{key_class(k)}").get_by_role("slider") for k in (RATE, DISCOUNT)}
                t_measure = float("inf")
                for i, (name, key) in enumerate(presses):
                    if time.monotonic() - t0 > max_seconds:
                        errors.append(f"time limit of {max_seconds:.0f} s reached after {done} measured reruns")
                        break
                    try:
                        latency = await _timed(page, "text", lambda s=sliders[name], k=key: s.press(k),
                                               action_timeout_s * 1e3)
                    except Exception as e:  # noqa: BLE001
                        errors.append(f"rerun {i}: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
                        break
                    found = await page.evaluate(_ERRORS)
                    if found:
                        errors.append(f"rerun {i}: " + "; ".join(found))
                        break
                    if i >= warmup:
                        lat.append(latency)
                        done += 1
                    if i + 1 == warmup or (i >= warmup and done % every == 0):
                        rss.append((done, rss_bytes(_tree(server.pid, _proc_table()))))
                        t_measure = min(t_measure, time.monotonic())
                await ctx.close()
            finally:
                await browser.close()
        log = server.log_text()
        errors.extend(_new_tracebacks(log, 0))
        server.keep_log = bool(errors)
    return RerunReport(warmup, done, rss, lat, server_latencies(log, t_measure), errors, time.monotonic() - t0)


def run_reruns(warmup: int = 200, reruns: int = 500, *, every: int = 50, max_seconds: float = 1200.0,
               action_timeout_s: float = 60.0, app: Path = APP) -> RerunReport:
    """On a fresh server: ``warmup`` reruns of one session, then ``reruns`` more, every one a new scenario
    (see :func:`sweep`; the rate from 0.030 USD/MB); the server's RSS after the warm-up and every ``every``."""
    return asyncio.run(_reruns(warmup, reruns, every, max_seconds, action_timeout_s, app))


# --- command line --------------------------------------------------------------------------------


def _fmt_phase(d: dict) -> str:
    kinds = ", ".join(f"{k} {v['n']} (p50 {v['p50_s']:.2f} s, p95 {v['p95_s']:.2f} s)"
                      for k, v in d["browser_by_kind"].items())
    return (f"{d['phase']}: {d['sessions']} session(s); ramp {d['ramp_s']:.0f} s (first loads at once: in the "
            f"browser p50 {d['first_load_browser_p50_s']:.1f} s, max {d['first_load_browser_max_s']:.1f} s; in the "
            f"server p50 {d['ramp_server_p50_s']:.2f} s, max {d['ramp_server_max_s']:.2f} s); then {d['seconds']:g} s:\n"
            f"  {d['actions']} actions ({d['actions_per_s']:.2f}/s, fewest per session "
            f"{d['actions_per_session_min']}), {d['errors']} errors\n"
            f"  latency in the server (request received -> run finished), {d['server_n']} runs: "
            f"p50 {d['server_p50_s']:.2f} s, p95 {d['server_p95_s']:.2f} s, max {d['server_max_s']:.2f} s; of which "
            f"sending the page after the script's end p50 {d['server_send_p50_s']:.2f} s, "
            f"p95 {d['server_send_p95_s']:.2f} s\n"
            f"  in the server by page: " + ", ".join(f"{k} {v['n']} (p50 {v['p50_s']:.2f} s, p95 {v['p95_s']:.2f} s)"
                                                  for k, v in d["server_by_page"].items()) + "\n"
            f"  latency in the browser (key press or click -> change shown): p50 {d['browser_p50_s']:.2f} s, "
            f"p95 {d['browser_p95_s']:.2f} s, max {d['browser_max_s']:.2f} s; by kind: {kinds}\n"
            f"  server RSS {d['rss_before_mb']:.0f} MB before, {d['rss_peak_mb']:.0f} peak, {d['rss_end_mb']:.0f} "
            f"at the end, {d['rss_after_mb']:.0f} after closing\n"
            f"  CPU while working [cores]: server {d['server_cores']:.2f}, load generator (Chromium, Playwright, "
            f"this script) {d['client_cores']:.2f}, other processes {d['other_cores']:.2f}; machine "
            f"{d['machine_busy']:.0%} busy of {d['cores']:g} cores")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.classroom_load", description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=20, help="students at once (default 20)")
    p.add_argument("--seconds", type=float, default=60.0, help="working time of the single and the class phase [s]")
    p.add_argument("--single-seconds", type=float, help="working time of the single student [s] (default --seconds)")
    p.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"),
                   help="think time between a student's actions, uniform [s] (default 0.5 2.0)")
    p.add_argument("--reruns", type=int, default=500, help="measured reruns of one session; 0 skips them (default 500)")
    p.add_argument("--warmup-reruns", type=int, default=200, help="reruns before measuring (default 200)")
    p.add_argument("--seed", type=int, default=2006)
    p.add_argument("--action-timeout", type=float, default=60.0, help="an action not done by then is an error [s]")
    p.add_argument("--client-nice", type=int, default=19,
                   help="nice level of Chromium's renderers, so that the server keeps the CPU it would have on a "
                        "machine of its own (0: same priority; default 19)")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = p.parse_args(argv)
    if not 1 <= args.sessions <= 100 or args.seconds <= 0:
        p.error("--sessions must be 1-100 and --seconds positive")
    rep = run_classroom(args.sessions, args.seconds, single_seconds=args.single_seconds, seed=args.seed,
                        think=tuple(args.think), action_timeout_s=args.action_timeout, client_nice=args.client_nice)
    rr = run_reruns(args.warmup_reruns, args.reruns, action_timeout_s=args.action_timeout) if args.reruns > 0 else None
    errors = rep.errors + (rr.errors if rr else [])
    if args.json:
        json.dump({**rep.as_dict(), "reruns": rr.as_dict() if rr else None,
                   "samples": [asdict(s) for s in rep.samples]}, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        d = rep.as_dict()
        if d["single"]:
            print(_fmt_phase(d["single"]))
        print(_fmt_phase(d["load"]))
        print(f"p95 ratio in the server {rep.p95_ratio:.2f} (target <= 3), in the browser "
              f"{rep.browser_p95_ratio:.2f}; server memory growth {rep.mb_per_session:.1f} MB per session "
              f"(target <= 50)")
        if rr:
            r = rr.as_dict()
            print(f"reruns: {r['reruns']} after {r['warmup']} of warm-up: server RSS "
                  + ", ".join(f"{n}: {mb:.0f}" for n, mb in r["rss_mb"])
                  + f" MB; growth {r['growth_mb']:.1f} MB, slope {r['slope_mb_per_100_reruns']:.2f} MB per 100 "
                  f"reruns; latency in the server p50 {r['server_p50_s']:.2f} s, p95 {r['server_p95_s']:.2f} s; "
                  f"in the browser p50 {r['browser_p50_s']:.2f} s, p95 {r['browser_p95_s']:.2f} s")
        print(f"errors: {len(errors)}")
        for e in errors[:20]:
            print(f"  {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
