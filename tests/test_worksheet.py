"""The classroom worksheet: students' version without answers, teacher's with them, from the CLI, the app and the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_checks import CHROMIUM, NO_CHROMIUM, check_pdf

from simulator.cli import main
from simulator.output import export, worksheet
from simulator.output.worksheet import markdown_html, worksheet_html, write_worksheet
from simulator.params.scenario import make_scenario
from simulator.present.classroom import EXERCISE_KEYS, exercises

ROOT = Path(__file__).resolve().parents[1]
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
S = make_scenario(preset="card_freeze")


@pytest.fixture(scope="module")
def items():
    return exercises(S)


def test_students_sheet_has_every_question_and_hint_and_no_answer_or_note(items):
    page = worksheet_html(S, items=items)
    for i, ex in enumerate(items, start=1):
        assert f"<h2>{i}. {ex.title}</h2>" in page.replace("&#x27;", "'")
        for hint in ex.hints:
            assert markdown_html(hint)[3:-4] in page
        assert markdown_html(ex.answer) not in page, ex.key
        assert ex.teacher_note not in page.replace("&#x27;", "'"), ex.key
    assert page.count('aria-label="space for your answer"') == len(items) == len(EXERCISE_KEYS)
    assert "Answer:" not in page and "Teacher" not in page and "Name: " in page
    assert "<script" not in page and "http" not in page.split("<body>", 1)[1]


def test_teachers_version_has_every_answer_and_note(items):
    page = worksheet_html(S, teacher=True, items=items)
    for ex in items:
        assert markdown_html(ex.answer) in page, ex.key
    assert page.count("Teacher's note:") == len(EXERCISE_KEYS) and page.count("<strong>Answer:</strong>") == len(EXERCISE_KEYS)
    assert "space for your answer" not in page and "Scenario <code>card_freeze</code>" in page
    # the card-freeze answer's figures are the model's for this scenario
    card = next(ex for ex in items if ex.key == "card_freeze")
    assert card.answer.split("**")[1] in page


def test_markdown_tables_keep_numbers_on_one_line():
    table = markdown_html("| track | AllofMP3 |\n|---|---|\n| a 3:30 pop single | $0.15 |")
    assert '<td class="num">$0.15</td>' in table and "<td>a 3:30 pop single</td>" in table
    assert "white-space: nowrap" in worksheet_html(S)
    assert markdown_html("<b>x</b> & **y**") == "<p>&lt;b&gt;x&lt;/b&gt; &amp; <strong>y</strong></p>"


def test_cli_writes_both_versions_and_refuses_to_overwrite(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "find_chromium", lambda: None)
    assert main(["worksheet", "--preset", "card_freeze", "--out", str(tmp_path / "w"), "--teacher"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"wrote worksheet.html, worksheet_teacher.html in {tmp_path / 'w'}"
    assert "no PDF: printing it needs Chromium" in err
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["worksheet.html", "worksheet_teacher.html"]
    assert (tmp_path / "w" / "worksheet.html").read_text("utf-8") == worksheet_html(S)
    assert main(["worksheet", "--preset", "card_freeze", "--out", str(tmp_path / "w")]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert main(["worksheet", "--preset", "card_freeze", "--out", str(tmp_path / "w"), "--force"]) == 0


@needs_chromium
def test_worksheet_pdfs_are_printed_and_short(tmp_path):
    w = write_worksheet(S, tmp_path / "w", teacher=True)
    assert w.files == ("worksheet.html", "worksheet.pdf", "worksheet_teacher.html", "worksheet_teacher.pdf")
    students, _ = check_pdf((tmp_path / "w" / "worksheet.pdf").read_bytes())
    teacher, _ = check_pdf((tmp_path / "w" / "worksheet_teacher.pdf").read_bytes())
    # About two exercises a page for the class, one with its answer and note for the teacher.
    n = len(EXERCISE_KEYS)
    assert 2 <= students <= n // 2 + 1 and 2 <= teacher <= n + 1, (students, teacher)
    assert worksheet.worksheet_pdf(S)[:5] == b"%PDF-"


def test_classroom_page_offers_the_worksheet_and_the_teachers_version():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("ui/pages/classroom.py").run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Worksheet for students (HTML)" in labels and not any("Teacher" in x for x in labels)
    at.toggle(key="classroom_teacher").set_value(True).run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Teacher's version (HTML)" in labels
