"""Each chart's files have the same names and contents from the app's Download menu and the CLI's bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_checks import read_csv_exact

from simulator.cli import main
from simulator.output import export
from simulator.params.scenario import make_scenario
from simulator.present.registry import CHART_NAMES, chart, customer_charts, uncertainty_charts

ROOT = Path(__file__).resolve().parents[1]
PRESET = "rate_2005"


def app_charts(scenario):
    """The charts as the app's Explore page builds them (ui/pages/explore.py), with its default controls."""
    u = uncertainty_charts(scenario)
    c = customer_charts(scenario, customers=20_000)
    by_name = {name: chart(name, scenario) for name in ("price_vs_length", "pricing_models", "revenue_split",
                                                        "iso_revenue", "demand_and_revenue", "timeline")}
    return {**by_name, u.tornado.name: u.tornado, u.montecarlo.name: u.montecarlo, c.lorenz.name: c.lorenz,
            c.spend_histogram.name: c.spend_histogram}


@pytest.fixture(scope="module")
def cli_bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "b"
    assert main(["export", "--preset", PRESET, "--out", str(out), "--format", "csv", "--no-progress"]) == 0
    return out


def test_every_chart_csv_has_the_same_name_and_columns_from_the_app_and_the_cli(cli_bundle):
    charts = app_charts(make_scenario(preset=PRESET))
    assert sorted(charts) == sorted(CHART_NAMES)
    for name in CHART_NAMES:
        offered = {f.file_name: f for f in export.chart_files(charts[name])}
        csv = offered[f"{name}.csv"]
        assert (cli_bundle / csv.file_name).is_file(), f"the CLI wrote no {csv.file_name}"
        app_head, app_rows = read_csv_exact(csv.data().decode("utf-8"))
        cli_head, cli_rows = read_csv_exact((cli_bundle / csv.file_name).read_text("utf-8"))
        assert app_head == cli_head == [str(c) for c in charts[name].data.columns], name
        if name not in ("lorenz_curve", "spend_histogram"):  # here the app's side simulates fewer customers
            assert app_rows == cli_rows, name


def test_chart_files_name_images_by_size_and_keep_data_names():
    c = chart("timeline", make_scenario())
    names = [f.file_name for f in export.chart_files(c, size="column")]
    assert names == ["timeline_column.png", "timeline_column.svg", "timeline_column.pdf", "timeline.alt.txt",
                     "timeline.html", "timeline.csv", "timeline_excel.csv"]
    alt = next(f for f in export.chart_files(c) if f.kind == "txt").data().decode("utf-8")
    assert alt.splitlines()[0] == c.title and f"Alt text: {c.alt}" in alt
    assert alt.rstrip().endswith("allofmp3-sim, scenario defaults")


def test_unknown_size_is_refused():
    with pytest.raises(ValueError, match="size must be one of"):
        export.chart_files(chart("timeline", make_scenario()), size="poster")


def test_app_download_menu_offers_sizes_alt_text_and_the_same_files(monkeypatch):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.session_state["dl_price_vs_length"] = True
    at.run()
    assert not at.exception
    size = at.selectbox(key="dl_price_vs_length_size")
    assert list(size.options) == [export.SIZES[k].label for k in export.SIZES]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Alt text (.txt)" in labels and "CSV (the data)" in labels
