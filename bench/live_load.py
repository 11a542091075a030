"""A live class at once: N browser students join, answer and reload while the teacher's dashboard is open.

``python -m bench.live_load --students 40`` starts ``streamlit run app.py`` on a free port of 127.0.0.1
(never another address) with a fresh SQLite database in a temporary folder (or the PostgreSQL of
``--database-url``) and makes a class with two live exercises. It starts two of Debian's Chromium
(``/usr/bin/chromium``; nothing is downloaded), each in a session of its own, driven by Playwright
over the DevTools protocol (loopback only): the **teacher's**, which opens the dashboard, and the
**students'**, with one browser context per student. Each student:

1. arrives (one every ``--arrival`` seconds), opens the join link, types a nickname and joins;
2. answers the first exercise (think time first, uniform in ``--think``), waits for "Received";
3. reloads the page (their rejoin link in the address bar brings them back as themselves);
4. answers the second exercise, waits for "Received".

Figures:

* **errors**: a traceback or error element on any page, a lost connection, an action not done in
  ``--action-timeout``, a Python traceback in the server's log;
* **lost submissions**: answers the browser saw acknowledged ("Received") that the database does not
  hold exactly once;
* **submit -> dashboard** [s]: from the press on "Send" (the moment the student's page receives the
  click, on its own clock: the machine's) to the dashboard's "Answers" count reaching that
  submission's rank in the database (the count is read in the teacher's page every 0.1 s;
  submissions are ranked by their id, the order of their commits). Split at the submission's commit
  (its ``submitted_at``). Playwright's click first waits until the button is visible and still; that
  wait is the load generator's and is reported apart, not counted;
* **server memory per student** [MB]: (peak resident set of the server's process tree while the
  students work - before they start) / N;
* **CPU** [cores] of the server, each browser and this script while the students work.

Priorities: in a classroom each student's page draws on the student's own device; here 40 pages
share the server's cores. The students' Chromium therefore runs at nice ``--client-nice`` (19 by
default: its session's scheduler autogroup and every thread), so that it gets only the CPU the
server, the teacher's page and this script leave. The teacher's Chromium runs at the server's
priority, as on a teacher's laptop that serves the class and projects the dashboard. On a machine
already busy with other work the students' pages may starve: use ``--client-nice 0``.

Bounded: every action times out, the run has a hard wall-clock limit, at most 100 students.
Importable: :func:`run_live` returns a :class:`LiveReport`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from e2e.live_server import LiveServer  # noqa: E402
from e2e.server import CHROMIUM_ARGS, chromium_path, free_port  # noqa: E402

from bench.classroom_load import Monitor, _machine_ticks, _new_tracebacks, _proc_table, _tree, pct, rss_bytes  # noqa: E402

EXERCISES = ("per_mb_follows_cost", "lawsuit")
VIEWPORT = {"width": 1000, "height": 800}
_MB = 1024 * 1024
#: How often the dashboard's answer count is read in the teacher's page [s]: the latency's resolution.
POLL_S = 0.1
#: Students arrive this far apart [s] (a room does not join within one millisecond; 40 pages loading
#: the whole app at the same instant on the server's own cores measure the load generator, not the app).
ARRIVAL_S = 0.5
#: Timeout of a student's first page load and join [s]: on a busy machine 40 pages take their time;
#: the figures that matter (answers, latency) have their own, shorter timeout.
LOAD_TIMEOUT_S = 300.0
_ERRORS = """() => [...document.querySelectorAll(
  '[data-testid="stException"], [data-testid="stAlertContentError"], [data-testid="stConnectionStatus"]')]
  .map(e => `${e.dataset.testid}: ${e.textContent.trim().slice(0, 200)}`)"""
#: Records in each student's page when its "Send" button receives the press [ms since the epoch]:
#: Playwright's click first waits until the button is visible and still, which in a starved page
#: (40 of them on the server's cores) takes seconds a student's own device would not.
_PRESS_LISTENER = """window.__pressed = [];
window.addEventListener('click', e => { const b = e.target.closest && e.target.closest('button');
  if (b && b.textContent.trim() === 'Send') window.__pressed.push(performance.timeOrigin + performance.now()); }, true);"""
_ANSWERS = """() => { for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
  const l = m.querySelector('[data-testid="stMetricLabel"]');
  if (l && l.textContent.trim() === 'Answers') return m.querySelector('[data-testid="stMetricValue"]').textContent.trim(); }
  return null; }"""


@dataclass
class LiveReport:
    """What :func:`run_live` measured."""

    students: int
    joined: int = 0
    acked: int = 0
    stored: int = 0
    lost: int = 0
    errors: list[str] = field(default_factory=list)
    #: From the press on "Send" (as the student's page received it) to the dashboard showing the answer.
    latencies_s: list[float] = field(default_factory=list)
    #: The same latency in two parts: press -> the submission's commit in the database (the student's
    #: page, the network, the server's queue) and commit -> the dashboard showing it.
    to_commit_s: list[float] = field(default_factory=list)
    to_dashboard_s: list[float] = field(default_factory=list)
    #: Before the press: Playwright's click waiting for the button to be visible and still (the load
    #: generator's own delay on a machine it shares with the server; not part of the latency).
    click_wait_s: list[float] = field(default_factory=list)
    #: Cores used while the students worked, by group of processes (the server's process tree, each
    #: browser, this script with Playwright's driver), and the whole machine's busy share (1 = all).
    cores: dict[str, float] = field(default_factory=dict)
    machine_busy: float = 0.0
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    seconds: float = 0.0

    @property
    def p95_s(self) -> float:
        return pct(self.latencies_s, 95) if self.latencies_s else float("nan")

    @property
    def p50_s(self) -> float:
        return pct(self.latencies_s, 50) if self.latencies_s else float("nan")

    @property
    def mb_per_student(self) -> float:
        return (self.rss_peak_mb - self.rss_before_mb) / max(self.students, 1)


async def _student(browser, url: str, i: int, rep: LiveReport, clicks: dict[str, float], pressed: dict[str, float],
                   acked: list[str], think: tuple[float, float], arrival_s: float, timeout_ms: float,
                   rng: random.Random) -> None:
    ctx = await browser.new_context(viewport=VIEWPORT)
    await ctx.add_init_script(_PRESS_LISTENER)
    page = await ctx.new_page()
    page.on("pageerror", lambda e: rep.errors.append(f"student {i}: page error {str(e)[:200]}"))
    name = f"student {i:03d}"
    step = "join"
    load_ms = max(timeout_ms, LOAD_TIMEOUT_S * 1e3)
    try:
        await asyncio.sleep(i * arrival_s)
        await page.goto(url, timeout=load_ms)
        await page.locator(".st-key-live_join_nick input").fill(name, timeout=load_ms)
        await page.get_by_role("button", name="Join").click(timeout=load_ms)
        await page.get_by_text(f"You are {name}.").wait_for(timeout=load_ms)
        rep.joined += 1
        for n, ex in enumerate(EXERCISES):
            if n:
                step = "reload"
                await page.reload(timeout=timeout_ms)
                await page.get_by_text(f"You are {name}.").wait_for(timeout=timeout_ms)
            step = f"answer {ex}"
            await asyncio.sleep(rng.uniform(*think))
            value = f"{i}.{n}{rng.randrange(10**6)}"
            box = page.locator(f".st-key-live_student_ex_{ex}")
            await box.locator("input").fill(value, timeout=timeout_ms)
            clicks[value] = time.monotonic()
            await box.get_by_role("button", name="Send").click(timeout=timeout_ms)
            await box.get_by_text(f"Received: {value} ").wait_for(timeout=timeout_ms)
            acked.append(value)
            at = await page.evaluate("window.__pressed.at(-1)")
            if at is not None:
                pressed[value] = at / 1e3
            found = await page.evaluate(_ERRORS)
            if found:
                rep.errors.append(f"student {i} after {step}: " + "; ".join(found))
    except Exception as e:  # noqa: BLE001 - every failure is a counted error, the run goes on
        rep.errors.append(f"student {i} at {step}: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
    finally:
        await ctx.close()


class _CpuTally:
    """CPU used by groups of processes between :meth:`start` and :meth:`stop` [cores], read every
    ``interval_s`` so that processes that end meanwhile (a closed tab's renderer) still count."""

    def __init__(self, groups: dict, interval_s: float = 0.5):
        self.groups, self.interval_s = groups, interval_s
        self.first: dict[str, dict[int, int]] = {}
        self.last: dict[str, dict[int, int]] = {g: {} for g in groups}
        self._task: asyncio.Task | None = None

    def _read(self) -> None:
        table = _proc_table()
        for g, pids in self.groups.items():
            for pid in pids():
                if pid in table:
                    self.last[g][pid] = table[pid][1]

    async def _loop(self, each) -> None:
        while True:
            each()
            self._read()
            await asyncio.sleep(self.interval_s)

    def start(self, each=lambda: None) -> None:
        self._read()
        self.first = {g: dict(v) for g, v in self.last.items()}
        self.t0, self.busy0 = time.monotonic(), _machine_ticks()
        self._task = asyncio.get_running_loop().create_task(self._loop(each))

    async def stop(self) -> tuple[dict[str, float], float]:
        """Return cores used per group, and the machine's busy share (1 = every core busy)."""
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._read()
        tick_s = os.sysconf("SC_CLK_TCK") * (time.monotonic() - self.t0)
        busy1 = _machine_ticks()
        cores = {g: sum(t - self.first[g].get(pid, 0) for pid, t in self.last[g].items()) / tick_s
                 for g in self.groups}
        return cores, (busy1[0] - self.busy0[0]) / max(busy1[1] - self.busy0[1], 1)


class _Chromium:
    """Debian's Chromium in a session of its own, driven over the DevTools protocol.

    Linux shares the CPU between sessions (scheduler autogroups) before it shares it between their
    threads, so a browser in its own session can be given a priority of its own (``nice``, applied to
    its autogroup): the students' browser the lowest, the teacher's that of the server and of this
    script. Launched by Playwright, every browser would share this script's session and priority.
    """

    def __init__(self, nice: int, tmp: Path, name: str):
        self.nice, self.dir, self.name = nice, tmp / f"chromium-{name}", name
        self.proc: subprocess.Popen | None = None

    async def start(self, pw, timeout_s: float = 60.0):
        port = free_port()
        self.proc = subprocess.Popen(
            [chromium_path(), "--headless=new", f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
             f"--user-data-dir={self.dir}", *CHROMIUM_ARGS, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        if self.nice:
            try:
                with open(f"/proc/{self.proc.pid}/autogroup", "w", encoding="ascii") as f:
                    f.write(str(self.nice))
            except OSError:
                pass  # no autogroups (kernel option off): the threads' nice level below is what counts
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                return await pw.chromium.connect_over_cdp(f"http://127.0.0.1:{port}", timeout=5_000)
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"the {self.name}s' Chromium did not start") from None
                await asyncio.sleep(0.2)

    def renice_threads(self) -> None:
        """Give every thread of the browser's processes this browser's nice level (new renderers too)."""
        if not self.nice or not self.proc:
            return
        table = _proc_table()
        for pid in _tree(self.proc.pid, table):
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    os.setpriority(os.PRIO_PROCESS, int(tid), max(os.getpriority(os.PRIO_PROCESS, int(tid)), self.nice))
            except OSError:
                pass

    def pids(self) -> set[int]:
        return _tree(self.proc.pid, _proc_table()) if self.proc else set()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


async def _run(students: int, think: tuple[float, float], timeout_s: float, max_seconds: float,
               database_url: str | None, client_nice: int, arrival_s: float) -> LiveReport:
    from playwright.async_api import async_playwright

    from simulator.live import links, service
    from simulator.live.storage import DATA_DIR_ENV, DATABASE_URL_ENV, Store, Submission

    rep = LiveReport(students)
    t0 = time.monotonic()
    wall_minus_mono = time.time() - t0
    with tempfile.TemporaryDirectory(prefix="allofmp3-live-bench-") as tmp:
        env = {DATA_DIR_ENV: tmp, DATABASE_URL_ENV: database_url or ""}
        store = Store(database_url or f"sqlite:///{Path(tmp) / 'live.sqlite3'}")
        new = service.create_class(store, "Bench class", live=list(EXERCISES))
        server = LiveServer(env=env, log_dir=Path(tmp)).start()
        polls: list[tuple[float, int]] = []
        clicks: dict[str, float] = {}
        pressed: dict[str, float] = {}
        acked: list[str] = []
        before = peak = rss_bytes(_tree(server.proc.pid, _proc_table()))
        students_chromium = _Chromium(client_nice, Path(tmp), "student")
        teacher_chromium = _Chromium(0, Path(tmp), "teacher")
        tally = _CpuTally({"server": lambda: _tree(server.proc.pid, _proc_table()),
                           "teacher's browser": teacher_chromium.pids,
                           "students' browser": students_chromium.pids,
                           "this script and Playwright": lambda: _tree(os.getpid(), _proc_table())
                           - teacher_chromium.pids() - students_chromium.pids() - _tree(server.proc.pid, _proc_table())})
        try:
            async with async_playwright() as pw:
                tbrowser = await teacher_chromium.start(pw)
                browser = await students_chromium.start(pw)
                try:
                    tctx = await tbrowser.new_context(viewport={"width": 1400, "height": 1000})
                    teacher = await tctx.new_page()
                    await teacher.goto(links.teacher_link(server.url, new.code, new.teacher_secret),
                                       timeout=timeout_s * 1e3)
                    await teacher.get_by_text("Join code").wait_for(timeout=timeout_s * 1e3)
                    await asyncio.sleep(2)  # the dashboard's first refreshes
                    before = rss_bytes(_tree(server.proc.pid, _proc_table()))
                    monitor = Monitor(server.proc.pid)  # the server's RSS
                    monitor.start()
                    tally.start(students_chromium.renice_threads)
                    stop = asyncio.Event()

                    async def watch():
                        while not stop.is_set():
                            try:
                                v = await teacher.evaluate(_ANSWERS)
                                if v is not None:
                                    polls.append((time.monotonic(), int(v.replace(",", ""))))
                            except Exception as e:  # noqa: BLE001
                                rep.errors.append(f"dashboard: {type(e).__name__}: {str(e)[:200]}")
                                return
                            await asyncio.sleep(POLL_S)

                    watcher = asyncio.create_task(watch())
                    rng = random.Random(2006)
                    url = links.join_link(server.url, new.code)
                    tasks = [_student(browser, url, i, rep, clicks, pressed, acked, think, arrival_s, timeout_s * 1e3,
                                      random.Random(rng.random())) for i in range(students)]
                    try:
                        await asyncio.wait_for(asyncio.gather(*tasks), timeout=max_seconds)
                    except TimeoutError:
                        rep.errors.append(f"time limit of {max_seconds:.0f} s reached")
                    # Let the dashboard catch up with the last answers (bounded).
                    total = len(acked)
                    deadline = time.monotonic() + 15
                    while time.monotonic() < deadline and not (polls and polls[-1][1] >= total):
                        await asyncio.sleep(POLL_S)
                    stop.set()
                    await watcher
                    await monitor.stop()
                    rep.cores, rep.machine_busy = await tally.stop()
                    peak = max([before, *(x.server_rss for x in monitor.samples)])
                    found = await teacher.evaluate(_ERRORS)
                    if found:
                        rep.errors.append("dashboard: " + "; ".join(found))
                    await tctx.close()
                except Exception as e:  # noqa: BLE001 - the teacher's page failed: an error, not a crash
                    rep.errors.append(f"teacher: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
                finally:
                    for b in (browser, tbrowser):
                        await b.close()
        finally:
            students_chromium.stop()
            teacher_chromium.stop()
            server.stop()
            log = server.log_text()
        rep.errors.extend(_new_tracebacks(log, 0))
        rows = store.read(lambda s: [(r.id, r.answer_text, r.submitted_at)
                                     for r in s.query(Submission).order_by(Submission.id)])
        store.dispose()
    rank = {text: n for n, (_, text, _) in enumerate(rows, start=1)}
    # The database's times are UTC wall-clock; clicks and polls are this process's monotonic clock.
    committed = {text: at.replace(tzinfo=UTC).timestamp() - wall_minus_mono for _, text, at in rows}
    counts = {}
    for _, text, _ in rows:
        counts[text] = counts.get(text, 0) + 1
    rep.acked, rep.stored = len(acked), len(rows)
    rep.lost = sum(1 for v in acked if counts.get(v) != 1)
    for v in acked:
        r = rank.get(v)
        shown = next((t for t, c in polls if c >= r), None) if r else None
        if shown is None:
            rep.errors.append(f"answer {v} never showed on the dashboard")
        else:
            press = pressed[v] - wall_minus_mono if v in pressed else clicks[v]
            rep.latencies_s.append(max(shown - press, 0.0))
            rep.to_commit_s.append(committed[v] - press)
            rep.to_dashboard_s.append(shown - committed[v])
            rep.click_wait_s.append(press - clicks[v])
    rep.rss_before_mb, rep.rss_peak_mb = before / _MB, peak / _MB
    rep.seconds = time.monotonic() - t0
    return rep


def run_live(students: int = 40, *, think: tuple[float, float] = (0.5, 2.0), timeout_s: float = 60.0,
             max_seconds: float = 600.0, database_url: str | None = None, client_nice: int = 19,
             arrival_s: float = ARRIVAL_S) -> LiveReport:
    """Run the live-class load (see the module's docstring); bounded to 100 students and ``max_seconds``."""
    if not 1 <= students <= 100:
        raise ValueError(f"students must be 1 to 100, got {students}")
    return asyncio.run(_run(students, think, timeout_s, max_seconds, database_url, client_nice, arrival_s))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.live_load", description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"))
    p.add_argument("--arrival", type=float, default=ARRIVAL_S, metavar="S",
                   help=f"seconds between two students' arrivals (default {ARRIVAL_S})")
    p.add_argument("--action-timeout", type=float, default=60.0)
    p.add_argument("--max-seconds", type=float, default=600.0)
    p.add_argument("--database-url", help="a PostgreSQL database to use (default: a fresh SQLite file)")
    p.add_argument("--client-nice", type=int, default=19, help="nice level of Chromium's renderers (default 19)")
    args = p.parse_args(argv)
    rep = run_live(args.students, think=tuple(args.think), timeout_s=args.action_timeout,
                   max_seconds=args.max_seconds, database_url=args.database_url, client_nice=args.client_nice,
                   arrival_s=args.arrival)
    print(f"{rep.students} students, {rep.joined} joined, {rep.acked} answers acknowledged, {rep.stored} stored, "
          f"{rep.lost} lost, {len(rep.errors)} errors in {rep.seconds:.0f} s")
    print(f"submit -> dashboard: p50 {rep.p50_s:.2f} s, p95 {rep.p95_s:.2f} s (target <= 3), n={len(rep.latencies_s)}")
    if rep.latencies_s:
        print(f"  of which press -> stored: p50 {pct(rep.to_commit_s, 50):.2f} s, p95 {pct(rep.to_commit_s, 95):.2f} s; "
              f"stored -> dashboard: p50 {pct(rep.to_dashboard_s, 50):.2f} s, p95 {pct(rep.to_dashboard_s, 95):.2f} s")
        print(f"  before the press, Playwright waited for the button: p50 {pct(rep.click_wait_s, 50):.2f} s, "
              f"p95 {pct(rep.click_wait_s, 95):.2f} s (the load generator's delay; not counted)")
    print("CPU while the students worked [cores]: " + ", ".join(f"{g} {c:.2f}" for g, c in rep.cores.items())
          + f"; the machine {rep.machine_busy:.0%} busy")
    print(f"server RSS {rep.rss_before_mb:.0f} MB before, {rep.rss_peak_mb:.0f} MB peak: "
          f"{rep.mb_per_student:.1f} MB per student (target <= 50)")
    for e in rep.errors[:20]:
        print(f"  {e}")
    return 1 if rep.errors or rep.lost else 0


if __name__ == "__main__":
    sys.exit(main())
