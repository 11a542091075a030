"""Command-line start-up: ``allofmp3-sim price`` against ``python -c "import numpy"``.

A price is one track's arithmetic; its wall time is almost all start-up (the interpreter,
the imports, reading ``assumptions.yaml``). Reported as its best wall time over the best
wall time of a Python that only imports NumPy, both timed in this run as fresh processes.
Target: ratio <= 3.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import Result

#: The command timed (the README's first example).
PRICE_ARGS = ("price", "--duration", "4:00", "--encoding", "mp3-192")
#: Target of the ratio (issue 11).
TARGET_RATIO = 3.0


def _price_command() -> list[str]:
    """The installed ``allofmp3-sim`` script beside this Python, else ``python -m simulator``."""
    script = Path(sys.executable).with_name("allofmp3-sim")
    found = str(script) if script.exists() else shutil.which("allofmp3-sim")
    return [found, *PRICE_ARGS] if found else [sys.executable, "-m", "simulator", *PRICE_ARGS]


def _wall_s(argv: list[str]) -> float:
    """Wall time of one run of a fresh process (output discarded). [s]"""
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _best_walls_s(commands: list[list[str]], repeat: int) -> list[float]:
    """Best wall time of each command over ``repeat`` rounds, the commands taking turns within a round
    (so that both see the same load on a shared machine). [s]"""
    best = [float("inf")] * len(commands)
    for _ in range(repeat):
        for i, argv in enumerate(commands):
            best[i] = min(best[i], _wall_s(argv))
    return best


def run(quick: bool = False) -> list[Result]:
    repeat = 3 if quick else 11
    price = _price_command()
    _wall_s(price)  # warm the file cache (bytecode, shared libraries)
    t_numpy, t_price = _best_walls_s([[sys.executable, "-c", "import numpy"], price], repeat)
    ratio = t_price / t_numpy
    return [
        Result(
            name="cli: allofmp3-sim price wall time / python -c 'import numpy', best of "
                 f"{repeat}",
            value=ratio,
            unit="ratio",
            target=TARGET_RATIO,
            met=ratio <= TARGET_RATIO,
            detail=f"price {t_price * 1e3:.0f} ms, import numpy {t_numpy * 1e3:.0f} ms",
        )
    ]
