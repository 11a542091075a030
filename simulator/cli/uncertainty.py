"""``allofmp3-sim sensitivity`` and ``allofmp3-sim montecarlo``: a tornado and a seeded Monte Carlo."""

from __future__ import annotations

import argparse

from simulator.cli._columns import explain_columns
from simulator.cli._common import (
    add_scenario_options,
    format_value,
    print_json,
    print_table,
    records,
    scenario_from_args,
)
from simulator.model.uncertainty import MAX_DRAWS, OUTPUTS, monte_carlo, tornado

_TORNADO_COLUMNS = ["input", "unit", "low", "base", "high", "output_at_low", "output_at_high", "swing"]


#: Columns ``sensitivity`` prints (text, JSON, CSV), explained in its ``--help``.
SENSITIVITY_COLUMNS = (
    "input", "label", "unit", "low", "base", "high", "output", "output_unit", "output_at_low",
    "output_base", "output_at_high", "swing",
)

#: Columns ``montecarlo`` prints (text, JSON, CSV), explained in its ``--help``.
MONTECARLO_COLUMNS = (
    "draws", "seed", "input", "label", "unit", "distribution", "low", "mode", "high", "sd", "output", "p5_value",
    "p50_value", "p95_value", "mean_value", "deterministic_value", "deterministic_percentile",
)


def register(sub) -> None:
    """Add the ``sensitivity`` and ``montecarlo`` subcommands to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "sensitivity",
        help="tornado: each input at its low and high, sorted by swing",
        description="Each input with a plausible range at its low and at its high (a fitted demand parameter "
        "one standard error either side of its fitted value), the others at the scenario's values; the change "
        "of one output of the year, largest swing first.",
    )
    explain_columns(p, SENSITIVITY_COLUMNS)
    add_scenario_options(p)
    p.add_argument("--output", default="revenue_usd", metavar="OUTPUT",
                   help=f"the output to explain (default revenue_usd); one of: {', '.join(OUTPUTS)}")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run_sensitivity)

    q = sub.add_parser(
        "montecarlo",
        help="seeded Monte Carlo of the fitted monthly model: percentiles 5/50/95",
        description="Run the monthly store model once per draw, every uncertain input drawn at once (the fitted "
        "demand parameters normal around their fitted values with the fit's standard errors, the others "
        "triangular low/value/high), vectorized over the draws; percentiles of the year's revenue, customers, "
        "downloads per customer, ROMS payout and the operator's contribution margin (before fixed costs), and "
        "the percentile at which the scenario itself lies.",
    )
    explain_columns(q, MONTECARLO_COLUMNS)
    add_scenario_options(q)
    q.add_argument("--draws", type=int, metavar="N",
                   help=f"joint draws, 1 to {MAX_DRAWS:,} (default: uncertainty.draws)")
    q.add_argument("--seed", type=int, metavar="S", help="random seed (default: uncertainty.seed)")
    q.add_argument("--json", action="store_true", help="print JSON instead of tables")
    q.set_defaults(func=run_montecarlo)


def run_sensitivity(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim sensitivity``: print the tornado of one output.

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
        For an unknown output or a bad input; :func:`simulator.cli.main` reports it.
    """
    df = tornado(scenario_from_args(args), output=args.output)
    if args.json:
        print_json({"output": args.output, "rows": records(df)})
    else:
        unit = df["output_unit"].iloc[0] if len(df) else ""
        base = format_value(float(df["output_base"].iloc[0]), args.output) if len(df) else ""
        print(f"output: {args.output} [{unit}], base {base}" if len(df) else "")
        print_table(records(df), columns=_TORNADO_COLUMNS)
    return 0


def run_montecarlo(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim montecarlo``: print the percentiles of the outputs and the drawn inputs.

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
        For a bad number of draws or a bad input; :func:`simulator.cli.main` reports it.
    """
    mc = monte_carlo(scenario_from_args(args), draws=args.draws, seed=args.seed)
    if args.json:
        print_json(mc.as_dict())
    else:
        print(f"draws {mc.draws:,}, seed {mc.seed}")
        print_table(records(mc.summary))
        print()
        print_table(records(mc.inputs), columns=["input", "unit", "distribution", "low", "mode", "high", "sd"])
    return 0
