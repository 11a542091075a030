"""The ``allofmp3-sim`` command line (also ``python -m simulator``).

Each subcommand lives in a module of this package that defines
``register(subparsers)``, which adds its parser(s) and sets ``func`` to a
function ``(args) -> int``. :data:`COMMANDS` lists every command with its module
and one-line help, in the order ``--help`` shows them; a new command is added there.

Only the module of the command being run is imported (``price`` does not load
pandas, SciPy or Plotly). The other commands are listed by name and help, so
``allofmp3-sim --help`` still shows every one of them.

Errors from bad input (every ``ValueError`` and ``OSError`` the model raises,
and usage errors of the options) are printed to stderr as one line and the
command exits with status 2; no traceback is shown. Warnings (a scenario file
that gives a key twice) are one line on stderr too, and the command goes on.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Collection, Sequence
from typing import NamedTuple

from simulator._version import __version__
from simulator.params.scenario_file import ScenarioFileWarning

__all__ = ["COMMANDS", "Command", "main", "build_parser", "command_module"]

EXIT_USAGE = 2
#: Exit status of a run stopped with Ctrl-C (128 + SIGINT, the shell's convention).
EXIT_INTERRUPTED = 130


class Command(NamedTuple):
    """One subcommand: its name, the module of this package that registers it, its one-line help."""

    name: str
    module: str
    help: str


#: Every command, in the order ``--help`` lists them. A module may register several
#: (``market`` also ``presets``); ``tests/test_cli_commands.py`` holds the help lines to the modules' own.
COMMANDS: tuple[Command, ...] = (
    Command("price", "price", "price one track"),
    Command("catalogue", "catalogue", "price a catalogue of tracks (CSV, Library.xml, playlist, folder of audio files, "
                                      "or 'builtin')"),
    Command("market", "market", "the market year of a scenario"),
    Command("presets", "market", "list the named scenarios"),
    Command("solve", "solve", "solve one input so that an output hits a target"),
    Command("fit", "fit", "fit the demand to every documented report (weighted least squares); the fit table"),
    Command("demand", "demand", "the fitted demand: the year at other rates, the best rate, the 2006 rise, iTunes terms"),
    Command("models", "models", "per MB vs iTunes, album cap, iTunes Plus and a subscription, by listener type"),
    Command("rights", "rights", "ROMS payout vs labels at iTunes wholesale; the $1.65 trillion lawsuit"),
    Command("timeline", "timeline", "monthly revenue from 2004 to the 2007 shutdown"),
    Command("sensitivity", "uncertainty", "tornado: each input at its low and high, sorted by swing"),
    Command("montecarlo", "uncertainty", "seeded Monte Carlo of the fitted monthly model: percentiles 5/50/95"),
    Command("customers", "customers", "simulate every customer: spend distribution, Gini, top shares, "
                                      "invite-only clone"),
    Command("export", "export", "write the handout bundle: every chart (PNG/SVG/PDF/HTML/CSV), "
                                "scenario.yaml and a summary"),
    Command("worksheet", "worksheet", "write the classroom exercises without answers (worksheet.html/.pdf), "
                                      "and with --teacher the answers"),
    Command("class", "live_class", "run a live class: new, list, export, delete"),
)
_BY_NAME = {c.name: c for c in COMMANDS}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit 2), like every other error."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def command_module(name: str):
    """Import and return the module that registers command ``name`` (``simulator.cli.<module>``).

    Raises
    ------
    KeyError
        If ``name`` is not a command of :data:`COMMANDS`.
    """
    return importlib.import_module(f"{__name__}.{_BY_NAME[name].module}")


def _command_in(argv: Sequence[str]) -> str | None:
    """Return the command named on the command line (the first word not an option), if it is one."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in _BY_NAME else None
    return None


def build_parser(commands: Collection[str] = ()) -> argparse.ArgumentParser:
    """Return the top-level parser.

    Parameters
    ----------
    commands : collection of str
        Commands whose modules are imported to register their full parsers (the one about to
        run). Every other command gets a parser with its help line only: enough for ``--help``
        and for the "invalid choice" message.

    Returns
    -------
    argparse.ArgumentParser

    Raises
    ------
    KeyError
        If a name in ``commands`` is not a command.
    """
    parser = _Parser(
        prog="allofmp3-sim",
        description="Price music the way AllofMP3 did: by the megabyte.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    full = {_BY_NAME[name].module for name in commands}
    registered: set[str] = set()
    for c in COMMANDS:
        if c.module not in full:
            sub.add_parser(c.name, help=c.help)
        elif c.module not in registered:
            command_module(c.name).register(sub)
            registered.add(c.module)
    return parser


#: Pydantic's switch for its plugins. Looking for plugins reads every installed package's entry points
#: (about 30 ms, a tenth of a ``price``); the command line validates only its own files and has none.
_PYDANTIC_PLUGINS_ENV = "PYDANTIC_DISABLE_PLUGINS"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input)."""
    os.environ.setdefault(_PYDANTIC_PLUGINS_ENV, "__all__")  # read when the first validator is built
    words = sys.argv[1:] if argv is None else argv
    command = _command_in(words)
    parser = build_parser(() if command is None else (command,))
    args = parser.parse_args(words)
    if not hasattr(args, "func"):  # not reached: argparse stops first when no command's module is loaded
        parser.error("choose a command")
    def one_line(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"allofmp3-sim {args.command}: warning: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", ScenarioFileWarning)  # every repeated key, not the first only
            warnings.showwarning = one_line
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
        return EXIT_INTERRUPTED
