"""The ``allofmp3-sim`` command line (also ``python -m simulator``).

Each subcommand lives in its own module in this package and defines
``register(subparsers)``, which adds its parser and sets ``func`` to a
function ``(args) -> int``. :data:`COMMANDS` lists the modules, in the order
``--help`` shows them; a new command is added there.

Errors from bad input (every ``ValueError`` and ``OSError`` the model raises,
and usage errors of the options) are printed to stderr as one line and the
command exits with status 2; no traceback is shown.
"""

from __future__ import annotations

import argparse
import os
import sys

from simulator._version import __version__
from simulator.cli import (
    catalogue,
    customers,
    demand,
    export,
    live_class,
    market,
    models,
    price,
    rights,
    solve,
    timeline,
    uncertainty,
    worksheet,
)

__all__ = ["COMMANDS", "main", "build_parser"]

EXIT_USAGE = 2

#: Every command module, in the order ``--help`` lists them.
COMMANDS = (price, catalogue, market, solve, demand, models, rights, timeline, uncertainty, customers, export,
            live_class, worksheet)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit 2), like every other error."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every subcommand registered."""
    parser = _Parser(
        prog="allofmp3-sim",
        description="Price music the way AllofMP3 did: by the megabyte.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early: not an error. Silence the flush at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (ValueError, OSError) as e:
        print(f"allofmp3-sim {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"allofmp3-sim {args.command}: interrupted", file=sys.stderr)
        return 130
