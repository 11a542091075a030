"""The classroom worksheet: the exercises without answers for students, and the teacher's version.

Both are built from :func:`simulator.present.classroom.exercises` for one scenario: an HTML page
(offline, no scripts) and, when Chromium is present, the same page printed to PDF. The students'
sheet has each question, its hints and ruled space to answer; the teacher's adds the answers
computed by the model for that scenario and the teaching notes.

Examples
--------
>>> page = worksheet_html(make_scenario())
>>> "Pricing by the kilo: quality versioning, not cost" in page, "Answer:" in page
(True, False)
>>> "Answer:" in worksheet_html(make_scenario(), teacher=True)
True
"""

from __future__ import annotations

import html
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from simulator._version import __version__
from simulator.output import export
from simulator.output.export import ExportUnavailable, html_page
from simulator.output.markdown import inline_html, markdown_html
from simulator.output.summary import print_pdf
from simulator.params.scenario import Scenario
from simulator.present.classroom import Exercise, exercises
from simulator.present.registry import scenario_label

__all__ = ["WORKSHEET", "WORKSHEET_TEACHER", "Worksheet", "markdown_html", "worksheet_html", "worksheet_pdf",
           "write_worksheet"]

#: File-name stems of the students' and the teacher's versions.
WORKSHEET = "worksheet"
WORKSHEET_TEACHER = "worksheet_teacher"
#: Ruled lines left for each answer on the students' sheet.
ANSWER_LINES = 6

_STYLE = """<style>
.exercise { break-inside: avoid; margin: 1.2rem 0 1.6rem; }
.lines { border: 0; margin: 0; }
.lines div { border-bottom: 1px solid #bbb; height: 1.9rem; }
.answer { background: #f3f7fb; border-left: 4px solid #0072B2; padding: 0.3rem 0.8rem; }
.note { background: #fbf7ef; border-left: 4px solid #E69F00; padding: 0.3rem 0.8rem; }
td.num, th.num { white-space: nowrap; text-align: right; }
@page { size: A4; margin: 16mm 14mm; }
</style>"""
def _exercise_html(i: int, ex: Exercise, teacher: bool) -> str:
    parts = [f'<section class="exercise" id="{html.escape(ex.key)}">',
             f"<h2>{i}. {html.escape(ex.title)}</h2>", markdown_html(ex.question)]
    if ex.hints:
        parts.append("<p><strong>Hints</strong></p><ul>" + "".join(f"<li>{inline_html(h)}</li>" for h in ex.hints)
                     + "</ul>")
    if teacher:
        parts.append(f'<div class="answer"><p><strong>Answer:</strong></p>{markdown_html(ex.answer)}</div>')
        parts.append(f'<div class="note"><p><strong>Teacher\'s note:</strong> {inline_html(ex.teacher_note)}</p></div>')
    else:
        parts.append('<div class="lines" aria-label="space for your answer">' + "<div></div>" * ANSWER_LINES
                     + "</div>")
    parts.append("</section>")
    return "\n".join(parts)


def worksheet_html(scenario: Scenario, *, teacher: bool = False, items: Sequence[Exercise] | None = None) -> str:
    """Build the worksheet page: every exercise, without answers (students) or with answers and notes (teacher).

    Parameters
    ----------
    scenario : Scenario
        The inputs the answers (and any numbers in the questions) are computed for.
    teacher : bool
        Include the answers and the teacher's notes.
    items : sequence of Exercise, optional
        Precomputed ``exercises(scenario)``.

    Returns
    -------
    str
        A complete HTML page; no scripts, nothing loaded from the network.
    """
    items = exercises(scenario) if items is None else items
    label = scenario_label(scenario)
    who = "Teacher's version, with answers and notes" if teacher else "Worksheet for students"
    computed = (f"; every number in the answers is computed by allofmp3-sim {html.escape(__version__)} for it"
                if teacher else f" of allofmp3-sim {html.escape(__version__)}")
    intro = (f'<p class="note-line">{who}. Scenario <code>{html.escape(label)}</code>{computed}. AllofMP3 (Russia, '
             "2000–2007) sold music downloads by the megabyte: a track's price was its size times a rate per MB.</p>")
    name_line = "" if teacher else "<p>Name: ______________________________ &nbsp; Date: ______________</p>"
    body = "\n".join([_STYLE, "<h1>AllofMP3 by the kilo: exercises</h1>", intro, name_line,
                      *(_exercise_html(i, ex, teacher) for i, ex in enumerate(items, start=1))])
    return html_page(f"AllofMP3 by the kilo: {who.lower()}", body)


def worksheet_pdf(scenario: Scenario, *, teacher: bool = False, items: Sequence[Exercise] | None = None) -> bytes:
    """Return the worksheet printed to PDF by the system Chromium (see :func:`simulator.output.summary.print_pdf`).

    Raises
    ------
    ExportUnavailable
        No Chromium, or it could not print.
    """
    with tempfile.TemporaryDirectory(prefix="allofmp3-worksheet-") as tmp:
        page = Path(tmp) / "worksheet.html"
        page.write_text(worksheet_html(scenario, teacher=teacher, items=items), encoding="utf-8")
        pdf = Path(tmp) / "worksheet.pdf"
        print_pdf(page, pdf)
        return pdf.read_bytes()


@dataclass(frozen=True)
class Worksheet:
    """What :func:`write_worksheet` wrote: the folder, the file names, and what was left out and why."""

    path: Path
    files: tuple[str, ...]
    notes: tuple[str, ...]


def write_worksheet(scenario: Scenario, out: str | Path, *, teacher: bool = False, force: bool = False) -> Worksheet:
    """Write the students' worksheet (and, with ``teacher``, the teacher's version) as HTML and PDF into a folder.

    Parameters
    ----------
    scenario : Scenario
    out : str or Path
        The folder (created if missing).
    teacher : bool
        Also write ``worksheet_teacher.html`` and ``.pdf``.
    force : bool
        Replace worksheet files already in the folder.

    Returns
    -------
    Worksheet

    Raises
    ------
    ValueError
        ``out`` is a file, or a worksheet file exists there and ``force`` is false.
    """
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--out {str(folder)!r} is a file, not a folder")
    stems = [WORKSHEET] + ([WORKSHEET_TEACHER] if teacher else [])
    pdf = export.find_chromium() is not None
    names = [export.export_file_name(s, ext) for s in stems for ext in (("html", "pdf") if pdf else ("html",))]
    clash = [n for n in names if (folder / n).exists()]
    if clash and not force:
        raise ValueError(f"{folder / clash[0]} already exists; pass --force to replace it")
    items = exercises(scenario)
    folder.mkdir(parents=True, exist_ok=True)
    written, notes = [], []
    with tempfile.TemporaryDirectory(prefix=".worksheet-", dir=folder) as tmp:
        for stem in stems:
            page = Path(tmp) / f"{stem}.html"
            page.write_text(worksheet_html(scenario, teacher=stem == WORKSHEET_TEACHER, items=items), encoding="utf-8")
            files = [page]
            if pdf:
                try:
                    print_pdf(page, Path(tmp) / f"{stem}.pdf")
                    files.append(Path(tmp) / f"{stem}.pdf")
                except ExportUnavailable as e:
                    notes.append(f"no {stem}.pdf: {e}")
            for f in files:
                shutil.move(str(f), folder / f.name)  # a rename within the folder: atomic
                written.append(f.name)
    if not pdf:
        notes.append("no PDF: printing it needs Chromium, which was not found")
    return Worksheet(folder, tuple(written), tuple(notes))
