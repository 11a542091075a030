"""``allofmp3-sim market`` and ``allofmp3-sim presets``: the market year, and the named scenarios."""

from __future__ import annotations

import argparse

from simulator.cli._columns import explain_columns
from simulator.cli._common import add_scenario_options, print_json, print_record, scenario_from_args
from simulator.model.market import market_year
from simulator.params.assumptions import load_assumptions

#: Columns ``market`` prints (text, JSON, CSV), explained in its ``--help``.
MARKET_COLUMNS = (
    "preset", "customers", "monthly_buyers", "potential_buyers", "paying_factor", "downloads_per_customer", "downloads", "mean_size_mb",
    "mb_unit", "mean_price_usd", "revenue_usd", "card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd",
    "labels_usd", "operator_margin_usd", "data_served_tb", "revenue_per_customer_usd", "consumer_surplus_usd",
    "elasticity", "diversion_p2p", "diversion_itunes",
    "reported_revenue_usd", "reported_customers", "revenue_gap_usd", "revenue_gap_pct", "customers_gap",
    "customers_gap_pct",
)

#: Columns ``presets`` prints (text, JSON, CSV), explained in its ``--help``.
PRESETS_COLUMNS = ("name", "label", "purpose", "overrides")

def register(sub) -> None:
    """Add the ``market`` and ``presets`` subcommands to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "market",
        help="the market year of a scenario",
        description="Customers x downloads x mean price: revenue, who was paid, and the gap to the reported figures.",
    )
    add_scenario_options(p)
    explain_columns(p, MARKET_COLUMNS)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run_market)

    q = sub.add_parser("presets", help="list the named scenarios", description="One preset per line: its name, then its purpose.")

    explain_columns(q, PRESETS_COLUMNS)
    q.add_argument("--assumptions", metavar="FILE", help="assumptions YAML file (default: the embedded one)")
    q.add_argument("--json", action="store_true", help="print JSON instead of lines")
    q.set_defaults(func=run_presets)


def run_market(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim market``: print the scenario's market year.

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
    s = scenario_from_args(args)
    rec = {"preset": s.preset or "(defaults)", **market_year(s).as_dict()}
    if args.json:
        print_json(rec)
    else:
        print_record(rec)
    return 0


def run_presets(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim presets``: print each named scenario and its purpose.

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
        For an assumptions file that is malformed; :func:`simulator.cli.main` reports it.
    OSError
        For an assumptions file that cannot be read; :func:`simulator.cli.main` reports it.
    """
    a = load_assumptions(args.assumptions) if args.assumptions else load_assumptions()
    rows = [
        {"name": name, "label": p.label, "purpose": p.purpose, "overrides": dict(p.overrides)}
        for name, p in a.presets.items()
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['name']}: {r['purpose']}")
    return 0


