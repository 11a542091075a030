"""Every command's ``--json`` output, compared with a recorded copy.

The recorded files in ``tests/golden/`` were written by this module from the command
line as it stood before the model package was split into layers; a refactor must leave
them byte-identical. When a change to the model is *meant* to change a figure, rewrite
them deliberately with ``ALLOFMP3_WRITE_GOLDEN=1 python -m pytest tests/test_cli_golden.py``
and review the diff.
"""

from __future__ import annotations

import contextlib
import io
import json
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
    assert text == path.read_text(encoding="utf-8")
