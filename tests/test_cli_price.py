"""``allofmp3-sim price``: table and JSON output, options, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from simulator import __version__
from simulator.cli import main
from simulator.params.assumptions import default_assumptions_path, load_assumptions

ROOT = Path(__file__).resolve().parents[1]
SPLIT_KEYS = ("roms_usd", "fair_usd", "card_fee_usd", "bandwidth_usd", "operator_usd")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["price", *args])
    out, err = capsys.readouterr()
    return code, out, err


def record(out: str) -> dict[str, str]:
    """The table output as {key: value text}."""
    rows = [line.split(None, 1) for line in out.splitlines() if line.strip()]
    return {k: v.strip() for k, v in rows}


def as_json(out: str) -> dict:
    return json.loads(out, parse_float=Decimal)


# --------------------------------------------------------------------------- output


def test_table_output(capsys):
    code, out, err = run(capsys, "--duration", "4:00", "--encoding", "mp3-192")
    assert (code, err) == (0, "")
    rec = record(out)
    assert rec["size_bytes"] == "5,760,000"
    assert rec["size_mb"] == "5.76"
    assert rec["mb_unit"] == "MB"
    assert rec["price_usd"] == "0.17"
    assert rec["royalty_usd"] == "0.0255"
    assert rec["operator_usd"] == "0.137124"
    assert rec["duration"] == "4:00" and rec["encoding"] == "mp3-192"


def test_readme_example_is_what_the_command_prints(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ allofmp3-sim (price [^\n]*)\n(.*?)```", readme, re.S)
    assert block, "README has a console example of the price command"
    code, out, _ = run(capsys, *block.group(1).split()[1:])
    assert code == 0
    assert record(out) == record(block.group(2))


def test_json_output_has_the_whole_split(capsys):
    code, out, err = run(capsys, "--duration", "4:00", "--encoding", "mp3-128", "--json")
    assert (code, err) == (0, "")
    d = as_json(out)
    for key in ("size_bytes", "size_mb", "price_usd", "royalty_usd", *SPLIT_KEYS):
        assert key in d, key
    assert d["size_bytes"] == 3_840_000
    assert d["size_mb"] == Decimal("3.84")
    assert d["price_usd"] == Decimal("0.12")
    assert d["royalty_usd"] == d["roms_usd"] == Decimal("0.018")
    assert d["card_fee_usd"] == Decimal("0.0048")
    assert d["bandwidth_usd"] == Decimal("0.000384")
    assert sum(d[k] for k in SPLIT_KEYS) == d["price_usd"]
    assert (d["mb_unit"], d["encoding"], d["duration_ms"]) == ("MB", "mp3-128", 240_000)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--rate-usd-per-mb", "0.02"], {"price_usd": "0.12", "rate_usd_per_mb": "0.02"}),
        (["--rate-usd-per-mb", "0.01"], {"price_usd": "0.06"}),
        (["--discount", "0.33"], {"price_usd": "0.12", "discount_share": "0.33"}),
        (["--rounding", "unrounded"], {"price_usd": "0.1728", "roms_usd": "0.02592"}),
        (["--rounding", "per_basket"], {"price_usd": "0.1728"}),
        (["--mb", "binary"], {"price_usd": "0.16", "mb_unit": "MiB", "size_mb": "5.4931640625"}),
        (["--set", "royalties.fair_enabled=yes"], {"fair_usd": "0.0425", "operator_usd": "0.094624"}),
        (["--set", "royalties.base=profit"], {"roms_usd": "0.0243936"}),
        (["--set", "encoding.tag_overhead_bytes=200000"], {"size_bytes": 5_960_000, "price_usd": "0.18"}),
        (["--set", "pricing.rate_usd_per_mb=0.01", "--rate-usd-per-mb", "0.02"], {"price_usd": "0.12"}),
    ],
    ids=["2c", "1c", "discount", "unrounded", "per-basket", "binary", "fair", "profit", "tags", "flag-beats-set"],
)
def test_options_change_the_quote(capsys, args, expected):
    code, out, err = run(capsys, "--duration", "4:00", "--encoding", "mp3-192", "--json", *args)
    assert (code, err) == (0, ""), err
    d = as_json(out)
    for key, value in expected.items():
        assert d[key] == (Decimal(value) if isinstance(value, str) and key != "mb_unit" else value), key
    assert sum(d[k] for k in SPLIT_KEYS) == d["price_usd"]


def test_preset_option(capsys):
    presets = load_assumptions().presets
    name = next(n for n, p in presets.items() if dict(p.overrides) == {"pricing.rate_usd_per_mb": 0.02})
    code, out, err = run(capsys, "--duration", "4:00", "--encoding", "mp3-192", "--json", "--preset", name)
    assert (code, err) == (0, "")
    d = as_json(out)
    assert (d["price_usd"], d["rate_usd_per_mb"]) == (Decimal("0.12"), Decimal("0.02"))


def test_binary_table_labels_mib(capsys):
    code, out, _ = run(capsys, "--duration", "4:00", "--encoding", "mp3-128", "--mb", "binary")
    rec = record(out)
    assert code == 0
    assert rec["mb_unit"] == "MiB"
    assert rec["size_mb"] == "3.66211"  # 3.662109375 MiB
    assert rec["price_usd"] == "0.11"


@pytest.mark.parametrize(
    "encoding, price",
    [("wav", "1.27"), ("flac", "0.69"), ("FLAC", "0.69"), ("aac-256", "0.23"), ("mp3-320", "0.29")],
)
def test_encodings(capsys, encoding, price):
    code, out, _ = run(capsys, "--duration", "240s", "--encoding", encoding, "--json")
    assert code == 0 and as_json(out)["price_usd"] == Decimal(price)


def test_default_encoding_comes_from_the_assumptions(capsys):
    code, out, _ = run(capsys, "--duration", "4:00", "--json")
    assert code == 0 and as_json(out)["encoding"] == "mp3-192"


def test_album_length(capsys):
    code, out, _ = run(capsys, "--duration", "50:00", "--encoding", "mp3-192", "--json")
    d = as_json(out)
    assert (d["size_bytes"], d["size_mb"], d["price_usd"]) == (72_000_000, Decimal("72.0"), Decimal("2.16"))


def test_assumptions_file_option(capsys, tmp_path):
    text = default_assumptions_path().read_text(encoding="utf-8").replace("      value: 0.03\n", "      value: 0.02\n", 1)
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "--duration", "4:00", "--encoding", "mp3-192", "--json", "--assumptions", str(path))
    assert (code, err) == (0, "")
    assert as_json(out)["price_usd"] == Decimal("0.12")


# --------------------------------------------------------------------------- errors


def _bad_assumptions(tmp_path, kind):
    path = tmp_path / f"{kind}.yaml"
    text = default_assumptions_path().read_text(encoding="utf-8")
    if kind == "malformed":
        path.write_text("format_version: 1\n- stray\n", encoding="utf-8")
    elif kind == "out-of-bounds":
        path.write_text(text.replace("      value: 0.03\n", "      value: 7\n", 1), encoding="utf-8")
    elif kind == "python-tag":
        path.write_text(text + '\nx: !!python/object/apply:os.system ["echo hi"]\n', encoding="utf-8")
    return path


ERRORS = [
    pytest.param(["--encoding", "mp3-193"], ["unknown encoding 'mp3-193'", "mp3-128", "aac-256", "flac", "wav"], id="unknown-encoding"),
    pytest.param(["--duration", "4:60"], ["duration must look like", "'4:60'"], id="bad-duration"),
    pytest.param(["--duration", "abc"], ["duration must look like", "'abc'"], id="text-duration"),
    pytest.param(["--duration", "0:00"], ["longer than 0 ms"], id="zero-duration"),
    pytest.param(["--duration", "1" + "0" * 40 + "s"], ["duration is too long"], id="duration-beyond-decimal"),
    pytest.param(["--duration", "99999999999999999999s"], ["--duration must be at most 168:00:00", "'99999999999999999999s'"], id="duration-beyond-int64"),
    pytest.param(["--duration", "240000"], ["--duration '240000' has no unit", "4:00 (m:ss)", "240s", "240000ms"], id="bare-number-duration"),
    pytest.param(["--duration", "240"], ["--duration '240' has no unit", "1:02:03 (h:mm:ss)", "4min"], id="bare-seconds-duration"),
    pytest.param(["--rate-usd-per-mb", "5"], ["pricing.rate_usd_per_mb", "between 0.001 and 0.3", "USD/MB", "got 5.0"], id="rate-out-of-bounds"),
    pytest.param(["--rate-usd-per-mb", "-0.03"], ["pricing.rate_usd_per_mb", "between 0.001 and 0.3"], id="negative-rate"),
    pytest.param(["--rate-usd-per-mb", "nan"], ["pricing.rate_usd_per_mb", "got nan"], id="nan-rate"),
    pytest.param(["--discount", "0.5"], ["pricing.discount_share", "between 0.0 and 0.34"], id="discount-out-of-bounds"),
    pytest.param(["--set", "pricing.rate=0.02"], ["unknown input 'pricing.rate'", "known inputs are", "pricing.rate_usd_per_mb"], id="unknown-set-key"),
    pytest.param(["--set", "pricing.rate_usd_per_mb"], ["--set must look like KEY=VALUE", "'pricing.rate_usd_per_mb'"], id="set-without-value"),
    pytest.param(["--set", "royalties.fair_enabled=maybe"], ["royalties.fair_enabled must be true or false", "'maybe'"], id="set-bad-boolean"),
    pytest.param(["--preset", "nope"], ["unknown preset 'nope'", "known presets are"], id="unknown-preset"),
    pytest.param(["--assumptions", "{tmp}/missing.yaml"], ["missing.yaml", "cannot read file"], id="assumptions-missing"),
    pytest.param(["--assumptions", "malformed"], ["malformed YAML at line 2"], id="assumptions-malformed"),
    pytest.param(["--assumptions", "out-of-bounds"], ["parameters.pricing.rate_usd_per_mb", "between 0.001 and 0.3", "got 7"], id="assumptions-out-of-bounds"),
    pytest.param(["--assumptions", "python-tag"], ["malformed YAML", "python/object/apply:os.system"], id="assumptions-python-tag"),
]


@pytest.mark.parametrize("args, fragments", ERRORS)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, args, fragments):
    args = list(args)
    if args[0] == "--assumptions":
        args[1] = args[1].format(tmp=tmp_path) if "{tmp}" in args[1] else str(_bad_assumptions(tmp_path, args[1]))
    full = ["--duration", "4:00", "--encoding", "mp3-192", *args]  # later options win
    code, out, err = run(capsys, *full)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("allofmp3-sim price: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"


@pytest.mark.parametrize(
    "args",
    [
        ["--encoding", "mp3-192"],  # no --duration
        ["--duration", "4:00", "--mb", "octal"],
        ["--duration", "4:00", "--rounding", "banker"],
        ["--duration", "4:00", "--rate-usd-per-mb", "cheap"],
    ],
    ids=["missing-duration", "bad-mb", "bad-rounding", "non-number-rate"],
)
def test_usage_errors_exit_2_without_traceback(capsys, args):
    with pytest.raises(SystemExit) as info:
        main(["price", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"allofmp3-sim {__version__}"


# --------------------------------------------------------------------------- python -m simulator


def _python_m(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def test_python_m_simulator_price():
    r = _python_m("price", "--duration", "4:00", "--encoding", "mp3-128", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout, parse_float=Decimal)
    assert (d["size_bytes"], d["price_usd"], d["royalty_usd"]) == (3_840_000, Decimal("0.12"), Decimal("0.018"))


def test_python_m_simulator_error_has_no_traceback():
    r = _python_m("price", "--duration", "4:00", "--encoding", "mp3-999")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "unknown encoding 'mp3-999'" in r.stderr


@pytest.mark.parametrize("duration", ["4:00", "240s", "240 s", "240000ms", "4min", "0:04:00"])
def test_a_duration_with_its_unit_is_read_as_written(capsys, duration):
    code, out, _ = run(capsys, "--duration", duration, "--encoding", "mp3-192", "--json")
    assert code == 0
    q = as_json(out)
    assert (q["duration_ms"], q["size_bytes"], q["price_usd"]) == (240_000, 5_760_000, Decimal("0.17"))
