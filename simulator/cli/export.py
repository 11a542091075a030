"""``allofmp3-sim export``: the handout bundle of a scenario (charts, their CSV, the scenario file, a summary)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from simulator.output.bundle import parse_formats, write_bundle
from simulator.output.export import DEFAULT_SIZE, FORMATS, IMAGE_FORMATS, SIZES, static_export_problem
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario, parse_value
from simulator.params.scenario_file import read_scenario_file

#: Width of the progress bar. [characters]
BAR_WIDTH = 30


def register(sub) -> None:
    """Add the ``export`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "export",
        help="write the handout bundle: every chart (PNG/SVG/PDF/HTML/CSV), scenario.yaml and a summary",
        description="Write every chart of a scenario, the table behind each as CSV, the scenario file and a "
        "one-page summary for students (HTML, and PDF when Chromium is present) into a new folder, atomically. "
        "PNG, SVG and PDF need Chromium (found like Kaleido does; never downloaded). Without it the default "
        "formats fall back to HTML and CSV, and asking for an image format is an error.",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--preset", metavar="NAME",
                       help="a named preset (see 'presets'; default: neither, the embedded defaults)")
    which.add_argument("--scenario", metavar="FILE", help="a scenario YAML file (as the app downloads it)")
    p.add_argument("--assumptions", metavar="FILE", help="assumptions YAML file (default: the embedded one)")
    p.add_argument("--set", metavar="KEY=VALUE", action="append", default=[],
                   help="override one input by its dotted name (repeatable), on top of the preset or file")
    p.add_argument("--out", metavar="DIR", required=True, help="the bundle folder to create (with --zip: DIR.zip)")
    p.add_argument("--format", default=None, metavar="LIST",
                   help=f"comma-separated per-chart formats from {','.join(FORMATS)} (default: all; "
                   "html,csv when no Chromium is found)")
    p.add_argument("--size", choices=list(SIZES), default=DEFAULT_SIZE,
                   help="size of the PNG/SVG/PDF images: " + "; ".join(f"{k}: {v.label}" for k, v in SIZES.items())
                   + f" (default {DEFAULT_SIZE}); images at another size are named <chart>_<size>.<format>")
    p.add_argument("--zip", action="store_true", help="write one .zip archive instead of a folder")
    p.add_argument("--force", action="store_true", help="replace an existing bundle at --out")
    p.add_argument("--bom", action="store_true", help="start CSV files with a UTF-8 byte-order mark (Excel)")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always show the progress bar on stderr (default: when stderr is a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show it")
    p.set_defaults(func=run)


def _scenario(args: argparse.Namespace):
    a = load_assumptions(args.assumptions) if args.assumptions else load_assumptions()
    base = read_scenario_file(args.scenario, a) if args.scenario else make_scenario(a, preset=args.preset)
    overrides = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set must look like KEY=VALUE, got {item!r}")
        overrides[key.strip()] = parse_value(a, key.strip(), value)
    return base.with_overrides(overrides) if overrides else base


class ProgressBar:
    r"""A one-line text progress bar, redrawn in place with a carriage return.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> ProgressBar(out)(3, 4, "timeline.png")
    >>> out.getvalue()
    '\r[######################        ]  75%  3/4 timeline.png'
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.last_len = 0

    def __call__(self, done: int, total: int, label: str) -> None:
        """Redraw the bar at ``done`` of ``total`` steps (charts computed, files written).

        Parameters
        ----------
        done : int
            Steps finished so far [steps].
        total : int
            Steps in all [steps].
        label : str
            The step just finished (a chart or a file name), shown after the counts.
        """
        filled = BAR_WIDTH * done // max(total, 1)
        text = f"[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {100 * done // max(total, 1):3d}%  {done}/{total} {label}"
        self.out.write("\r" + text.ljust(self.last_len))
        self.last_len = len(text)
        self.out.flush()

    def close(self) -> None:
        """End the bar's line (a newline), if anything was drawn."""
        if self.last_len:
            self.out.write("\n")
            self.out.flush()


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim export``: write the handout bundle and print where it went.

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
        For a bad input, a bad ``--format`` list, an image format without Chromium, or a target that
        exists (without ``--force``) or is not a bundle; :func:`simulator.cli.main` reports it.
    OSError
        For a bundle that cannot be written; :func:`simulator.cli.main` reports it.
    """
    scenario = _scenario(args)
    if args.format is not None:
        formats = parse_formats(args.format)
        if set(formats) & set(IMAGE_FORMATS) and (problem := static_export_problem()):
            raise ValueError(f"{problem} Leave out --format (or use --format html,csv) to write the rest.")
    else:
        formats = FORMATS
        if problem := static_export_problem():
            formats = tuple(f for f in FORMATS if f not in IMAGE_FORMATS)
            print(f"allofmp3-sim export: note: writing {','.join(formats)} only: {problem}", file=sys.stderr)
    show = sys.stderr.isatty() if args.progress is None else args.progress
    bar = ProgressBar(sys.stderr) if show else None
    try:
        bundle = write_bundle(scenario, args.out, formats=formats, as_zip=args.zip, force=args.force,
                              bom=args.bom, progress=bar, size=args.size)
    finally:
        if bar is not None:
            bar.close()
    for note in bundle.notes:
        print(f"allofmp3-sim export: note: {note}", file=sys.stderr)
    images = set(formats) & set(IMAGE_FORMATS)
    print(f"wrote {bundle.path} ({len(bundle.files)} files: {', '.join(formats)} for each chart"
          + (f" (images at size {args.size}, alt text beside them)" if images else "")
          + ", scenario.yaml, summary.html, plotly.min.js" + (", summary.pdf" if "summary.pdf" in bundle.files else "")
          + ")")
    return 0
