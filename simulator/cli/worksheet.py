"""``allofmp3-sim worksheet``: the classroom exercises as a worksheet for students (and the teacher's version)."""

from __future__ import annotations

import argparse
import sys

from simulator.cli._common import add_scenario_options, scenario_from_args
from simulator.output.worksheet import write_worksheet


def register(sub) -> None:
    """Add the ``worksheet`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "worksheet",
        help="write the classroom exercises without answers (worksheet.html/.pdf), and with --teacher the answers",
        description="Write the seven classroom exercises for a scenario as a worksheet for students, without "
        "answers (worksheet.html, and worksheet.pdf when Chromium is present), and with --teacher also the "
        "teacher's version with the answers computed for that scenario and the teaching notes "
        "(worksheet_teacher.html/.pdf).",
    )
    add_scenario_options(p)
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write into (created if missing)")
    p.add_argument("--teacher", action="store_true", help="also write the teacher's version with answers and notes")
    p.add_argument("--force", action="store_true", help="replace worksheet files already in DIR")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim worksheet``: write the worksheet(s) and print where they went.

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
        A bad input, or worksheet files already in the folder without ``--force``.
    """
    w = write_worksheet(scenario_from_args(args), args.out, teacher=args.teacher, force=args.force)
    for note in w.notes:
        print(f"allofmp3-sim worksheet: note: {note}", file=sys.stderr)
    print(f"wrote {', '.join(w.files)} in {w.path}")
    return 0
