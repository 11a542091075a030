"""Market benchmarks: the agent-level year of every customer (the Monte Carlo is in ``bench_montecarlo``).

* Agent-level year: wall time of :func:`simulator.model.customers.customer_year` (every customer of
  the store model's year, or in quick mode a sample of them) over the
  time of drawing the same number of lognormal variates with one
  ``Generator.lognormal`` call, both timed in this run (target <= 2); and its peak
  memory (target <= 1 GB), measured two ways and reported as the larger:
  ``tracemalloc``'s peak of the allocations made during the call (numpy reports its
  array buffers to tracemalloc), and, in a fresh subprocess, the peak resident set
  size (``ru_maxrss``) after the call minus the resident set just before it (``VmRSS``
  of ``/proc/self/status``, with the imports and a warm-up market year already loaded;
  Linux only, reported as n/a elsewhere).

Quick mode draws a sample of 1,100,000 customers.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tracemalloc

import numpy as np

from bench import Result, best_time_s
from simulator.model.customers import customer_year
from simulator.params.scenario import make_scenario

_MB = 1e6

_RSS_SCRIPT = """
import resource, sys
from simulator.model.customers import customer_year
from simulator.model.market import market_year
from simulator.params.scenario import make_scenario
s = make_scenario()
sample = %s
market_year(s)
with open("/proc/self/status") as f:  # current resident set, not the import-time peak
    before = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
customer_year(s, sample_customers=sample)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * 1024)  # both in KiB on Linux
"""


def _rss_delta_bytes(sample: int | None) -> float:
    """Peak RSS growth of one agent-level year in a fresh interpreter [bytes]; NaN if it cannot run.

    ``sample`` customers are drawn (None: every customer of the year).
    """
    try:
        out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT % sample], capture_output=True,
                             text=True, check=True, timeout=600)
        return float(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError, OSError):
        return math.nan


def _best_pair(f, g, repeat: int) -> tuple[float, float]:
    """Best wall times of ``f`` and ``g`` [s], calls interleaved so that load on a shared machine hits both."""
    tf, tg = math.inf, math.inf
    for _ in range(repeat):
        tf, tg = min(tf, best_time_s(f, repeat=1)), min(tg, best_time_s(g, repeat=1))
    return tf, tg


def _agent_level(quick: bool) -> list[Result]:
    sample = 1_100_000 if quick else None
    s = make_scenario()
    y = customer_year(s, sample_customers=sample)  # warm caches (catalogue, market year)
    n = y.sample_customers
    mu = math.log(y.downloads_per_customer) - y.downloads_sigma**2 / 2
    rng = np.random.default_rng(0)
    t_draw, t_year = _best_pair(lambda: rng.lognormal(mu, y.downloads_sigma, size=n),
                                lambda: customer_year(s, sample_customers=sample), 5)
    tracemalloc.start()
    customer_year(s, sample_customers=sample)
    _, peak_traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = _rss_delta_bytes(sample)
    peak = max(peak_traced, 0.0 if math.isnan(rss) else rss)
    ratio = t_year / t_draw
    return [
        Result(
            name=f"customers: agent-level year of {n:,} / numpy lognormal draw of {n:,}",
            value=ratio,
            unit="ratio",
            target=2.0,
            met=ratio <= 2.0,
            detail=f"year {t_year * 1e3:.0f} ms, draw {t_draw * 1e3:.0f} ms",
        ),
        Result(
            name=f"customers: peak memory of the agent-level year of {n:,}",
            value=peak / 1e9,
            unit="GB",
            target=1.0,
            met=peak <= 1e9,
            detail=f"tracemalloc peak {peak_traced / _MB:.0f} MB, subprocess RSS growth "
            + ("n/a" if math.isnan(rss) else f"{rss / _MB:.0f} MB"),
        ),
    ]


def run(quick: bool = False) -> list[Result]:
    return _agent_level(quick)
