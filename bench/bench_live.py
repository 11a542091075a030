"""A live class at once (``bench/live_load.py``): errors, lost answers, submit-to-dashboard latency, memory.

Full run: 40 students (browser contexts of the students' Chromium, at nice 19; one arrives every
0.5 s, think time 0.5-2 s) join, answer one exercise, reload, answer another, while the teacher's
dashboard is open in a Chromium of its own. Quick run (``--quick``, CI): 4 students (every figure is
computed, none is meaningful at that size).

Figures and targets: errors (0), lost submissions (0: every answer acknowledged in the browser is in
the database exactly once), p95 from a student's press on "Send" to the dashboard's answer count
including it (<= 3 s), server memory growth per student (<= 50 MB). Absolute values, not ratios: a
classroom's target is a time a teacher waits and a memory a server has. Omitted, with a note on
stderr, when Chromium is absent. No test asserts these figures.
"""

from __future__ import annotations

import sys

from bench import Result


def run(quick: bool = False) -> list[Result]:
    from bench.classroom_load import pct
    from bench.live_load import chromium_path, run_live

    if chromium_path() is None:
        print("bench_live: no Chromium at /usr/bin/chromium or on PATH: live-class benchmark omitted", file=sys.stderr)
        return []
    n = 4 if quick else 40
    rep = run_live(n, max_seconds=180.0 if quick else 600.0)
    errors = rep.errors
    return [
        Result(name=f"live class: errors, {n} students join, answer, reload, answer",
               value=float(len(errors)), unit="errors", target=0.0, met=not errors,
               detail="; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else "")),
        Result(name=f"live class: lost submissions of {rep.acked} acknowledged", value=float(rep.lost),
               unit="answers", target=0.0, met=rep.lost == 0 and rep.acked == 2 * n,
               detail=f"{rep.joined} joined, {rep.acked} acknowledged, {rep.stored} stored"),
        Result(name=f"live class: p95 submit -> dashboard, {n} students", value=rep.p95_s, unit="s", target=3.0,
               met=rep.p95_s <= 3.0, detail=f"p50 {rep.p50_s:.2f} s over {len(rep.latencies_s)} answers; p95 press -> "
                                            f"stored {pct(rep.to_commit_s, 95):.2f} s, stored -> dashboard "
                                            f"{pct(rep.to_dashboard_s, 95):.2f} s; dashboard polled every 1 s"),
        Result(name=f"live class: server memory growth per student, {n} at once", value=rep.mb_per_student,
               unit="MB", target=50.0, met=rep.mb_per_student <= 50.0,
               detail=f"RSS {rep.rss_before_mb:.0f} MB before, {rep.rss_peak_mb:.0f} MB peak; run {rep.seconds:.0f} s"),
    ]
