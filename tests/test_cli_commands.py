"""The command table: every command listed by ``--help``, and only the running command's module imported."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from simulator.cli import COMMANDS, build_parser, main


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, str]:
    """{command name: its help line} of a parser, in the order ``--help`` lists them."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {c.dest: c.help for c in action._choices_actions}


def test_help_lists_every_command_in_order(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    positions = [out.index(f"\n    {c.name}") for c in COMMANDS]
    assert positions == sorted(positions)
    assert "price one track" in out and "write the handout bundle" in out


def test_the_table_says_what_each_module_registers():
    """Each command's help line in COMMANDS is the one its own module registers (both are shown)."""
    table = {c.name: c.help for c in COMMANDS}
    full = _subcommands(build_parser([c.name for c in COMMANDS]))
    assert full == table
    assert list(full) == [c.name for c in COMMANDS]


def test_an_unknown_command_lists_every_command(capsys):
    assert _exit_code(lambda: main(["prix"])) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'prix'" in err
    assert all(f"'{c.name}'" in err for c in COMMANDS)


def _exit_code(fn) -> int:
    with pytest.raises(SystemExit) as e:
        fn()
    return int(e.value.code)


def test_price_imports_neither_pandas_nor_scipy_nor_plotly():
    """What a price needs: the model's pricing, no data frames, solvers or charts."""
    code = (
        "import sys, io, contextlib\n"
        "from simulator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['price', '--duration', '4:00', '--json']) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'scipy', 'plotly', 'streamlit')))\n"
        "print(sorted(m for m in sys.modules if m.startswith('simulator.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    heavy, cli = (json.loads(line.replace("'", '"')) for line in out.splitlines())
    assert heavy == []
    assert cli == ["simulator.cli._columns", "simulator.cli._common", "simulator.cli.price"]


GOLDEN = __import__("pathlib").Path(__file__).parent / "golden"
#: Recorded --json outputs (tests/golden) by the command that printed them.
_GOLDEN_COMMANDS = {"price": "price", "catalogue_builtin_album": "catalogue", "market": "market", "presets": "presets",
                    "solve": "solve", "demand": "demand", "models": "models", "rights": "rights",
                    "timeline_yearly": "timeline", "customers": "customers", "sensitivity": "sensitivity",
                    "montecarlo": "montecarlo"}


def _keys(x) -> set[str]:
    """Every key of a JSON output: of the record, of its rows, and of records one level down."""
    if isinstance(x, list):
        return set().union(*(_keys(v) for v in x if isinstance(v, dict))) if x else set()
    if isinstance(x, dict):
        out = set(x)
        for v in x.values():
            if isinstance(v, dict) and v and all(isinstance(k, str) and "." not in k for k in v):
                out |= _keys(v)
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                out |= _keys(v)
        return out
    return set()


@pytest.mark.parametrize(("golden", "command"), sorted(_GOLDEN_COMMANDS.items()))
def test_help_explains_every_column_the_command_prints(capsys, golden, command):
    keys = _keys(json.loads((GOLDEN / f"{golden}.json").read_text(encoding="utf-8")))
    keys -= {"revenue", "profit", "itunes", "listeners", "break_even", "rows", "summary", "inputs", "rights", "lawsuit",
             "rise", "alternatives", "rates", "year_end"}  # groups
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    epilog = out.split("Columns (JSON keys) and their units:", 1)[1]
    explained = {line.split()[0] for line in epilog.splitlines() if line.startswith("  ") and line.strip()}
    assert keys <= explained, sorted(keys - explained)
    if command != "presets":  # names and sentences, no quantities
        assert "[" in epilog  # units in brackets


def test_a_scenario_file_warning_is_one_line_and_the_command_goes_on(tmp_path, capsys):
    f = tmp_path / "twice.yaml"
    f.write_text("kind: allofmp3-sim scenario\nformat_version: 1\noverrides:\n  demand.potential_buyers: 1e7\n"
                 "  demand.potential_buyers: 2e7\n", encoding="utf-8")
    assert main(["export", "--scenario", str(f), "--out", str(tmp_path / "b"), "--format", "csv", "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (f"allofmp3-sim export: warning: {f}: key overrides.demand.potential_buyers is given 2 times "
                                   "(1e7, 2e7): the last one, 2e7, is used")
