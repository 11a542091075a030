"""The live class in the app (AppTest): teacher link, join form, answering, the dashboard, the worksheet.

The database is a SQLite file in a temporary data folder. Browser-only behaviour (the address bar,
the auto-refreshing fragment, downloads) is in tests/e2e/test_live_class.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apptest_pages import open_page
from streamlit.testing.v1 import AppTest

from simulator.live import service as sv
from simulator.live import storage

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LIVE = "live"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(tmp_path))
    monkeypatch.delenv(storage.DATABASE_URL_ENV, raising=False)
    s = storage.get_store()
    yield s
    storage._STORES.pop(storage.database_url(), None)
    s.dispose()


@pytest.fixture
def klass(store):
    new = sv.create_class(store, "Econ <b>101</b> **bold**", live=["per_mb_follows_cost", "lawsuit"])
    return store, new, sv.Teacher(new.code, new.teacher_secret)


def app(query: dict | None = None, page: str = LIVE) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    open_page(at, page)
    at.run()
    assert not at.exception, at.exception
    return at


def everything_shown(at: AppTest) -> str:
    """Every element's protobuf as text: what the browser would receive."""
    return "\n".join(str(node.proto) for node in at.main if hasattr(node, "proto")) + json.dumps(
        {k: at.query_params[k] for k in at.query_params})


def join(at: AppTest, code: str, nick: str) -> AppTest:
    at.text_input(key="live_join_code").set_value(code)
    at.text_input(key="live_join_nick").set_value(nick)
    at.button(key="FormSubmitter:live_join_form-Join").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_teacher_link_opens_the_dashboard_and_its_secret_leaves_the_page(klass):
    _, new, _ = klass
    at = app({"class": new.code, "teacher": new.teacher_secret})
    assert [t.value for t in at.title] == ["Econ <b>101</b> **bold**"]
    assert {m.label: m.value for m in at.metric}["Join code"] == new.code
    assert dict(at.query_params) == {}                      # the address bar no longer holds it
    assert new.teacher_secret not in everything_shown(at)   # nor does anything drawn
    toggles = {t.key: t.value for t in at.toggle}
    assert toggles["live_live_per_mb_follows_cost"] and not toggles["live_live_clone"]


def test_a_wrong_teacher_link_shows_an_error_not_the_dashboard(klass):
    _, new, _ = klass
    at = app({"class": new.code, "teacher": "x" * 43})
    assert any("not valid" in e.value for e in at.error)
    assert not any(m.label == "Join code" for m in at.metric)


def test_a_student_joins_answers_and_the_dashboard_counts_it(klass):
    store, new, teacher = klass
    at = join(app({"class": new.code}), new.code.lower(), "Ana")
    assert at.text_input(key="live_answer_per_mb_follows_cost")  # the live exercises' boxes
    assert not [k for k in (w.key for w in at.text_input) if k == "live_answer_clone"]
    assert at.session_state["_live_student"][0] == new.code   # (the address bar: tests/e2e/test_live_class.py)
    right = sv.dashboard(store, teacher).participants[0].expected["per_mb_follows_cost"]
    at.text_input(key="live_answer_per_mb_follows_cost").set_value(f"${right}")
    at.button(key="FormSubmitter:live_form_per_mb_follows_cost-Send").click()
    at.run()
    assert any(s.value.startswith(f"Received: ${right}") for s in at.success)
    d = sv.dashboard(store, teacher)
    assert d.submissions == 1 and d.participants[0].answers["per_mb_follows_cost"][:2] == (f"${right}", True)
    dash = app({"class": new.code, "teacher": new.teacher_secret})
    assert {m.label: m.value for m in dash.metric}["Answers"] == "1"
    table = dash.dataframe[0].value
    assert list(table.student) == ["Ana"] and table.per_mb_follows_cost[0].startswith(f"✓ ${right}")


def test_a_student_reload_with_the_rejoin_link_comes_back_as_themselves(klass):
    _, new, _ = klass
    at = join(app({"class": new.code}), new.code, "Bo")
    token = at.session_state["_live_student"][1]
    again = app({"class": new.code, "student": token})
    assert any(t.value == "You are Bo." for t in again.text)


def test_bad_input_in_the_join_form_says_what_is_allowed(klass):
    _, new, _ = klass
    at = join(app(), new.code, "<b>Ana</b>")
    (err,) = [e.value for e in at.error]
    assert err.startswith("nickname must be 1 to 24 letters") and "<b>Ana</b>" in err  # shown, as text
    assert at.text_input(key="live_join_nick").value == "<b>Ana</b>"  # what they typed is kept
    at = join(app(), "nope", "Ana")
    assert any(e.value.startswith("join code must be 6 letters and digits") for e in at.error)


def test_a_bad_answer_says_what_is_allowed(klass):
    _, new, _ = klass
    at = join(app({"class": new.code}), new.code, "Chen")
    at.text_input(key="live_answer_lawsuit").set_value("lots")
    at.button(key="FormSubmitter:live_form_lawsuit-Send").click()
    at.run()
    assert any(e.value.startswith("answer must be a number such as") and "'lots'" in e.value for e in at.error)


def test_the_worksheet_hides_answers_in_a_live_class_until_the_reveal(klass):
    store, new, teacher = klass
    at = join(app({"class": new.code}), new.code, "Dee")
    open_page(at, "classroom").run()
    shut = {t.key: t.disabled for t in at.toggle if t.key and t.key.startswith(("answer_", "classroom_teacher"))}
    assert shut["answer_lawsuit"] and shut["answer_clone"] and shut["classroom_teacher"]
    sv.set_exercise(store, teacher, "lawsuit", revealed=True)
    at.run()
    shut = {t.key: t.disabled for t in at.toggle if t.key and t.key.startswith("answer_")}
    assert not shut["answer_lawsuit"] and shut["answer_clone"]
    solo = app(page="classroom")  # self-study: every toggle works
    assert not any(t.disabled for t in solo.toggle if t.key and t.key.startswith("answer_"))


def test_the_teacher_reveals_and_the_student_sees_their_mark(klass):
    store, new, teacher = klass
    at = join(app({"class": new.code}), new.code, "Eve")
    at.text_input(key="live_answer_lawsuit").set_value("1")
    at.button(key="FormSubmitter:live_form_lawsuit-Send").click()
    at.run()
    dash = app({"class": new.code, "teacher": new.teacher_secret})
    dash.toggle(key="live_revealed_lawsuit").set_value(True)
    dash.run()
    assert sv.dashboard(store, teacher).exercises[-1].revealed
    at.run()
    right = sv.dashboard(store, teacher).participants[0].expected["lawsuit"]
    assert any(t.value.startswith("Your answer: 1. Right answer: $") and t.value.endswith("Yours is not.")
               for t in at.text), [t.value for t in at.text]
    assert not [w for w in at.text_input if w.key == "live_answer_lawsuit"]   # no more answers
    assert right


def test_start_a_live_class_from_the_classroom_page(store):
    at = app(page="classroom")
    at.text_input(key="live_new_title").set_value("Week 5")
    at.multiselect(key="live_new_exercises").set_value(["clone"])
    at.button(key="live_new_go").click()
    at.run()
    assert not at.exception
    (c,) = sv.list_classes(store)
    assert c.title == "Week 5"
    assert any(s.value.startswith(f"Class {c.code} is ready") for s in at.success)
    assert "teacher=" not in everything_shown(at)          # the link is a download, not drawn
    at.button(key="live_new_open").click()
    at.run()
    assert {m.label: m.value for m in at.metric}["Join code"] == c.code


def test_an_empty_title_is_refused_with_a_message(store):
    at = app(page="classroom")
    at.button(key="live_new_go").click()
    at.run()
    assert any(e.value.startswith("title must be 1 to 80 printable characters") for e in at.error)
    assert sv.list_classes(store) == []
