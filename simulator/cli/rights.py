"""``allofmp3-sim rights``: ROMS against iTunes wholesale, and the US lawsuit arithmetic."""

from __future__ import annotations

import argparse

from simulator.cli._calibrate import add_calibrate_option, scenario_for
from simulator.cli._columns import explain_columns
from simulator.cli._common import (
    add_scenario_options,
    print_json,
    print_record,
)
from simulator.model.rights import lawsuit_arithmetic, rights_comparison
from simulator.present.lawsuit import per_work_text, rate_days_text

#: Columns ``rights`` prints (text, JSON, CSV), explained in its ``--help``.
RIGHTS_COLUMNS = (
    "downloads", "revenue_usd", "roms_usd_per_download", "fair_usd_per_download",
    "wholesale_usd_per_download", "wholesale_low_usd_per_download", "wholesale_high_usd_per_download",
    "roms_usd_per_year", "fair_usd_per_year", "wholesale_usd_per_year", "wholesale_low_usd_per_year",
    "wholesale_high_usd_per_year", "wholesale_to_paid_ratio", "shortfall_usd_per_year",
    "wholesale_share_of_revenue", "songs", "statutory_damages_usd_per_song", "claim_usd", "rate_usd_per_mb",
    "mean_price_usd", "roms_usd", "fair_usd", "operator_margin_usd", "itunes_retail_usd",
    "itunes_wholesale_usd", "claim_to_revenue_ratio", "claim_to_roms_ratio", "claim_to_wholesale_ratio",
)


def register(sub) -> None:
    """Add the ``rights`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "rights",
        help="ROMS payout vs labels at iTunes wholesale; the $1.65 trillion lawsuit",
        description=("What ROMS got per download and per year against labels at iTunes wholesale, and the US "
                     "labels' lawsuit: the press's $1.65 trillion (songs x the statute's most per work; US statutory "
                     "damages are per work infringed, not per copy) next to what the same songs earned at the "
                     "rates of June-October 2006."),
    )
    explain_columns(p, RIGHTS_COLUMNS)
    add_scenario_options(p)
    add_calibrate_option(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim rights``: print ROMS against iTunes wholesale and the lawsuit arithmetic.

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
    rec = {"rights": rights_comparison(s).as_dict(), "lawsuit": lawsuit_arithmetic(s).as_dict()}
    if args.json:
        print_json(rec)
        return 0
    print_record({**rec["rights"], **{f"lawsuit_{k}": v for k, v in rec["lawsuit"].items()}})
    print(f"\nlawsuit_claim_usd: {per_work_text(s)}")
    print(f"lawsuit_rate_usd_per_mb: the songs were bought over {rate_days_text(s)}; the rate is weighted by those "
          "days, whatever rate the scenario explores.")
    return 0
