"""``allofmp3-sim catalogue``: price a whole catalogue (a CSV, an iTunes Library.xml, or ``builtin``)."""

from __future__ import annotations

import argparse
import sys

from simulator.cli._columns import explain_columns
from simulator.cli._common import (
    add_scenario_options,
    print_json,
    print_table,
    records,
    scenario_from_args,
    write_csv,
)
from simulator.io.load import load_catalogue
from simulator.model.catalogue import builtin_catalogue
from simulator.model.catalogue_pricing import price_catalogue
from simulator.model.encoding import size_mb
from simulator.model.units import format_quantity

# Longest album, artist or track title shown in the text table (JSON and CSV keep them whole). [characters]
TABLE_TEXT_CHARS = 40

#: Columns shown, by ``--by``.
COLUMNS = {
    "track": ["album", "artist", "track", "duration_s", "size_bytes", "size_mb", "price_usd", "itunes_usd"],
    "album": ["album", "artist", "tracks", "duration_s", "size_bytes", "size_mb", "price_usd",
              "price_per_basket_usd", "itunes_usd"],
}


#: Columns ``catalogue`` prints (text, JSON, CSV), explained in its ``--help``.
CATALOGUE_COLUMNS = (
    "album", "artist", "track", "tracks", "duration_s", "size_bytes", "size_mb", "price_usd",
    "price_per_basket_usd", "itunes_usd",
)


def register(sub) -> None:
    """Add the ``catalogue`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "catalogue",
        help="price a catalogue of tracks (CSV, iTunes Library.xml or 'builtin')",
        description=(
            "Price every track of a catalogue by the megabyte, one row per track or per album, next to "
            "iTunes' price per track. FILE is a CSV (durations in ms, s or m:ss), an iTunes/Music "
            "Library.xml export, or the word 'builtin' for the embedded random catalogue. Videos and "
            "podcasts are left out and counted."
        ),
    )
    explain_columns(p, CATALOGUE_COLUMNS)
    p.add_argument("file", metavar="FILE", help="a CSV file, a Library.xml file, or 'builtin'")
    p.add_argument("--encoding", metavar="NAME", help="e.g. mp3-192, aac-256, flac (default: encoding.default)")
    p.add_argument("--rate-usd-per-mb", type=float, metavar="R", help="rate per MB in US dollars (default 0.03)")
    p.add_argument("--by", choices=["track", "album"], default="track", help="one row per track (default) or album")
    p.add_argument("--real-bytes", action="store_true",
                   help="price the real file sizes where the file gives them (others use the formula)")
    p.add_argument("--skip-bad-rows", action="store_true", help="skip malformed rows and count them instead of failing")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON list of rows")
    out.add_argument("--csv", action="store_true", help="print CSV (spreadsheet-safe)")
    add_scenario_options(p, presets=True)
    p.set_defaults(func=run)


def footer(priced, catalogue, scenario) -> list[str]:
    """Return the one-line total and the exclusion counts, as text lines."""
    a = priced.attrs
    mb = size_mb(a["size_bytes"], scenario.pricing.mb_convention, scenario)
    lines = [
        f"total: {format_quantity(a['tracks'], 'track')}, {mb:,.1f} {a['mb_unit']}, {a['encoding']} at ${a['rate_usd_per_mb']}/"
        f"{a['mb_unit']}: ${a['price_usd']:,} (each track rounded), ${a['price_per_basket_usd']:,} "
        f"(rounded once); iTunes ${a['itunes_usd']:,}",
        f"source: {catalogue.source}; excluded {format_quantity(catalogue.excluded_video, 'video')} and "
        f"{format_quantity(catalogue.excluded_podcast, 'podcast')}; skipped {format_quantity(catalogue.skipped_rows, 'bad row')}",
    ]
    if a["real_bytes_tracks"]:
        lines.append(f"real file sizes for {format_quantity(a['real_bytes_tracks'], 'track')}, "
                     f"formula sizes for {a['formula_bytes_tracks']:,}")
    lines += [f"skipped: {m}" for m in catalogue.skipped_examples]
    return lines


def _short(x):
    if isinstance(x, str) and len(x) > TABLE_TEXT_CHARS:
        return x[: TABLE_TEXT_CHARS - 1] + "…"
    return x


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim catalogue``: price every track or album and print a table, JSON or CSV.

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
        For a bad input or a malformed catalogue file; :func:`simulator.cli.main` reports it.
    OSError
        For a catalogue file that cannot be read; :func:`simulator.cli.main` reports it.
    """
    s = scenario_from_args(args, **{"pricing.rate_usd_per_mb": args.rate_usd_per_mb})
    load_kw = {"skip_bad_rows": args.skip_bad_rows, "scenario": s}
    catalogue = builtin_catalogue(s) if args.file == "builtin" else load_catalogue(args.file, **load_kw)
    priced = price_catalogue(catalogue, args.encoding or s.encoding.default, s,
                             by=args.by, use_real_bytes=args.real_bytes)
    cols = COLUMNS[args.by]
    rows = records(priced[cols])
    notes = footer(priced, catalogue, s)
    if args.json:
        print_json(rows)
    elif args.csv:
        write_csv(rows, columns=cols)
    else:
        print_table([{k: _short(v) for k, v in r.items()} for r in rows], cols)
        print("\n".join(notes))
        return 0
    print("\n".join(notes), file=sys.stderr)
    return 0
