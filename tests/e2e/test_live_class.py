"""A whole live class in a real browser (Chromium via Playwright), on SQLite and on PostgreSQL.

One teacher starts a class from the Classroom page and runs it from the dashboard; several students
join in their own browser contexts, get their own variants, answer; the dashboard shows the answers
arriving without a reload; the teacher reveals, exports and deletes. Then a crash: the app server is
SIGKILLed while students submit and restarted; every acknowledged answer is still there and the
students come back with their rejoin links. No test asserts a time.
"""

from __future__ import annotations

import csv
import io
import urllib.request
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from live_support import backend_url  # noqa: F401  (fixture)
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from simulator.live import service as sv
from simulator.live.storage import DATA_DIR_ENV, DATABASE_URL_ENV, Participant, Store, Submission
from simulator.present.classroom import EXERCISE_KEYS

from .live_server import LiveServer
from .server import chromium_path

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="no Chromium at /usr/bin/chromium or on PATH"),
]

#: Upper bound of one wait [ms]: generous, since 2 cores also run the server and every student's page.
TIMEOUT_MS = 90_000
#: The dashboard refreshes every second and a student's page every 5 s: wait up to this for either.
REFRESH_WAIT_MS = 60_000


@pytest.fixture
def server(backend_url, tmp_path):  # noqa: F811
    env = {DATA_DIR_ENV: str(tmp_path / "data")}
    if backend_url.startswith("postgresql"):
        env[DATABASE_URL_ENV] = backend_url
    else:
        env[DATABASE_URL_ENV] = ""
    srv = LiveServer(env=env, log_dir=tmp_path).start()
    store = Store(backend_url if backend_url.startswith("postgresql") else
                  f"sqlite:///{tmp_path / 'data' / 'live.sqlite3'}")
    yield srv, store
    store.dispose()
    srv.stop()
    assert "Traceback (most recent call last)" not in srv.log_text(), srv.log_text()[-3000:]


def wait_idle(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT_MS)


def key(page: Page, k: str):
    return page.locator(f".st-key-{k}")


def metric_value(scope, label: str):
    """The value of the metric labelled ``label`` in ``scope`` (a page or a locator)."""
    page = scope if isinstance(scope, Page) else scope.page
    box = scope.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue")


def no_errors(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stMain").get_by_role("alert")).to_have_count(0)


def join(browser: Browser, url: str, nickname: str) -> Page:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    page = ctx.new_page()
    page.goto(url)
    wait_idle(page)
    key(page, "live_join_nick").locator("input").fill(nickname)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text(f"You are {nickname}.")).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_function("() => new URL(location.href).searchParams.get('student')", timeout=TIMEOUT_MS)
    return page


def answer(page: Page, exercise: str, value: str) -> None:
    box = key(page, f"live_student_ex_{exercise}")
    box.locator("input").fill(value)
    box.get_by_role("button", name="Send").click()
    expect(box.get_by_text(f"Received: {value} ")).to_be_visible(timeout=TIMEOUT_MS)


def test_a_teacher_runs_a_whole_class(server, browser: Browser, page: Page, tmp_path):
    srv, store = server
    # --- the teacher starts a class from Classroom ---------------------------------------------------------
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{srv.url}/classroom")
    wait_idle(page)
    page.get_by_text("Start a live class").click()
    key(page, "live_new_title").locator("input").fill("Week 5: pricing by the kilo")
    key(page, "live_new_title").locator("input").press("Tab")
    wait_idle(page)
    key(page, "live_new_go").locator("button").click()
    expect(page.get_by_text("is ready")).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download() as dl:
        key(page, "live_new_download").locator("button").click()
    link = open(dl.value.path(), encoding="utf-8").read()
    q = parse_qs(urlsplit(link).query)
    code, secret = q["class"][0], q["teacher"][0]
    assert link.startswith(f"{srv.url}/live?") and len(secret) >= 43
    assert secret not in page.content()                         # never drawn, only downloadable
    key(page, "live_new_open").locator("button").click()
    expect(metric_value(page, "Join code")).to_have_text(code, timeout=TIMEOUT_MS)
    assert "teacher" not in page.url and secret not in page.content()
    teacher = sv.Teacher(code, secret)

    # The teacher's link itself, opened in another browser, leaves the address bar at once.
    other = browser.new_context().new_page()
    other.goto(link)
    expect(metric_value(other, "Join code")).to_have_text(code, timeout=TIMEOUT_MS)
    other.wait_for_function("() => !new URL(location.href).searchParams.has('teacher')", timeout=TIMEOUT_MS)
    assert secret not in other.content()
    other.context.close()

    # --- two exercises live --------------------------------------------------------------------------------
    for ex in ("per_mb_follows_cost", "lawsuit"):
        key(page, f"live_live_{ex}").locator("label").click()
        wait_idle(page)
    assert [e.key for e in sv.dashboard(store, teacher).exercises if e.live] == ["per_mb_follows_cost", "lawsuit"]

    # --- three students join, each with their own variant -------------------------------------------------
    names = ["Ana", "Bo", "Chen"]
    students = {n: join(browser, f"{srv.url}/live?class={code}", n) for n in names}
    expect(metric_value(page, "Students")).to_have_text("3", timeout=REFRESH_WAIT_MS)   # no reload: the fragment
    d = sv.dashboard(store, teacher)
    right = {p.nickname: p.expected for p in d.participants}
    assert len({tuple(sorted(p.variant.items())) for p in d.participants}) == 3       # variants differ

    # --- answers: Ana and Chen right, Bo wrong ---------------------------------------------------------------
    answer(students["Ana"], "per_mb_follows_cost", f"${right['Ana']['per_mb_follows_cost']}")
    answer(students["Bo"], "per_mb_follows_cost", str(Decimal(right["Bo"]["per_mb_follows_cost"]) * 2))
    answer(students["Chen"], "per_mb_follows_cost", right["Chen"]["per_mb_follows_cost"])
    answer(students["Ana"], "lawsuit", f"{Decimal(right['Ana']['lawsuit']) / Decimal('1e12'):.4f} trillion")
    expect(metric_value(page, "Answers")).to_have_text("4", timeout=REFRESH_WAIT_MS)
    box = key(page, "live_ex_per_mb_follows_cost")
    expect(metric_value(box, "Answered")).to_have_text("3 / 3", timeout=REFRESH_WAIT_MS)
    expect(metric_value(box, "Right")).to_have_text("2")
    expect(box.get_by_test_id("stPlotlyChart")).to_be_visible()
    expect(box.get_by_text("Common wrong answers (times the student's right answer): ×2 (1)")).to_be_visible()

    # --- a reload brings a student back as themselves -------------------------------------------------------
    students["Bo"].reload()
    expect(students["Bo"].get_by_text("You are Bo.")).to_be_visible(timeout=TIMEOUT_MS)
    expect(students["Bo"].get_by_text("You have sent 1 answer(s)")).to_be_visible()

    # --- reveal: the students see the right answer and their mark without a reload --------------------------
    key(page, "live_revealed_per_mb_follows_cost").locator("label").click()
    wait_idle(page)
    expect(students["Ana"].get_by_text("Yours is right.")).to_be_visible(timeout=REFRESH_WAIT_MS)
    expect(students["Bo"].get_by_text("Yours is not.")).to_be_visible(timeout=REFRESH_WAIT_MS)
    for p in students.values():
        no_errors(p)

    # --- export ---------------------------------------------------------------------------------------------
    with page.expect_download() as dl:
        key(page, "live_export_csv").locator("button").click()
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    assert len(rows) == 3 * len(EXERCISE_KEYS)
    by = {(r["student"], r["exercise"]): r for r in rows}
    assert by[("Bo", "per_mb_follows_cost")]["correct"] == "False"
    assert by[("Ana", "lawsuit")]["correct"] == "True" and by[("Chen", "lawsuit")]["attempts"] == "0"
    assert by[("Chen", "per_mb_follows_cost")]["variant"] != by[("Ana", "per_mb_follows_cost")]["variant"]
    with page.expect_download() as dl:
        key(page, "live_export_yaml").locator("button").click()
    assert "kind: allofmp3-sim scenario" in open(dl.value.path(), encoding="utf-8").read()

    # --- delete -----------------------------------------------------------------------------------------------
    page.get_by_text("Delete the class", exact=True).first.click()
    key(page, "live_delete_sure").locator("label").click()
    wait_idle(page)
    key(page, "live_delete").locator("button").click()
    expect(page.get_by_text(f"Class {code} and everything in it")).to_be_visible(timeout=TIMEOUT_MS)
    assert sv.list_classes(store) == []
    # The student's page learns it at its next refresh (no reload) and drops the dead link from the address
    # bar, so a reload afterwards opens the join form rather than the error.
    expect(students["Ana"].get_by_text("rejoin link is not valid")).to_be_visible(timeout=REFRESH_WAIT_MS)
    students["Ana"].wait_for_function("() => !new URL(location.href).searchParams.has('student')",
                                      timeout=TIMEOUT_MS)
    students["Ana"].reload()
    expect(students["Ana"].get_by_role("heading", name="Join a live class")).to_be_visible(timeout=TIMEOUT_MS)
    expect(students["Ana"].get_by_text("You are Ana.")).to_have_count(0)
    for p in students.values():
        p.context.close()


def test_a_crash_mid_class_loses_no_acknowledged_answer(server, browser: Browser):
    srv, store = server
    new = sv.create_class(store, "Crash", live=["lawsuit"])
    names = ["Dee", "Eve"]
    pages = {n: join(browser, f"{srv.url}/live?class={new.code}", n) for n in names}
    links = {n: p.url for n, p in pages.items()}
    acked: dict[str, list[str]] = {n: [] for n in names}
    # Answers until the kill: each acknowledged one is recorded when "Received" shows.
    for i in range(3):
        for n, p in pages.items():
            answer(p, "lawsuit", f"{i}{len(n)}{i}")
            acked[n].append(f"{i}{len(n)}{i}")
    # One more in flight: sent, then the server dies before (or while) answering.
    for p in pages.values():
        box = key(p, "live_student_ex_lawsuit")
        box.locator("input").fill("999")
        box.get_by_role("button", name="Send").click()
    srv.kill9()
    srv.start()
    assert urllib.request.urlopen(f"{srv.url}/_stcore/health", timeout=10).read() == b"ok"
    for n, p in pages.items():
        p.goto(links[n])                                  # the rejoin link, on the restarted server
        expect(p.get_by_text(f"You are {n}.")).to_be_visible(timeout=TIMEOUT_MS)
    teacher = sv.LocalAdmin(new.code)
    d = sv.dashboard(store, teacher)
    assert [p.nickname for p in d.participants] == names
    stored = store.read(lambda s: s.execute(select(Participant.nickname, Submission.answer_text).join(
        Submission, Submission.participant_id == Participant.id).order_by(Submission.id)).all())
    for n in names:
        mine = [t for nick, t in stored if nick == n]
        assert mine[:3] == acked[n], (n, mine)            # every acknowledged answer, once, in order
        assert mine[3:] in ([], ["999"])                  # the one in flight: stored once or not at all
    for n, p in pages.items():                            # and they carry on
        answer(p, "lawsuit", f"7{len(n)}7")
    assert len(store.read(lambda s: s.scalars(select(Submission.id)).all())) in range(8, 11)
    for p in pages.values():
        p.context.close()
