"""Benchmarks of the simulator. Run them all with ``python -m bench [--quick] [--json]``.

Each ``bench/bench_*.py`` module defines ``run(quick: bool) -> list[Result]``.
Every figure is a ratio measured in the same run (so it travels between
machines); no test asserts a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

__all__ = ["Result", "best_time_s"]


@dataclass(frozen=True)
class Result:
    """One benchmark figure.

    Attributes
    ----------
    name : str
    value : float
        The measured figure (usually a ratio).
    unit : str
    target : float
        The figure to stay at or below.
    met : bool
        ``value <= target``.
    detail : str
        Raw timings behind the ratio.
    """

    name: str
    value: float
    unit: str
    target: float
    met: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def best_time_s(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls of ``fn``. [s]"""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best
