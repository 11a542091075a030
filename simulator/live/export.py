"""Exporting a class: a CSV with one row per student and exercise, and the class's scenario file.

The CSV goes through :func:`simulator.io.tables.rows_to_csv`, so a nickname or answer that looks like a
spreadsheet formula is neutralised.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from simulator.io.tables import rows_to_csv
from simulator.live.service import Dashboard, LocalAdmin, Teacher, dashboard
from simulator.live.storage import Store
from simulator.params.scenario_file import SCENARIO_FILE_NAME

__all__ = ["ClassExport", "CSV_COLUMNS", "export_class", "export_rows"]

#: Columns of the CSV, in order.
CSV_COLUMNS = ("class_code", "class_title", "scenario", "student", "joined_utc", "removed", "variant",
               "exercise", "exercise_title", "live", "revealed", "right_answer", "unit", "tolerance",
               "last_answer", "correct", "attempts")


@dataclass(frozen=True)
class ClassExport:
    """The export's files: ``csv_name``/``csv_text`` and ``scenario_name``/``scenario_yaml``."""

    csv_name: str
    csv_text: str
    scenario_name: str
    scenario_yaml: str

    def zip_bytes(self) -> bytes:
        """Both files in one zip archive."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(self.csv_name, self.csv_text)
            z.writestr(self.scenario_name, self.scenario_yaml)
        return buf.getvalue()


def export_rows(d: Dashboard) -> list[dict]:
    """One row per student and exercise (every exercise of the class, live or not)."""
    rows = []
    for p in d.participants:
        variant = "; ".join(f"{k}={v:g}" for k, v in sorted(p.variant.items()))
        for e in sorted(d.exercises, key=lambda e: e.position):
            last, ok, n = p.answers.get(e.key, ("", None, 0))
            rows.append({
                "class_code": d.code, "class_title": d.title, "scenario": d.scenario_label, "student": p.nickname,
                "joined_utc": p.joined_at.isoformat(timespec="seconds"), "removed": p.removed, "variant": variant,
                "exercise": e.key, "exercise_title": e.title, "live": e.live, "revealed": e.revealed,
                "right_answer": p.expected.get(e.key) or "", "unit": e.unit, "tolerance": e.tolerance_text,
                "last_answer": last, "correct": "" if ok is None else ok, "attempts": n,
            })
    return rows


def export_class(store: Store, cred: Teacher | LocalAdmin) -> ClassExport:
    """Return the class's CSV and scenario file (checked like every teacher operation)."""
    d = dashboard(store, cred)
    return ClassExport(csv_name=f"live-class-{d.code}.csv", csv_text=rows_to_csv(export_rows(d), CSV_COLUMNS),
                       scenario_name=f"live-class-{d.code}-{SCENARIO_FILE_NAME}", scenario_yaml=d.scenario_yaml)
