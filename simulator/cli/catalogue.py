"""``allofmp3-sim catalogue``: price a whole catalogue (a file, a folder of audio files, or ``builtin``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, TypeVar

import pandas as pd
from tqdm import tqdm

from simulator.cli._columns import explain_columns
from simulator.cli._common import (
    add_scenario_options,
    print_json,
    print_table,
    records,
    scenario_from_args,
    write_csv,
)
from simulator.io.audio_files import Progress
from simulator.io.limits import EXCLUDED_NOUNS, BadRowError, describe_excluded, limits_for
from simulator.io.load import read_catalogue
from simulator.model.catalogue import Catalogue, builtin_catalogue, one_album_per_track
from simulator.model.catalogue_pricing import price_catalogue
from simulator.model.encoding import size_column, size_mb
from simulator.model.units import format_quantity
from simulator.params.scenario import Scenario

# Longest album, artist or track title shown in the text table (JSON and CSV keep them whole). [characters]
TABLE_TEXT_CHARS = 40

#: Columns shown, by ``--by``.
COLUMNS = {
    "track": ["album", "artist", "track", "duration_s", "size_bytes", "size_mb", "price_usd", "itunes_usd"],
    "album": ["album", "artist", "tracks", "duration_s", "size_bytes", "size_mb", "price_usd",
              "price_per_basket_usd", "itunes_usd"],
}
#: Columns a folder of audio files adds to ``--by track`` (what the files are).
FILE_COLUMNS = ["codec", "bitrate_kbps", "bitrate_mode"]

_T = TypeVar("_T")


#: Columns ``catalogue`` prints (text, JSON, CSV), explained in its ``--help``.
CATALOGUE_COLUMNS = (
    "album", "artist", "track", "tracks", "duration_s", "size_bytes", "size_mb", "size_mib", "price_usd",
    "price_per_basket_usd", "itunes_usd", "catalogue", "source", "rows_read", "tracks_priced", "excluded",
    "video", "podcast", "audiobook", "booklet", "ebook", "app", "stream", "other_file", "missing_file",
    "skipped_bad_rows", "skipped_examples", "columns", "warnings", "total", "mb_unit", "encoding",
    "rate_usd_per_mb", "real_bytes_tracks",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``catalogue`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "catalogue",
        help="price a catalogue of tracks (CSV, Library.xml, playlist, folder of audio files, or 'builtin')",
        description=(
            "Price every track of a catalogue by the megabyte, one row per track or per album, next to "
            "iTunes' price per track. SOURCE is a CSV (durations in ms, s or m:ss; Exportify and other "
            "layouts), an iTunes/Music Library.xml export, an M3U/M3U8 playlist, iTunes' 'Export playlist "
            "as text' file, a folder (or .zip) of audio files (MP3, AAC/M4A, Ogg Vorbis, Opus, FLAC, WAV), "
            "or the word 'builtin' for the embedded random catalogue. Videos, podcasts, audiobooks, PDF "
            "booklets, ebooks, apps and streams are left out and counted."
        ),
    )
    explain_columns(p, CATALOGUE_COLUMNS)
    p.add_argument("file", metavar="SOURCE", help="a file, a folder of audio files, or 'builtin'")
    p.add_argument("--encoding", metavar="NAME", help="e.g. mp3-192, aac-256, flac (default: encoding.default)")
    p.add_argument("--rate-usd-per-mb", type=float, metavar="R", help="rate per MB in US dollars (default 0.03)")
    p.add_argument("--by", choices=["track", "album"], default="track", help="one row per track (default) or album")
    p.add_argument("--real-bytes", action="store_true",
                   help="price the real file sizes where the source gives them (others use the formula)")
    p.add_argument("--skip-bad-rows", action="store_true", help="skip malformed rows and count them instead of failing")
    p.add_argument("--verbose", action="store_true",
                   help="also say which column (or key, or tag) of the source gave each role")
    p.add_argument("--quiet", action="store_true", help="no progress bar while reading a folder of audio files")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true",
                     help="print JSON: what was read and left out, the totals and the rows")
    out.add_argument("--csv", action="store_true", help="print CSV (spreadsheet-safe)")
    add_scenario_options(p, presets=True)
    p.set_defaults(func=run)


def report(catalogue: Catalogue) -> dict[str, Any]:
    """Return what was read: rows, tracks priced, items left out by kind, bad rows, columns used, warnings."""
    return {
        "source": catalogue.source,
        "rows_read": catalogue.rows_read if catalogue.rows_read is not None else catalogue.n_tracks,
        "tracks_priced": catalogue.n_tracks,
        "excluded": {k: int(catalogue.excluded.get(k, 0)) for k in EXCLUDED_NOUNS},
        "skipped_bad_rows": catalogue.skipped_rows,
        "skipped_examples": list(catalogue.skipped_examples),
        "columns": dict(catalogue.columns),
        "warnings": list(catalogue.warnings),
    }


def _sizes(a: Mapping[Hashable, Any], mb: float) -> str:
    """Say where the total's megabytes come from: the formula at the encoding, the files' real bytes, or both."""
    real, formula = a["real_bytes_tracks"], a["formula_bytes_tracks"]
    size = f"{mb:,.1f} {a['mb_unit']}"
    if not real:
        return f"{size}, {a['encoding']}"
    if not formula:
        return f"{size} (the files' real bytes, whatever their encoding)"
    return (f"{size} (the real bytes of {format_quantity(real, 'track')}; {a['encoding']} formula sizes for the "
            f"{formula:,} without)")


def footer(priced: pd.DataFrame, catalogue: Catalogue, scenario: Scenario) -> list[str]:
    """Return the one-line total and what was read and left out, as text lines.

    The total names the encoding only where the sizes come from its formula; with ``--real-bytes``
    it says the sizes are the files' own.
    """
    a = priced.attrs
    mb = size_mb(a["size_bytes"], scenario.pricing.mb_convention, scenario)
    read = catalogue.rows_read if catalogue.rows_read is not None else catalogue.n_tracks
    lines = [
        f"total: {format_quantity(a['tracks'], 'track')}, {_sizes(a, mb)} at ${a['rate_usd_per_mb']}/"
        f"{a['mb_unit']}: ${a['price_usd']:,} (each track rounded), ${a['price_per_basket_usd']:,} "
        f"(rounded once); iTunes ${a['itunes_usd']:,}",
        f"source: {catalogue.source}; read {format_quantity(read, 'row')}, priced "
        f"{format_quantity(catalogue.n_tracks, 'track')}; excluded {describe_excluded(catalogue.excluded)}; "
        f"skipped {format_quantity(catalogue.skipped_rows, 'bad row')}",
    ]
    lines += [f"skipped: {m}" for m in catalogue.skipped_examples]
    return lines


def _short(x: object) -> object:
    if isinstance(x, str) and len(x) > TABLE_TEXT_CHARS:
        return x[: TABLE_TEXT_CHARS - 1] + "…"
    return x


def _bar(items: Iterable[_T], total: int) -> Iterable[_T]:
    """Wrap the files being read in a tqdm progress bar on stderr."""
    return tqdm(items, total=total, unit="file", file=sys.stderr, leave=False, desc="reading audio files")


def _progress(args: argparse.Namespace) -> Progress | None:
    """Return a tqdm progress bar on stderr while a folder is read, or None (not a terminal, or --quiet)."""
    if args.quiet or args.json or not sys.stderr.isatty():
        return None
    return _bar


def load(args: argparse.Namespace, s: Scenario) -> Catalogue:
    """Return the catalogue SOURCE names, read within the scenario's limits."""
    if args.file == "builtin":
        return builtin_catalogue(s)
    try:
        return read_catalogue(args.file, limits_for(s), skip_bad_rows=args.skip_bad_rows, progress=_progress(args))
    except BadRowError as e:
        raise BadRowError(f"{e}; to leave such rows out and count them, add --skip-bad-rows") from None


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
    catalogue = load(args, s)
    warnings = list(catalogue.warnings)
    if args.by == "album" and not catalogue.has_album_names:
        warnings.append(f"{catalogue.source} names no albums (no album column or tag): "
                        "--by album gives one row per track")
        catalogue = one_album_per_track(catalogue)
    priced = price_catalogue(catalogue, args.encoding or s.encoding.default, s,
                             by=args.by, use_real_bytes=args.real_bytes)
    cols = list(COLUMNS[args.by])
    rows = records(priced[cols])
    size = size_column(s.pricing.mb_convention)  # size_mib under binary megabytes: the name says the unit
    if size != "size_mb":
        cols = [size if c == "size_mb" else c for c in cols]
        rows = [{(size if k == "size_mb" else k): v for k, v in r.items()} for r in rows]
    if args.by == "track" and all(c in catalogue.tracks for c in FILE_COLUMNS):
        cols += FILE_COLUMNS
        info = catalogue.tracks[FILE_COLUMNS].astype(object)
        for r, extra in zip(rows, info.where(info.notna(), None).to_dict("records"), strict=True):
            r.update({str(k): v for k, v in extra.items()})  # the labels are FILE_COLUMNS (pandas types them Hashable)
    for w in warnings:
        print(f"allofmp3-sim catalogue: warning: {w}", file=sys.stderr)
    if args.verbose:
        for role, column in catalogue.columns.items():
            print(f"allofmp3-sim catalogue: {role} <- {column!r}", file=sys.stderr)
    notes = footer(priced, catalogue, s)
    if args.json:
        a = priced.attrs
        total = {k: a[k] for k in ("tracks", "size_bytes", "mb_unit", "encoding", "rate_usd_per_mb", "price_usd",
                                   "price_per_basket_usd", "itunes_usd", "real_bytes_tracks")}
        print_json({"catalogue": {**report(catalogue), "warnings": warnings}, "total": total, "rows": rows})
    elif args.csv:
        write_csv(rows, columns=cols)
    else:
        print_table([{k: _short(v) for k, v in r.items()} for r in rows], cols)
        print("\n".join(notes))
        return 0
    print("\n".join(notes), file=sys.stderr)
    return 0
