"""``allofmp3-sim timeline``: the store month by month (rate steps, card freeze, shutdown)."""

from __future__ import annotations

import argparse

from simulator.cli._calibrate import add_calibrate_option, scenario_for
from simulator.cli._columns import explain_columns
from simulator.cli._common import (
    add_scenario_options,
    print_json,
    print_table,
    records,
    write_csv,
)
from simulator.model.timeline import monthly_timeline, yearly_totals

#: Columns of the text table (JSON and CSV carry every column).
TABLE_COLUMNS = ("month", "rate_usd_per_mb", "customers", "paying_factor", "downloads", "revenue_usd",
                 "roms_usd", "operator_margin_usd", "events")


#: Columns ``timeline`` prints (text, JSON, CSV), explained in its ``--help``.
TIMELINE_COLUMNS = (
    "month", "year", "days_open", "rate_usd_per_mb", "potential_buyers", "buyers", "new_accounts", "customers",
    "paying_factor", "downloads_per_customer", "downloads", "mean_size_mb", "mean_price_usd", "revenue_usd",
    "card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd", "labels_usd", "operator_margin_usd", "data_served_tb",
    "consumer_surplus_usd", "elasticity", "annualized_revenue_usd",
    "events",
)


def register(sub) -> None:
    """Add the ``timeline`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "timeline",
        help="monthly revenue from 2004 to the 2007 shutdown",
        description=("Month by month from January 2004 to the shutdown: the rate in force, customers, "
                     "the MasterCard then Visa freeze, downloads, revenue and the split."),
    )
    explain_columns(p, TIMELINE_COLUMNS)
    add_scenario_options(p)
    add_calibrate_option(p)
    p.add_argument("--yearly", action="store_true", help="sum by calendar year")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON (every column)")
    out.add_argument("--csv", action="store_true", help="print CSV (every column)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim timeline``: print the store month by month (or by year).

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
    t = monthly_timeline(scenario_for(args))
    if args.yearly:
        t, cols = yearly_totals(t), None
    else:
        t = t.assign(month=t["month"].dt.strftime("%Y-%m"))
        cols = TABLE_COLUMNS
    rows = records(t)
    if args.yearly and not (args.json or args.csv):
        rows = [{**r, "year": str(r["year"])} for r in rows]  # a year, not a count: no thousands separator
    if args.json:
        print_json(rows)
    elif args.csv:
        write_csv(rows)
    else:
        print_table(rows, cols)
    return 0
