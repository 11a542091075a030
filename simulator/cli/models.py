"""``allofmp3-sim models``: pricing models side by side for listener types, and break-even track lengths."""

from __future__ import annotations

import argparse

from simulator.cli._columns import explain_columns
from simulator.cli._common import (
    add_scenario_options,
    print_json,
    print_table,
    records,
    scenario_from_args,
    write_csv,
)
from simulator.model.tariffs import MODELS, break_even_durations, listener_table

#: Columns ``models`` prints (text, JSON, CSV), explained in its ``--help``.
MODELS_COLUMNS = (
    "listener", "label", "encoding", "duration_s", "tracks_per_year", "per_mb_usd", "itunes_usd",
    "itunes_album_cap_usd", "itunes_plus_usd", "subscription_usd", "cheapest_model", "dearest_model",
    "cheapest_licensed_model", "per_mb_vs_itunes", "bitrate_kbps", "usd_per_s", "itunes_s", "itunes_plus_s",
    "subscription_s",
)


def register(sub) -> None:
    """Add the ``models`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "models",
        help="per MB vs iTunes, album cap, iTunes Plus and a subscription, by listener type",
        description=("A year of buying for each listener type under each pricing model, the cheapest model, "
                     "and the track length at which per-MB pricing passes each flat price."),
    )
    explain_columns(p, MODELS_COLUMNS)
    add_scenario_options(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print the listener table as CSV")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim models``: print each listener type's year under each pricing model.

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
    listeners = records(listener_table(s))
    even = records(break_even_durations(s))
    if args.json:
        print_json({"listeners": listeners, "break_even": even})
    elif args.csv:
        write_csv(listeners)
    else:
        print_table(listeners, ["listener", "encoding", "tracks_per_year", *(f"{m}_usd" for m in MODELS),
                                "cheapest_model", "cheapest_licensed_model"])
        print()
        print_table(even, ["encoding", "itunes_s", "itunes_plus_s", "subscription_s"])
    return 0
