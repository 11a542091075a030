"""Every command's ``--json`` output, compared with a recorded copy.

The recorded files in ``tests/golden/`` were written by this module from the command
line; a refactor must leave them identical (floats to 1e-9 relative, everything else exactly). When a change to the model is *meant* to change a figure, rewrite
them deliberately with ``ALLOFMP3_WRITE_GOLDEN=1 python -m pytest tests/test_cli_golden.py``
and review the diff.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
from pathlib import Path

import pytest

from simulator.cli import main

GOLDEN = Path(__file__).parent / "golden"

_COMMANDS: dict[str, list[str]] = {
    "price": ["price", "--duration", "4:00", "--encoding", "mp3-192"],
    "price_flac_binary": ["price", "--duration", "3:33", "--encoding", "flac", "--mb", "binary"],
    "catalogue_builtin_album": ["catalogue", "builtin", "--by", "album"],
    "market": ["market"],
    "presets": ["presets"],
    "solve": ["solve"],
    "demand": ["demand"],
    "models": ["models"],
    "rights": ["rights"],
    "timeline_yearly": ["timeline", "--yearly"],
    "customers": ["customers", "--customers", "20000", "--quiet"],
    "sensitivity": ["sensitivity"],
    "montecarlo": ["montecarlo", "--draws", "2000", "--seed", "7"],
}
_SCENARIO_COMMANDS = {"market", "solve", "demand", "models", "rights", "timeline_yearly", "customers",
                      "sensitivity", "montecarlo", "catalogue_builtin_album"}
_PRESETS = [None, "rate_2005", "card_freeze"]

CASES = [
    (f"{name}" + (f"@{preset}" if preset else ""), argv + (["--preset", preset] if preset else []))
    for name, argv in _COMMANDS.items()
    for preset in (_PRESETS if name in _SCENARIO_COMMANDS else [None])
]


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main([*argv, "--json"])
    assert status == 0, argv
    return out.getvalue()


@pytest.mark.parametrize(("name", "argv"), CASES, ids=[c[0] for c in CASES])
def test_json_output_is_unchanged(name: str, argv: list[str]) -> None:
    text = _run(argv)
    json.loads(text)  # it is JSON
    path = GOLDEN / f"{name}.json"
    if os.environ.get("ALLOFMP3_WRITE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no recorded output {path.name}; write it with ALLOFMP3_WRITE_GOLDEN=1"
    _same(json.loads(text), json.loads(path.read_text(encoding="utf-8")), name)


#: Floats may differ in their last bits between runs (a sum's order can follow string hashing, which
#: PYTHONHASHSEED changes): every other byte must match.
_REL = 1e-9


def _same(got, want, where: str) -> None:
    """Compare two JSON values: structure, keys, strings and integers exactly; floats to 1e-9 relative."""
    if isinstance(want, float) or isinstance(got, float):
        assert isinstance(got, (int, float)) and isinstance(want, (int, float)), (where, got, want)
        assert math.isclose(got, want, rel_tol=_REL, abs_tol=_REL), (where, got, want)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), (where, list(got), list(want))
        for k in want:
            _same(got[k], want[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            _same(a, b, f"{where}[{i}]")
    else:
        assert got == want, (where, got, want)


def test_a_changed_figure_is_found() -> None:
    _same({"a": [1.0, "x"]}, {"a": [1.0 + 1e-12, "x"]}, "t")
    with pytest.raises(AssertionError):
        _same({"a": [1.0, "x"]}, {"a": [1.001, "x"]}, "t")
    with pytest.raises(AssertionError):
        _same({"a": 1, "b": 2}, {"b": 2, "a": 1}, "t")
