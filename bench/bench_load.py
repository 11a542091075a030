"""A classroom at once (``bench/classroom_load.py``): errors, latency, server memory.

Full run: one student alone for 60 s, then 20 students at once (each a browser context of one
Chromium; think time 0.5-2 s; a page switch or an input change per action) working for 60 s once
all have loaded; then, on a fresh server, one session's 500 reruns after 200 of warm-up. Quick run
(``--quick``, CI): 3 students for 15 s after one for 15 s, and 40 reruns after 10 (every figure is
computed, none is meaningful at that size).

Figures and targets:

* errors over every phase: tracebacks in the page or the server's log, ``st.error``, lost
  connections, actions not done within 60 s (target 0);
* p95 latency of an action with N students over that with one, in the server: from the rerun
  request received to the run's last message sent (target <= 3). The same ratio in the browser
  (key press to change shown) is in the detail: there it mostly measures 20 pages drawing on the
  server's two cores, which a classroom's own machines do not share;
* server memory growth per student: (peak RSS during the class - RSS before it) / N (target <= 50 MB);
* server memory growth over 500 reruns of one session after a warm-up of 200 (target <= 20 MB).
  The warm-up visits 200 scenarios, more than any cache's ``max_entries`` (128 at most), so every
  cache is full; each measured rerun is a scenario never seen (see ``classroom_load.sweep``), so a
  bounded cache drops an entry for each one it adds. Why 20 MB and not 0: CPython's and glibc's
  allocators keep freed memory, so a bounded server still drifts by a MB or so (measured: +0.9 MB
  over 300 reruns); the same sweep against a copy of the app with ``max_entries`` removed from
  ``ui/explore.py`` and ``ui/state.py`` grew by 55 MB over 300 reruns (18 MB per 100), so 500
  reruns of an unbounded cache land far above 20 MB.

Measured against targets, not ratios to a reference like the other benchmarks: the latency figure
is a ratio of two runs on the same machine; the memory figures are absolute and travel. Omitted,
with a note on stderr, when Chromium is absent. No test asserts these times.
"""

from __future__ import annotations

import sys

from bench import Result


def run(quick: bool = False) -> list[Result]:
    from bench.classroom_load import chromium_path, pct, run_classroom, run_reruns

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
    ratio, per_session, growth = rep.p95_ratio, rep.mb_per_session, rr.growth_mb
    return [
        Result(
            name=f"load: errors, 1 then {n} students x {secs:g} s and {rr.reruns} reruns",
            value=float(len(errors)), unit="errors", target=0.0, met=not errors,
            detail="; ".join(errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""),
        ),
        Result(
            name=f"load: p95 latency in the server, {n} students at once / 1 student",
            value=ratio, unit="ratio", target=3.0, met=ratio <= 3.0,
            detail=(f"server p50/p95: 1 student {one['server_p50_s']:.2f}/{one['server_p95_s']:.2f} s "
                    f"({one['actions_per_s']:.2f} actions/s), {n}: {many['server_p50_s']:.2f}/"
                    f"{many['server_p95_s']:.2f} s ({many['actions_per_s']:.2f}/s, fewest per student "
                    f"{many['actions_per_session_min']}); browser p50/p95: 1 {one['browser_p50_s']:.2f}/"
                    f"{one['browser_p95_s']:.2f} s, {n} {many['browser_p50_s']:.2f}/{many['browser_p95_s']:.2f} s "
                    f"(ratio {rep.browser_p95_ratio:.1f}); CPU with {n} [cores]: server {many['server_cores']:.2f}, "
                    f"Chromium+Playwright {many['client_cores']:.2f}, other {many['other_cores']:.2f}"),
        ),
        Result(
            name=f"load: server memory growth per student, {n} at once",
            value=per_session, unit="MB", target=50.0, met=per_session <= 50.0,
            detail=(f"RSS {many['rss_before_mb']:.0f} MB before, {many['rss_peak_mb']:.0f} peak, "
                    f"{many['rss_end_mb']:.0f} at the end, {many['rss_after_mb']:.0f} after they left"),
        ),
        Result(
            name=f"load: server memory growth over {rr.reruns} reruns of one session after {rr.warmup} of warm-up",
            value=growth, unit="MB", target=20.0, met=growth <= 20.0,
            detail=(f"RSS every {every}: " + ", ".join(f"{b / 2**20:.0f}" for _, b in rr.rss)
                    + f" MB; slope {rr.slope_mb_per_100:.2f} MB per 100 reruns; rerun in the server p50 "
                    f"{1e3 * pct(rr.server_s, 50):.0f} ms"),
        ),
    ]
