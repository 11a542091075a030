"""``allofmp3-sim class new|list|export|delete`` on SQLite and PostgreSQL: output, files, exit status 2."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from live_support import backend_url  # noqa: F401  (fixture)

from simulator.cli import main
from simulator.live import service as sv
from simulator.live import storage
from simulator.params.scenario_file import scenario_from_yaml
from simulator.present.classroom import EXERCISE_KEYS


@pytest.fixture
def db(backend_url, monkeypatch):  # noqa: F811
    monkeypatch.setenv(storage.DATABASE_URL_ENV, backend_url)
    storage._STORES.pop(storage.database_url(), None)  # a wiped database: migrate it again
    yield storage.database_url()
    store = storage._STORES.pop(storage.database_url(), None)
    if store:
        store.dispose()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def test_new_json_prints_the_code_and_a_working_teacher_link(db):
    status, out, _ = run("class", "new", "--title", "Econ 101", "--preset", "rate_2005", "--live", "lawsuit",
                         "--base-url", "http://192.168.1.20:8501/", "--json")
    assert status == 0
    rec = json.loads(out)
    assert rec["title"] == "Econ 101" and rec["scenario"] == "preset rate_2005" and rec["live"] == ["lawsuit"]
    assert rec["join_link"] == f"http://192.168.1.20:8501/live?class={rec['code']}"
    q = parse_qs(urlsplit(rec["teacher_link"]).query)
    assert q["class"] == [rec["code"]] and len(q["teacher"][0]) >= 43
    store = storage.get_store()
    d = sv.dashboard(store, sv.Teacher(rec["code"], q["teacher"][0]))       # the link opens the dashboard
    assert [e.key for e in d.exercises if e.live] == ["lawsuit"]
    assert scenario_from_yaml(d.scenario_yaml).preset == "rate_2005"


def test_list_export_delete(db, tmp_path):
    _, out, _ = run("class", "new", "--title", "Econ 101", "--live", "all", "--json")
    code = json.loads(out)["code"]
    store = storage.get_store()
    ana = sv.join(store, code, "Ana")
    sv.submit(store, code, ana.token, "lawsuit", "1.6 trillion", "req-00000001")
    status, out, _ = run("class", "list", "--json")
    assert status == 0
    assert [(c["code"], c["students"], c["answers"], c["state"]) for c in json.loads(out)] == [(code, 1, 1, "open")]
    status, out, _ = run("class", "export", code.lower(), "--out", str(tmp_path), "--json")
    assert status == 0
    paths = json.loads(out)
    rows = list(csv.DictReader(open(paths["csv"], encoding="utf-8")))
    assert len(rows) == len(EXERCISE_KEYS) and {r["student"] for r in rows} == {"Ana"}
    assert next(r for r in rows if r["exercise"] == "lawsuit")["last_answer"] == "1.6 trillion"
    assert scenario_from_yaml(open(paths["scenario"], encoding="utf-8").read()).preset == "reported_2006"
    status, _, err = run("class", "export", code, "--out", str(tmp_path))
    assert status == 2 and "exists: add --force" in err
    status, _, err = run("class", "delete", code)
    assert status == 2 and "has 1 students and 1 answers: add --yes" in err
    status, out, _ = run("class", "delete", code, "--yes")
    assert (status, out) == (0, f"deleted class {code}\n")
    assert json.loads(run("class", "list", "--json")[1]) == []


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["class", "new", "--title", "x" * 81], "title must be 1 to 80 printable characters"),
        (["class", "new", "--title", "ok", "--live", "nope"], "live exercises must be among"),
        (["class", "new", "--title", "ok", "--preset", "nope"], "preset must be one of"),
        (["class", "export", "ZZZZZZ"], "no live class has the code ZZZZZZ"),
        (["class", "delete", "bad code!", "--yes"], "join code must be 6 letters and digits"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db, argv, words):
    status, out, err = run(*argv)
    assert status == 2 and out == "" and words in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_unreachable_database_is_one_line_and_exit_2(monkeypatch, tmp_path):
    monkeypatch.setenv(storage.DATABASE_URL_ENV, "postgresql://nobody:hunter2@/nowhere?host=" + str(tmp_path))
    status, _, err = run("class", "list")
    assert status == 2 and "cannot be opened" in err and "hunter2" not in err
