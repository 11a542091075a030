"""Shared pieces of the subcommands: scenario options and output (table, JSON, CSV).

Light on purpose: ``price`` imports it, so it loads neither pandas nor the model's solvers
(``--calibrate`` lives in :mod:`simulator.cli._calibrate`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from simulator.io.tables import rows_to_csv
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import Scenario, make_scenario, parse_value

if TYPE_CHECKING:  # annotations only: a command that prints one record never loads pandas
    import pandas as pd

__all__ = [
    "add_scenario_options",
    "scenario_from_args",
    "print_json",
    "print_table",
    "print_record",
    "write_csv",
    "records",
    "format_value",
    "columns_epilog",
    "COUNT_COLUMNS",
]

def add_scenario_options(p: argparse.ArgumentParser, *, presets: bool = True) -> None:
    """Add ``--assumptions FILE``, ``--preset NAME`` and ``--set KEY=VALUE``."""
    p.add_argument("--assumptions", metavar="FILE", help="assumptions YAML file (default: the embedded one)")
    if presets:
        p.add_argument("--preset", metavar="NAME", help="start from a named preset (see 'presets')")
    p.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override one input by its dotted name in assumptions.yaml (repeatable)",
    )


def scenario_from_args(args: argparse.Namespace, **extra: Any) -> Scenario:
    """Build the scenario the options describe; ``extra`` are more overrides (None ignored).

    Raises
    ------
    ValueError
        Bad file, unknown preset, unknown key or out-of-bounds value.
    """
    a = load_assumptions(args.assumptions) if getattr(args, "assumptions", None) else load_assumptions()
    overrides: dict[str, Any] = {}
    for item in getattr(args, "set", []) or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set must look like KEY=VALUE, got {item!r}")
        overrides[key.strip()] = parse_value(a, key.strip(), value)
    for k, v in extra.items():
        if v is not None:
            overrides[k] = v
    return make_scenario(a, preset=getattr(args, "preset", None), overrides=overrides)


def _plain(x: Any) -> Any:
    if isinstance(x, (Decimal, Fraction)):
        return float(x)
    if isinstance(x, Mapping):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if hasattr(x, "item"):  # numpy scalar
        return x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


#: Marks a Decimal's exact digits while the JSON is written (random per process, so no input contains it).
_EXACT = f"@@exact-{os.urandom(8).hex()}@@"
_EXACT_RE = re.compile('"' + re.escape(_EXACT) + r'(-?[0-9.E+-]+)"')


def _exact(x: Any) -> Any:
    """Like :func:`_plain`, but Decimals keep every digit (written as JSON numbers below)."""
    if isinstance(x, Decimal) and x.is_finite():
        return _EXACT + format(x, "f")
    if isinstance(x, Mapping):
        return {k: _exact(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_exact(v) for v in x]
    return _plain(x)


def print_json(obj: Any, out=None) -> None:
    """Print ``obj`` as JSON; Decimals become JSON numbers with all their digits (money stays exact)."""
    out = out or sys.stdout
    text = json.dumps(_exact(obj), indent=2, ensure_ascii=False)
    out.write(_EXACT_RE.sub(lambda m: m.group(1), text))
    out.write("\n")


#: Columns that count people or downloads: printed as whole numbers (a model's 2,851,420.73
#: customers is 2,851,421 people). JSON keeps every digit.
COUNT_COLUMNS = frozenset({"customers", "downloads", "reported_customers", "customers_gap", "clone_customers",
                           "monthly_buyers", "potential_buyers"})
#: Suffix of a money column: printed with cents from one dollar up.
MONEY_SUFFIX = "_usd"


def _fmt(x: Any, name: str = "") -> str:
    """Format one value for a text table; ``name`` (the column) picks counts and money."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, Decimal):
        return f"{x:,f}"
    if isinstance(x, float) and math.isfinite(x):
        if name in COUNT_COLUMNS:
            return f"{round(x):,}"
        if name.endswith(MONEY_SUFFIX) and abs(x) >= 1:
            return f"{x:,.2f}"
    if isinstance(x, float):
        if abs(x) < 1e6 or not math.isfinite(x):
            return f"{x:,.6g}"
        return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"
    if isinstance(x, int):
        return f"{x:,}"
    return "" if x is None else str(x)


def format_value(x: Any, name: str = "") -> str:
    """Format a value as the text tables do: counts whole, money with cents (``name`` ends in ``_usd``).

    Examples
    --------
    >>> format_value(30559230.529, "revenue_usd"), format_value(2851420.73, "customers"), format_value(0.1916, "x")
    ('30,559,230.53', '2,851,421', '0.1916')
    """
    return _fmt(x, name)


def print_record(rec: Mapping[str, Any], out=None) -> None:
    """Print one record as aligned ``key  value`` lines."""
    out = out or sys.stdout
    w = max((len(k) for k in rec), default=0)
    for k, v in rec.items():
        out.write(f"{k:<{w}}  {_fmt(v, k)}\n")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a frame's rows as dicts by column name (``DataFrame.to_dict("records")``).

    Parameters
    ----------
    frame : pandas.DataFrame
        A table of the simulator, whose column labels are text.

    Returns
    -------
    list of dict
        One dict per row, in row order.
    """
    # The simulator's tables have text column labels: each record is keyed by str.
    return cast(list[dict[str, Any]], frame.to_dict(orient="records"))


def print_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, out=None) -> None:
    """Print rows as an aligned text table (numbers right-aligned)."""
    out = out or sys.stdout
    if not rows:
        out.write("(no rows)\n")
        return
    cols = list(columns or rows[0].keys())
    cells = [[_fmt(r.get(c), c) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    numeric = [all(isinstance(r.get(c), (int, float, Decimal)) for r in rows) for c in cols]

    def line(vals: Iterable[str]) -> str:
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(vals, widths, numeric, strict=True)).rstrip()

    out.write(line(cols) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(line(row) + "\n")


def write_csv(rows: Sequence[Mapping[str, Any]], out=None, columns: Sequence[str] | None = None) -> None:
    """Write rows as CSV (formula-looking text neutralised, see :func:`simulator.io.tables.rows_to_csv`)."""
    (out or sys.stdout).write(rows_to_csv([{k: _plain(v) for k, v in r.items()} for r in rows], columns))


def columns_epilog(columns: Mapping[str, str], intro: str = "Columns (JSON keys) and their units:") -> str:
    """Return a ``--help`` epilog that explains each output column: name, then meaning and unit.

    Parameters
    ----------
    columns : Mapping[str, str]
        Column name -> what it holds, with its unit in brackets.
    intro : str
        The line above the list.

    Examples
    --------
    >>> print(columns_epilog({"price_usd": "what the buyer paid [USD]"}))
    Columns (JSON keys) and their units:
      price_usd  what the buyer paid [USD]
    """
    w = max((len(k) for k in columns), default=0)
    return "\n".join([intro, *(f"  {k:<{w}}  {v}" for k, v in columns.items())])
