"""``allofmp3-sim demand``: the revenue- and profit-maximizing rate, and the same listeners at iTunes terms."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from simulator.cli._calibrate import add_calibrate_option, scenario_for
from simulator.cli._columns import explain_columns
from simulator.cli._common import (
    add_scenario_options,
    print_json,
    print_table,
    records,
)
from simulator.model.demand import OBJECTIVES, best_rate, itunes_counterfactual

#: Columns ``demand`` prints (text, JSON, CSV), explained in its ``--help``.
DEMAND_COLUMNS = (
    "objective", "elasticity", "interior", "rate_usd_per_mb", "in_bounds", "best_rate_usd_per_mb",
    "best_value_usd", "numeric_rate_usd_per_mb", "direction", "gross_share", "cost_usd_per_mb", "bounds",
    "statement", "case", "label", "customers", "downloads", "price_per_download_usd", "revenue_usd",
    "rights_holders_usd", "rights_holders_low_usd", "rights_holders_high_usd", "rights_holders_share",
)


def register(sub) -> None:
    """Add the ``demand`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "demand",
        help="best rate per MB under constant elasticities; iTunes terms",
        description=("Constant-elasticity demand around the scenario: the revenue- and profit-maximizing "
                     "rate per MB (Lerner condition, checked numerically), and the same listeners at iTunes terms."),
    )
    explain_columns(p, DEMAND_COLUMNS)
    add_scenario_options(p)
    add_calibrate_option(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim demand``: print the best rates per MB and the same listeners at iTunes terms.

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
        For a bad input (an unknown preset or input, a value out of bounds); :func:`simulator.cli.main` reports it.
    """
    s = scenario_for(args)
    optima = {o: best_rate(o, s) for o in OBJECTIVES}
    itunes = records(itunes_counterfactual(s))
    if args.json:
        print_json({**{o: asdict(r) for o, r in optima.items()}, "itunes": itunes})
        return 0
    for o, r in optima.items():
        print(f"{o}: {r.statement}")
    print()
    print_table(itunes, ["case", "customers", "downloads", "price_per_download_usd", "revenue_usd",
                         "rights_holders_usd", "rights_holders_share"])
    return 0
