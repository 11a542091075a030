"""``allofmp3-sim price``: the size, price and revenue split of one track."""

from __future__ import annotations

import argparse

from simulator.cli._columns import explain_columns
from simulator.cli._common import add_scenario_options, print_json, print_record, scenario_from_args
from simulator.model.pricing import quote_track
from simulator.model.units import DURATION_FORMS, MAX_DURATION_MS, format_duration, parse_duration_ms

#: Columns ``price`` prints (text, JSON, CSV), explained in its ``--help``.
PRICE_COLUMNS = (
    "encoding", "bitrate_kbps", "duration_ms", "duration", "size_bytes", "size_mb", "mb_unit",
    "rate_usd_per_mb", "discount_share", "rounding", "price_usd", "royalty_usd", "roms_usd", "fair_usd",
    "card_fee_usd", "bandwidth_usd", "operator_usd", "itunes_price_usd",
)


def register(sub) -> None:
    """Add the ``price`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "price",
        help="price one track",
        description="Price one track: its size, its price per MB and who gets what of it.",
    )
    p.add_argument("--duration", required=True, metavar="LENGTH",
                   help=f"track length with its unit: {DURATION_FORMS} (a bare number is refused: seconds or ms?)")
    explain_columns(p, PRICE_COLUMNS)
    p.add_argument("--encoding", metavar="NAME", help="e.g. mp3-192, aac-256, ogg-160, flac, wav (default: encoding.default)")
    p.add_argument("--rate-usd-per-mb", type=float, metavar="R", help="rate per MB in US dollars (default 0.03)")
    p.add_argument("--discount", type=float, metavar="SHARE", help="discount off the rate, 0 to 0.34")
    p.add_argument("--mb", choices=["decimal", "binary"], help="decimal MB (10^6 bytes) or binary MiB (2^20)")
    p.add_argument("--rounding", choices=["per_track", "per_basket", "unrounded"], help="rounding rule")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_scenario_options(p, presets=True)
    p.set_defaults(func=run)


def quote_record(q, scenario) -> dict:
    """Return the quote as a flat record with unit-suffixed names."""
    itunes = scenario.comparison.itunes_track_usd
    return {
        "encoding": q.encoding.name,
        "bitrate_kbps": q.encoding.bitrate_kbps,
        "duration_ms": q.duration_ms,
        "duration": format_duration(q.duration_ms),
        "size_bytes": q.size_bytes,
        "size_mb": q.size_mb,
        "mb_unit": q.mb_unit,
        "rate_usd_per_mb": q.rate_usd_per_mb,
        "discount_share": scenario.pricing.discount_share,
        "rounding": scenario.pricing.rounding,
        "price_usd": q.price_usd,
        "royalty_usd": q.split.roms_usd,
        **q.split.as_dict(),
        "itunes_price_usd": itunes,
    }


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim price``: print the size, price and revenue split of one track.

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
        For a bad duration (unreadable, or longer than a week) or a bad input;
        :func:`simulator.cli.main` reports it.
    """
    try:
        duration_ms = parse_duration_ms(args.duration, default_unit=None)
    except ValueError as e:
        raise ValueError(f"--{e}") from None  # "--duration '240000' has no unit ..."
    if duration_ms > MAX_DURATION_MS:
        raise ValueError(f"--duration must be at most {format_duration(MAX_DURATION_MS)} (a week), "
                         f"got {args.duration!r}")
    s = scenario_from_args(
        args,
        **{
            "pricing.rate_usd_per_mb": args.rate_usd_per_mb,
            "pricing.discount_share": args.discount,
            "pricing.mb_convention": args.mb,
            "pricing.rounding": args.rounding,
        },
    )
    q = quote_track(duration_ms, args.encoding or s.encoding.default, s)
    rec = quote_record(q, s)
    if args.json:
        print_json(rec)
    else:
        print_record(rec)
    return 0
