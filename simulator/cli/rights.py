"""``allofmp3-sim rights``: ROMS against iTunes wholesale, and the US lawsuit arithmetic."""

from __future__ import annotations

import argparse

from simulator.cli._calibrate import add_calibrate_option, scenario_for
from simulator.cli._common import (
    add_scenario_options,
    print_json,
    print_record,
)
from simulator.model.rights import lawsuit_arithmetic, rights_comparison


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
                     "labels' statutory-damages claim next to what the same songs earned."),
    )
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
    return 0
