"""The README keeps the sections and the facts users rely on (an edit that cuts one fails here).

One such cut happened: a replacement meant for the live class's "How it holds up" took the first
one, the classroom load's, and everything between them.
"""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")

SECTIONS = ["Quick start", "Command line", "The app", "Screenshots", "Export and handouts", "The model, in one page",
            "Glossary of names and units", "Benchmarks", "Serving a class", "Teaching with a live class",
            "How the code is laid out", "Data and licences"]


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    following = README.find("\n## ", start + 1)
    return README[start:following if following != -1 else len(README)]


def test_the_sections_are_all_there_in_order():
    assert re.findall(r"^## (.+)$", README, flags=re.MULTILINE) == SECTIONS


def test_the_quick_start_has_the_two_commands():
    quick = _section("Quick start")
    assert 'python -m pip install -e . && python -m streamlit run app.py' in quick
    assert 'python -m pip install -e ".[test]" && python -m pytest' in quick


def test_each_load_benchmark_keeps_its_results_in_its_own_section():
    serving, live = _section("Serving a class"), _section("Teaching with a live class")
    assert "**How it holds up.** `python -m bench.classroom_load" in serving and "bench.live_load" not in serving
    assert "**How it holds up.** `python -m bench.live_load --students 40`" in live
    assert "bench.classroom_load" not in live


def test_the_live_class_section_says_how_to_run_store_and_delete_a_class():
    live = _section("Teaching with a live class")
    for needle in ("**Start one**", "**On a laptop for a room.**", "--server.address 0.0.0.0",
                   "**On a server, with PostgreSQL and replicas.**", "ALLOFMP3_DATABASE_URL",
                   "**What is stored, and for how long.**", "allofmp3-sim class delete", "deleted 30 days after"):
        assert needle in live, needle
