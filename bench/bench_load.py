"""A classroom at once (``bench/classroom_load.py``): errors, latency, server memory.

Full run: one student alone for 60 s, then 20 students at once for 60 s (each a browser context of one
Chromium, think time 0.5-2 s, a page switch or an input change per action), then on a fresh server
one session's 500 reruns after 200 of warm-up. Quick run (``--quick``, CI): 3 students for 15 s after
one for 15 s, and 40 reruns after 10 (every figure is computed, none is meaningful at that size).

Figures and targets:

* errors over every phase: tracebacks in the page or the server log, ``st.error``, lost
  connections, actions not done within 60 s (target 0);
* p95 latency of an action with N students over that with one (target <= 3);
* server memory growth per student: (peak RSS during the class - RSS before it) / N (target <= 50 MB);
* server memory growth over 500 reruns of one session, after a warm-up of 200 reruns that moves the
  rate over 201 distinct values, more than any cache's ``max_entries`` (128 at most), so every cache
  is full before measuring (target <= 20 MB). 20 MB, not 0: the server's RSS after warm-up is about
  250 MB and CPython's and glibc's allocators keep freed arenas, so a bounded server still drifts by a
  few MB; an unbounded cache of figures grows about 1 MB every few reruns here (each Explore rerun at
  a new rate adds two Plotly figures, about 0.2 MB pickled, to each of several caches), which 500
  reruns would push far past 20 MB.

Measured against targets, not ratios to a reference like the other benchmarks: the latency figure
is a ratio of two runs on the same machine; the memory figures are absolute and travel. Omitted,
with a note on stderr, when Chromium is absent. No test asserts these times.
"""

from __future__ import annotations

import sys

from bench import Result


def run(quick: bool = False) -> list[Result]:
    from bench.classroom_load import chromium_path, run_classroom, run_reruns

    if chromium_path() is None:
        print("bench_load: no Chromium at /usr/bin/chromium or on PATH: classroom load benchmark omitted",
              file=sys.stderr)
        return []
    n, secs = (3, 15.0) if quick else (20, 60.0)
    warmup, reruns, every = (10, 40, 10) if quick else (200, 500, 50)
    rep = run_classroom(n, secs, min_actions=2)
    rr = run_reruns(warmup, reruns, every=every)
    one, many = rep.single.summary(), rep.load.summary()
    errors = rep.errors + rr.errors
    ratio = rep.p95_ratio
    per_session = rep.mb_per_session
    growth = rr.growth_mb
    cpu = (f"CPU with {n}: server {many['server_cores']:.2f} cores, Chromium+Playwright {many['client_cores']:.2f}, "
           f"other {many['other_cores']:.2f}; machine {many['machine_busy']:.0%} busy")
    return [
        Result(
            name=f"load: errors, 1 then {n} students x {secs:g} s and {rr.reruns} reruns",
            value=float(len(errors)), unit="errors", target=0.0, met=not errors,
            detail="; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""),
        ),
        Result(
            name=f"load: p95 latency of an action, {n} students at once / 1 student",
            value=ratio, unit="ratio", target=3.0, met=ratio <= 3.0,
            detail=(f"1: p50 {one['p50_s']:.2f} s, p95 {one['p95_s']:.2f} s ({one['actions']} actions); "
                    f"{n}: p50 {many['p50_s']:.2f} s, p95 {many['p95_s']:.2f} s ({many['actions']} actions, "
                    f"fewest per student {many['actions_per_session_min']}); {cpu}"),
        ),
        Result(
            name=f"load: server memory growth per student, {n} at once",
            value=per_session, unit="MB", target=50.0, met=per_session <= 50.0,
            detail=(f"RSS {many['rss_before_mb']:.0f} MB before, {many['rss_peak_mb']:.0f} peak, "
                    f"{many['rss_after_mb']:.0f} after they left"),
        ),
        Result(
            name=f"load: server memory growth over {rr.reruns} reruns of one session after {rr.warmup} of warm-up",
            value=growth, unit="MB", target=20.0, met=growth <= 20.0,
            detail=(f"RSS every {every}: " + ", ".join(f"{b / 2**20:.0f}" for _, b in rr.rss)
                    + f" MB; slope {rr.slope_mb_per_100:.2f} MB per 100 reruns; rerun p50 "
                    f"{1e3 * _median(rr.latencies):.0f} ms"),
        ),
    ]


def _median(xs: list[float]) -> float:
    from bench.classroom_load import pct

    return pct(xs, 50)
