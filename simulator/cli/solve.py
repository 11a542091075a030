"""``allofmp3-sim solve``: goal seek one input so that one market-year output hits a target."""

from __future__ import annotations

import argparse
import math

from simulator.cli._columns import explain_columns
from simulator.cli._common import add_scenario_options, print_json, print_record, scenario_from_args
from simulator.model.calibration import DEFAULT_INPUT, DEFAULT_OUTPUT, solve

#: Columns ``solve`` prints (text, JSON, CSV), explained in its ``--help``.
SOLVE_COLUMNS = (
    "preset", "input", "value", "unit", "output", "target", "achieved", "error", "iterations",
    "function_calls", "bounds_min", "bounds_max",
)


def register(sub) -> None:
    """Add the ``solve`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "solve",
        help="solve one input so that an output hits a target",
        description=(
            "Goal seek on the store model: vary one number input between its bounds until an output of the "
            "year (timeline.year_end) equals a target. "
            f"Default: {DEFAULT_INPUT} (the store's appeal) such that {DEFAULT_OUTPUT} equals "
            "market.reported_revenue_usd. An input the output does not depend on is refused with a message; "
            "when the output crosses the target more than once (revenue peaks in the rate), the value nearest "
            "the scenario's own is given."
        ),
    )
    explain_columns(p, SOLVE_COLUMNS)
    p.add_argument("--target", metavar="OUTPUT=VALUE",
                   help=f"output and wanted value, e.g. revenue_usd=30e6 (default: {DEFAULT_OUTPUT}=reported revenue)")
    p.add_argument("--vary", metavar="INPUT", default=DEFAULT_INPUT,
                   help=f"dotted name of the input to solve for (default: {DEFAULT_INPUT})")
    add_scenario_options(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def parse_target(text: str | None) -> tuple[str, float | None]:
    """Split ``OUTPUT=VALUE`` into the output name and a finite number.

    Raises
    ------
    ValueError
        If the text is not ``OUTPUT=VALUE`` with a finite number.

    Examples
    --------
    >>> parse_target("roms_usd=5e6"), parse_target(None)
    (('roms_usd', 5000000.0), ('revenue_usd', None))
    """
    if text is None:
        return DEFAULT_OUTPUT, None
    name, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not sep or not name.strip() or not math.isfinite(number):
        raise ValueError(f"--target must look like OUTPUT=VALUE with a finite number, got {text!r}")
    return name.strip(), number


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim solve``: goal seek one input and print the solution.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit status: 0.

    Raises
    ------
    ValueError
        For a bad ``--target`` or ``--vary``, an input the output does not depend on, a target that
        cannot be reached (the message gives the reachable range), or a bad input; :func:`simulator.cli.main`
        reports it.
    """
    output, target = parse_target(args.target)
    s = scenario_from_args(args)
    sol = solve(s, output=output, target=target, vary=args.vary.strip())
    rec = {"preset": s.preset or "(defaults)", **sol.as_dict()}
    rec["bounds_min"], rec["bounds_max"] = rec.pop("bounds")
    if args.json:
        print_json(rec)
    else:
        print_record(rec)
    return 0
