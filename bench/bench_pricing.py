"""Pricing throughput: 10 million tracks through the vectorized exact path.

Reported as the time to price every track (bytes -> cents, rounded half-up,
exact) over the time of one numpy float64 multiply of arrays of the same
size, both timed in this run. Target: ratio <= 5.
"""

from __future__ import annotations

import numpy as np

from bench import Result, best_time_s
from simulator.model.pricing import pricing_terms, track_price_cents
from simulator.params.scenario import make_scenario


def run(quick: bool = False) -> list[Result]:
    # The full size even with --quick (about a second): at 1 million a float64 multiply runs from
    # the CPU's cache, and the ratio (about 6.6 there) says nothing about 10 million tracks.
    n = 10_000_000
    rng = np.random.default_rng(2006)
    # Real-looking sizes: 30 s to 20 min at 64-320 kbps.
    sizes = rng.integers(240_000, 48_000_000, size=n, dtype=np.int64)
    a = rng.random(n)
    b = rng.random(n)
    terms = pricing_terms(make_scenario())
    t_mul = best_time_s(lambda: np.multiply(a, b), repeat=5)
    t_price = best_time_s(lambda: track_price_cents(sizes, terms), repeat=3)
    ratio = t_price / t_mul
    return [
        Result(
            name=f"pricing: {n:,} tracks, exact vectorized / float64 multiply",
            value=ratio,
            unit="ratio",
            target=5.0,
            met=ratio <= 5.0,
            detail=f"price {t_price * 1e3:.1f} ms, multiply {t_mul * 1e3:.1f} ms",
        )
    ]
