"""Tests of ``allofmp3-sim export``: the bundle from a preset or a scenario file, progress, overwrite, errors."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from export_checks import CHROMIUM, NO_CHROMIUM, check_csv_round_trip, check_png

from simulator.cli import main
from simulator.output import export
from simulator.params.scenario import make_scenario
from simulator.params.scenario_file import read_scenario_file, scenario_to_yaml
from simulator.present.registry import CHART_NAMES, scenario_charts

ROOT = Path(__file__).resolve().parents[1]
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code, out, err, *needles):
    assert code == 2 and out == "", (code, out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith("allofmp3-sim export: error: ")
    for n in needles:
        assert n in err, (n, err)


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setattr(export, "find_chromium", lambda: None)


def test_csv_bundle_from_a_preset_round_trips(capsys, tmp_path, no_chromium):
    code, out, err = run(capsys, "export", "--preset", "card_freeze", "--out", tmp_path / "b", "--format", "csv")
    assert code == 0, err
    assert out.startswith(f"wrote {tmp_path / 'b'} (") and "csv for each chart" in out
    names = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert names == sorted([f"{c}.csv" for c in CHART_NAMES] + ["plotly.min.js", "scenario.yaml", "summary.html"])
    s = make_scenario(preset="card_freeze")
    assert dict(read_scenario_file(tmp_path / "b" / "scenario.yaml").values) == dict(s.values)
    charts = {c.name: c for c in scenario_charts(s)}
    for name in ("price_vs_length", "revenue_split", "timeline"):
        check_csv_round_trip((tmp_path / "b" / f"{name}.csv").read_text("utf-8"), charts[name].data)


def test_scenario_file_and_set_give_the_same_bundle_scenario(capsys, tmp_path, no_chromium):
    src = make_scenario(preset="rate_2005", overrides={"demand.potential_buyers": 4_000_000.0})
    f = tmp_path / "mine.yaml"
    f.write_text(scenario_to_yaml(src), encoding="utf-8")
    code, _, err = run(capsys, "export", "--scenario", f, "--set", "pricing.discount_share=0.1",
                       "--out", tmp_path / "b", "--format", "csv")
    assert code == 0, err
    back = read_scenario_file(tmp_path / "b" / "scenario.yaml")
    assert dict(back.values) == dict(src.with_overrides({"pricing.discount_share": 0.1}).values)


def test_progress_bar_goes_to_stderr_and_ends_at_100(capsys, tmp_path, no_chromium):
    code, out, err = run(capsys, "export", "--preset", "reported_2006", "--out", tmp_path / "b", "--format", "csv",
                         "--progress")
    assert code == 0
    assert "\r[" in err and "100%" in err and "summary.html" in err and "[" not in out.split("(", 1)[0]
    code, _, err = run(capsys, "export", "--preset", "reported_2006", "--out", tmp_path / "c", "--format", "csv",
                       "--no-progress")
    assert code == 0 and "\r" not in err


def test_an_existing_folder_needs_force_and_only_a_bundle_is_replaced(capsys, tmp_path, no_chromium):
    out = tmp_path / "b"
    out.mkdir()
    assert_clean_error(*run(capsys, "export", "--preset", "reported_2006", "--out", out, "--format", "csv"),
                       "already exists", "--force")
    assert list(out.iterdir()) == []
    code, _, err = run(capsys, "export", "--preset", "reported_2006", "--out", out, "--format", "csv", "--force")
    assert code == 0, err
    assert (out / "summary.html").exists()
    home = tmp_path / "home"
    home.mkdir()
    (home / "letters.txt").write_text("mine")
    assert_clean_error(*run(capsys, "export", "--preset", "reported_2006", "--out", home, "--format", "csv",
                            "--force"), "not an allofmp3-sim bundle")
    assert (home / "letters.txt").read_text() == "mine"


def test_zip_output(capsys, tmp_path, no_chromium):
    code, out, err = run(capsys, "export", "--preset", "lossless", "--out", tmp_path / "h", "--format", "html",
                         "--zip")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "h.zip") as zf:
        assert "h/scenario.yaml" in zf.namelist() and "h/price_vs_length.html" in zf.namelist()
    assert_clean_error(*run(capsys, "export", "--preset", "lossless", "--out", tmp_path / "h", "--format", "html",
                            "--zip"), "h.zip already exists")


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["--preset", "nope"], ["unknown preset 'nope'"]),
        (["--preset", "card_freeze", "--format", "gif"], ["--format must be a comma-separated list", "'gif'"]),
        (["--preset", "card_freeze", "--set", "pricing.rate_usd_per_mb=9"], ["pricing.rate_usd_per_mb must be between"]),
        (["--preset", "card_freeze", "--set", "nonsense"], ["--set must look like KEY=VALUE"]),
        (["--scenario", "/nonexistent/s.yaml"], ["/nonexistent/s.yaml: cannot read file"]),
        (["--preset", "card_freeze", "--assumptions", "/nonexistent/a.yaml"], ["/nonexistent/a.yaml: cannot read"]),
    ],
    ids=["preset", "format", "set-bounds", "set-shape", "missing-file", "missing-assumptions"],
)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, argv, needles):
    assert_clean_error(*run(capsys, "export", *argv, "--out", tmp_path / "b"), *needles)
    assert not (tmp_path / "b").exists()


def test_a_foreign_or_newer_scenario_file_is_refused(capsys, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("kind: allofmp3-sim scenario\nformat_version: 7\npreset: card_freeze\n")
    assert_clean_error(*run(capsys, "export", "--scenario", f, "--out", tmp_path / "b"), "format_version 7", "newer")
    f.write_text("apiVersion: v1\nkind: Pod\n")
    assert_clean_error(*run(capsys, "export", "--scenario", f, "--out", tmp_path / "b"), "not an allofmp3-sim scenario")


def test_preset_and_scenario_are_exclusive_and_neither_means_the_defaults(capsys, tmp_path, no_chromium):
    with pytest.raises(SystemExit) as e:
        main(["export", "--preset", "card_freeze", "--scenario", "x.yaml", "--out", str(tmp_path / "b")])
    assert e.value.code == 2
    assert "argument --scenario: not allowed with argument --preset" in capsys.readouterr().err
    code, _, err = run(capsys, "export", "--out", tmp_path / "d", "--format", "csv")   # like market, demand...
    assert code == 0, err
    assert dict(read_scenario_file(tmp_path / "d" / "scenario.yaml").values) == dict(make_scenario().values)


def test_without_chromium_images_are_refused_and_the_default_falls_back(capsys, tmp_path, no_chromium):
    assert_clean_error(*run(capsys, "export", "--preset", "card_freeze", "--out", tmp_path / "b", "--format", "png"),
                       "needs Chromium", "--format html,csv")
    code, out, err = run(capsys, "export", "--preset", "card_freeze", "--out", tmp_path / "b")
    assert code == 0
    assert "note: writing html,csv only" in err and "no summary.pdf" in err
    assert {p.suffix for p in (tmp_path / "b").iterdir()} == {".html", ".csv", ".yaml", ".js"}


def test_no_chromium_for_real_in_a_fresh_process(tmp_path):
    """BROWSER_PATH pointing at nothing: the installed command's own search, not a seam."""
    env = {**os.environ, "BROWSER_PATH": "/nonexistent/chromium"}
    cmd = [sys.executable, "-m", "simulator", "export", "--preset", "card_freeze", "--out", str(tmp_path / "b"),
           "--format", "pdf"]
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "needs Chromium" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "b").exists()


@needs_chromium
def test_png_bundle_from_the_command_line(capsys, tmp_path):
    code, out, err = run(capsys, "export", "--preset", "card_freeze", "--out", tmp_path / "b", "--format", "png")
    assert code == 0, err
    assert "summary.pdf" in out
    w, h = check_png((tmp_path / "b" / "revenue_split.png").read_bytes())
    assert (w, h) == (1400, 1000)
    assert len(list((tmp_path / "b").glob("*.png"))) == len(CHART_NAMES)


@needs_chromium
def test_size_preset_from_the_command_line_names_and_sizes_every_image(capsys, tmp_path):
    code, out, err = run(capsys, "export", "--preset", "card_freeze", "--out", tmp_path / "b", "--format", "png",
                         "--size", "slide")
    assert code == 0, err
    assert "images at size slide" in out
    pngs = sorted(p.name for p in (tmp_path / "b").glob("*.png"))
    assert pngs == sorted(f"{c}_slide.png" for c in CHART_NAMES)
    for p in pngs:
        assert check_png((tmp_path / "b" / p).read_bytes()) == (1920, 1080), p
    alt = (tmp_path / "b" / "timeline.alt.txt").read_text("utf-8")
    assert alt.startswith("The time line, 2004-2007") and "scenario card_freeze" in alt


def test_unknown_size_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["export", "--preset", "card_freeze", "--out", str(tmp_path / "b"), "--size", "poster"])
    assert e.value.code == 2 and "invalid choice: 'poster'" in capsys.readouterr().err
