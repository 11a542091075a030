"""Per-student variants: the class scenario with a few inputs moved by a seed derived from the student.

Neighbours cannot copy: each student's rate per MB, potential buyers (the store model's market
size: revenue, customers and downloads are proportional to it), card share and the number of
songs in the lawsuit are the class's values times a factor drawn from :data:`FACTORS` (never 1, so
every student's numbers differ from the class scenario's and the static worksheet's), rounded to
the input's step and kept within its bounds. The seed is a hash of the class's random salt and the
student's nickname (unique in the class), so the teacher (and the export) sees the same variant the student does, and no one
can work it out without the salt.

Examples
--------
>>> from simulator.params.scenario import make_scenario
>>> v = variant_overrides(make_scenario(), 12345)
>>> sorted(v) == sorted(VARIED)
True
>>> v == variant_overrides(make_scenario(), 12345)
True
>>> v["pricing.rate_usd_per_mb"] != 0.03
True
"""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal
from typing import Any

from simulator.params.scenario import Scenario

__all__ = ["VARIED", "FACTORS", "student_seed", "variant_overrides", "variant_scenario", "describe_variant"]

#: The inputs each student's variant moves: one per kind of exercise (prices, the market's size for
#: revenue, customers and the clone, the card freeze, the lawsuit).
VARIED = ("pricing.rate_usd_per_mb", "demand.potential_buyers", "payments.card_share", "rights.us_songs_jun_oct_2006")
#: Factors a varied input is multiplied by: 5-25% either way in steps of 2% (coarser than any tolerance,
#: 1% at most), 22 choices per input: two neighbours share one input's factor 1 time in 22, all four
#: about 1 in 230,000 (an input with a coarse step, like the rate's 0.1 c/MB, can merge neighbouring
#: factors after rounding). Small enough that the story still holds.
FACTORS = tuple(round(1 + s * k / 100, 2) for s in (-1, 1) for k in range(5, 26, 2))


def student_seed(salt: str, student: str) -> int:
    """Return a 64-bit seed from the class's secret salt and the student.

    The student is their case-folded nickname, unique in the class.

    >>> student_seed("ab", "ana") == student_seed("ab", "ana") != student_seed("ab", "bo")
    True
    """
    digest = hashlib.sha256(f"{salt}:{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _round_to_step(value: float, step: float | None) -> float:
    if not step:
        return value
    q = Decimal(str(step))
    return float((Decimal(str(value)) / q).to_integral_value() * q)


def variant_overrides(scenario: Scenario, seed: int) -> dict[str, Any]:
    """Return the varied inputs' values for a seed.

    Parameters
    ----------
    scenario : Scenario
        The class scenario.
    seed : int

    Returns
    -------
    dict
        One value per input of :data:`VARIED`, within its bounds and on its step.
    """
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    for key in VARIED:
        p = scenario.assumptions.parameters[key]
        base = scenario[key]
        factor = rng.choice(FACTORS)
        v = _round_to_step(base * factor, p.step)
        assert p.bounds is not None  # VARIED holds number inputs, which all have bounds (checked on load)
        lo, hi = p.bounds
        v = min(max(v, lo), hi)
        if v == base:  # rounding or a bound gave the class's value back: one step away instead
            step = p.step or abs(base) * (FACTORS[-1] - 1)
            v = min(max(base + step if factor > 1 else base - step, lo), hi)
        out[key] = int(v) if p.kind == "integer" else float(v)
    return out


def variant_scenario(scenario: Scenario, seed: int) -> Scenario:
    """Return the class scenario with :func:`variant_overrides` applied."""
    return scenario.with_overrides(variant_overrides(scenario, seed))


def describe_variant(scenario: Scenario, overrides: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Describe a variant as (input's label, class value, student's value) text, for the student and the teacher.

    A stored variant may name an input this model no longer has (``market.customers``, before the
    store model): its row says so instead of failing.

    Examples
    --------
    >>> from simulator.params.scenario import make_scenario
    >>> rows = describe_variant(make_scenario(), {"demand.potential_buyers": 7_600_000.0, "market.customers": 5e6})
    >>> rows[0]
    ('Potential buyers', '7,271,000 people', '7,600,000 people')
    >>> rows[1]
    ('market.customers', '(not an input of this model)', '5,000,000')
    """
    rows = []
    for key, v in overrides.items():
        p = scenario.assumptions.parameters.get(key)
        if p is None:
            rows.append((key, "(not an input of this model)", f"{v:,.10g}"))
            continue
        unit = f" {p.unit}" if p.unit else ""
        rows.append((p.label or key, f"{scenario[key]:,.10g}{unit}", f"{v:,.10g}{unit}"))
    return rows
