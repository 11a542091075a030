"""The Streamlit front end under AppTest: every page, every input's effect, links, error paths.

AppTest runs ``app.py`` headless in this process (no browser, no JavaScript): it sees widgets,
metrics, alerts and each Plotly figure's JSON, not the layout or the URL the browser would show
(see ../shared/reference/stack-notes.md, section 3.1). Pages are found from ``ui.pages.PAGES``,
so a new page is covered without editing this file. No test asserts a time.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from apptest_pages import PAGE_NAMES, open_page
from streamlit.testing.v1 import AppTest

from simulator.model.fit import FIT_PARAMETERS, FitError, fit_store
from simulator.model.market import MarketYear, market_year
from simulator.params.scenario import make_scenario
from simulator.present.demand_view import demand_findings, report_choices
from simulator.present.inputs import input_specs
from simulator.present.report import format_count, format_usd

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES = sorted(PAGE_NAMES)
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CHINOOK = DATA / "chinook_tracks.csv"
needs_data = pytest.mark.skipif(not CHINOOK.is_file(), reason=f"shared data absent: {CHINOOK} not found")

RATE = "pricing.rate_usd_per_mb"
MIX = ("mp3-128", "mp3-192", "mp3-256", "mp3-320", "aac-256", "flac")
MARK = "● "
PRICE_CHART = "Price per track against length"
SPLIT_CHART = "Who gets what"
#: Key of Explore's view selector (a segmented control: only the chosen view is computed).
EXPLORE_TAB = "explore_view"
#: Key of the sidebar's "Input groups" selector (only chosen groups' widgets are drawn).
GROUPS = "input_groups"
#: The view each chart used in these tests lives in.
CHART_TABS = {PRICE_CHART: ("Prices",), SPLIT_CHART: ("Who gets paid",)}


def year(preset: str | None = None, **overrides) -> MarketYear:
    """The store model's year of a preset (the baseline by default) with some inputs changed."""
    return market_year(make_scenario(preset=preset, overrides=overrides))


def revenue_text(y: MarketYear) -> str:
    """A year's revenue as the headline shows it."""
    return format_usd(y.revenue_usd)


def shown(y: MarketYear) -> dict[str, str]:
    """A year's headline figures as the page shows them, computed from the model."""
    return {"Customers": format_count(y.customers), "Revenue a year": format_usd(y.revenue_usd),
            "Mean price per track": format_usd(y.mean_price_usd, cents=True), "ROMS payout a year": format_usd(y.roms_usd)}


#: The baseline preset's headline figures (reported_2006), as shown: the store model's year.
BASELINE = shown(year())


def _ok(at: AppTest) -> AppTest:
    """Assert that no traceback reached the page."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def run(at: AppTest) -> AppTest:
    return _ok(at.run())


def new_app(query: dict[str, str | list[str]] | None = None, page: str | None = None) -> AppTest:
    """A fresh session on ``app.py`` (optionally opened with a link's query), run once."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    run(at)
    if page:
        run(open_page(at, page))
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deltas(at: AppTest) -> dict[str, str]:
    return {m.label: m.delta for m in at.metric}


def open_tab(at: AppTest, label: str) -> AppTest:
    """Choose an Explore view (only the chosen one is computed; AppTest selects it via its key)."""
    at.session_state[EXPLORE_TAB] = label
    return run(at)


def chart(at: AppTest, title_start: str) -> dict:
    """The figure JSON of the one chart whose title starts with ``title_start``, opening its tab if needed."""
    for tab in (None, *CHART_TABS.get(title_start, ())):
        if tab is not None:
            open_tab(at, tab)
        found = [spec for spec in specs(at) if title(spec).startswith(title_start)]
        if found:
            assert len(found) == 1, f"{len(found)} charts titled {title_start!r}"
            return found[0]
    raise AssertionError(f"no chart titled {title_start!r}")


def specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def title(spec: dict) -> str:
    return spec["layout"].get("title", {}).get("text", "")


def values(v) -> list:
    """A trace's data as a list: Plotly 7 writes numpy arrays as ``{"dtype": "f8", "bdata": base64}``."""
    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return arr.reshape(v["shape"]).tolist() if "shape" in v else arr.tolist()
    return list(v) if v is not None else []


def ys(spec: dict) -> list[list]:
    return [values(tr.get("y")) for tr in spec["data"]]


def _find(at: AppTest, key: str):
    for kind in ("slider", "selectbox", "toggle", "number_input"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    return None


def widget(at: AppTest, key: str):
    """The sidebar widget of an input, whatever its kind; its group is shown first if hidden.

    The sidebar draws only the groups chosen under "Input groups" (the others' values live in
    the input store).
    """
    w = _find(at, key)
    if w is None:
        open_group(at, key.split(".")[0])
        w = _find(at, key)
    if w is None:
        raise KeyError(key)
    return w


def open_group(at: AppTest, group: str) -> AppTest:
    """Add an input group to the ones the sidebar shows (as a click on its pill would)."""
    shown = list(at.session_state[GROUPS] or [])
    if group not in shown:
        at.session_state[GROUPS] = [*shown, group]
    return run(at)


def group_pills(at: AppTest) -> dict[str, str]:
    """Input group -> its pill's text in the sidebar's "Input groups" selector."""
    (pills,) = [b for b in at.get("button_group") if b.proto.id.endswith(GROUPS)]
    groups = list(dict.fromkeys(spec.group for spec in input_specs().values()))
    return dict(zip(groups, [o.content for o in pills.proto.options], strict=True))


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


# --- every page ------------------------------------------------------------------------------


def test_pages_found():
    assert {"explore", "compare", "catalogue", "sources"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_and_shows_something(page):
    at = new_app(page=page)
    assert not errors(at)
    shown = len(at.metric) + len(at.dataframe) + len(at.get("plotly_chart")) + len(at.table) + len(at.expander)
    assert shown > 0, f"page {page} shows no metric, table, chart or expander"
    for spec in specs(at):
        check_log_axis_annotations(spec)
    assert at.title, f"page {page} has no title"


def check_log_axis_annotations(spec: dict) -> None:
    """On a log x axis Plotly places annotations at log10(x) (shapes and traces take x itself).

    An annotation written in data units (e.g. add_vline(x=300, annotation_text=...)) stretches the axis
    to 10^300; check every annotation on a log x axis lies within a decade of the data, in log10 units.
    """
    if spec["layout"].get("xaxis", {}).get("type") != "log":
        return
    xs = [x for tr in spec["data"] if tr.get("xaxis", "x") == "x" for x in values(tr.get("x")) if x and x > 0]
    if not xs:
        return
    lo, hi = np.log10(min(xs)) - 1, np.log10(max(xs)) + 1
    for a in spec["layout"].get("annotations", []):
        if a.get("xref") == "x" and "x" in a:
            assert lo <= a["x"] <= hi, f"{title(spec)!r}: annotation {a.get('text')!r} at x={a['x']} (log10 units)"


def explore_tabs(at: AppTest) -> list[str]:
    """The views Explore offers, by name (its segmented control shows some shorter, on one row)."""
    from ui.pages.explore import VIEW_BUTTONS, VIEWS

    (control,) = [b for b in at.get("button_group") if b.proto.id.endswith(EXPLORE_TAB)]
    by_button = {VIEW_BUTTONS.get(v, v): v for v in VIEWS}
    return [by_button[o.content] for o in control.proto.options]


def test_every_explore_tab_runs_and_draws_a_chart():
    at = new_app()
    tabs = explore_tabs(at)
    assert {"Prices", "Who gets paid"} <= set(tabs)
    for tab in tabs:
        open_tab(at, tab)
        assert not errors(at), (tab, errors(at))
        assert at.get("plotly_chart"), f"tab {tab!r} draws no chart"
        for spec in specs(at):
            check_log_axis_annotations(spec)
        assert len(at.metric) >= 6, f"tab {tab!r}: the headline metrics are gone"


def test_uncertainty_table_names_its_outputs():
    at = new_app()
    open_tab(at, "Uncertainty")
    table = at.dataframe[0].value
    assert list(table.output) == ["Revenue a year", "Customers at the year's end", "Downloads per customer",
                                  "ROMS payout a year", "Operator's contribution margin a year"]
    by_output = table.set_index("output")
    y = year()
    assert by_output.loc["Revenue a year", "deterministic_value"] == pytest.approx(y.revenue_usd, rel=1e-12)
    assert by_output.loc["Customers at the year's end", "deterministic_value"] == pytest.approx(y.customers, rel=1e-12)
    assert by_output.deterministic_percentile.between(0, 100).all()


def test_uncertainty_that_cannot_fit_says_why_and_the_page_runs(monkeypatch):
    """The Monte Carlo draws the fitted inputs around the fit: a FitError (a ValueError) is shown, no traceback."""
    import ui.pages.explore as explore

    def no_fit(*args, **kwargs):
        raise FitError("the fit did not converge (test)")

    monkeypatch.setattr(explore, "uncertainty_charts", no_fit)
    at = new_app()
    widget(at, "royalties.roms_share").set_value(0.23)  # a scenario no other test draws (results are cached)
    run(at)
    open_tab(at, "Uncertainty")
    assert errors(at) == ["the fit did not converge (test)"]
    assert len(at.metric) >= 6


def test_every_page_runs_while_an_input_is_invalid():
    """With an all-zero quality mix every page says so (or ignores it) and keeps a valid scenario."""
    at = new_app()
    for name in MIX:
        widget(at, f"market.quality_mix.{name}").set_value(0.0)
    run(at)
    assert any("quality-mix" in e for e in errors(at))
    for tab in explore_tabs(at):
        open_tab(at, tab)
        assert at.get("plotly_chart"), f"tab {tab!r} draws no chart while an input is invalid"
    for page in PAGES:
        run(open_page(at, page))
    run(open_page(at, "explore"))
    assert any("quality-mix" in e for e in errors(at))


# --- Explore: each input moves what it should ---------------------------------------------

MARGIN = "Operator's contribution margin a year"
PER_CUSTOMER = "Downloads per customer"
# (input, new value, metrics that must change, metrics that must not, charts that must change).
# On the store model what a download costs, or how many a buyer wants, moves the accounts a little too
# (0.1% for 2 c/MB): those rows leave "Customers" out of both sets. Potential buyers scale customers and
# revenue, not a customer's year. Values are chosen to move the figures as displayed (to 3 digits).
EFFECTS = [
    (RATE, 0.02, {"Revenue a year", "Mean price per track", PER_CUSTOMER, MARGIN}, set(),
     {PRICE_CHART, SPLIT_CHART}),
    ("pricing.discount_share", 0.2, {"Revenue a year", "Mean price per track", MARGIN}, {"Customers"},
     {PRICE_CHART, SPLIT_CHART}),
    ("pricing.mb_convention", "binary", {"Revenue a year", "ROMS payout a year", MARGIN}, {"Customers"},
     {PRICE_CHART, SPLIT_CHART}),
    ("demand.potential_buyers", 4_000_000.0, {"Customers", "Revenue a year", "ROMS payout a year", MARGIN},
     {"Mean price per track", PER_CUSTOMER}, {SPLIT_CHART}),
    ("demand.track_wants_per_month", 60.0, {"Revenue a year", "ROMS payout a year", PER_CUSTOMER},
     {"Mean price per track"}, {SPLIT_CHART}),
    ("market.quality_mix.mp3-128", 0.0, {"Revenue a year", "Mean price per track"}, {"Customers"},
     {SPLIT_CHART}),
    ("royalties.roms_share", 0.3, {"ROMS payout a year", MARGIN},
     {"Customers", "Revenue a year", "Mean price per track", PER_CUSTOMER}, {SPLIT_CHART}),
    ("payments.card_freeze_active", False, {"Revenue a year", "ROMS payout a year", PER_CUSTOMER}, set(),
     {SPLIT_CHART}),
]


@pytest.mark.parametrize(("key", "value", "moves", "stays", "charts"), EFFECTS, ids=[e[0] for e in EFFECTS])
def test_input_changes_its_metrics_and_charts(key, value, moves, stays, charts):
    at = new_app()
    w = widget(at, key)
    assert not w.label.startswith(MARK)
    before_m = metrics(at)
    before_c = {t: chart(at, t) for t in (PRICE_CHART, SPLIT_CHART)}
    widget(at, key).set_value(value)  # fetched again: a widget object belongs to one run's element tree
    run(at)
    assert widget(at, key).value == value
    after_m = metrics(at)
    changed = {k for k in before_m if before_m[k] != after_m[k]}
    assert moves <= changed, f"{key}: expected {moves} to change, changed {changed}"
    assert not stays & changed, f"{key}: {stays & changed} should not change"
    for t in (PRICE_CHART, SPLIT_CHART):
        moved = ys(before_c[t]) != ys(chart(at, t)) or title(before_c[t]) != title(chart(at, t))
        assert moved == (t in charts), f"{key}: chart {t!r} {'did not change' if not moved else 'changed'}"
    # The changed input is marked, the others are not.
    assert widget(at, key).label.startswith(MARK)
    assert [w.key for w in (*at.slider, *at.number_input, *at.selectbox, *at.toggle) if w.label.startswith(MARK)] == [key]
    # ... and so is its group in the "Input groups" selector, with a count; no other group is.
    pills = group_pills(at)
    group = input_specs()[key].group
    assert pills[group].endswith(" ●1"), pills[group]
    assert [g for g, text in pills.items() if "●" in text] == [group]
    assert not errors(at)


def test_rate_and_convention_appear_in_the_price_chart_title():
    at = new_app()
    assert "at 3 c/MB" in title(chart(at, PRICE_CHART))
    widget(at, RATE).set_value(0.02)
    run(at)
    assert "at 2 c/MB" in title(chart(at, PRICE_CHART))
    widget(at, "pricing.mb_convention").set_value("binary")
    run(at)
    assert "at 2 c/MiB" in title(chart(at, PRICE_CHART))


def test_revenue_and_customers_are_proportional_to_potential_buyers():
    at = new_app()
    (split,) = ys(chart(at, SPLIT_CHART))
    buyers = widget(at, "demand.potential_buyers").value
    widget(at, "demand.potential_buyers").set_value(2 * buyers)
    run(at)
    (doubled,) = ys(chart(at, SPLIT_CHART))
    assert len(split) == 6
    for a, b in zip(split, doubled, strict=True):
        assert b == pytest.approx(2 * a, rel=1e-9, abs=1e-9)
    twice = year(**{"demand.potential_buyers": 2 * buyers})
    assert twice.customers == pytest.approx(2 * year().customers, rel=1e-9)
    assert metrics(at)["Customers"] == format_count(twice.customers)
    assert metrics(at)[PER_CUSTOMER] == format_count(year().downloads_per_customer)


# --- presets, reset and the change mark ------------------------------------------------------


def test_preset_change_moves_inputs_and_metrics():
    at = new_app()
    before = metrics(at)
    at.selectbox(key="preset").set_value("lossless")
    run(at)
    assert widget(at, "market.quality_mix.flac").value == pytest.approx(0.8)
    assert widget(at, "market.quality_mix.mp3-192").value == 0.0
    assert metrics(at)["Mean price per track"] != before["Mean price per track"]
    assert metrics(at)["Revenue a year"] != before["Revenue a year"]
    assert not [w.key for w in at.slider if w.label.startswith(MARK)], "a preset's own values are not changes"
    assert at.button(key="reset_preset").disabled

    at.selectbox(key="preset").set_value("rate_2005")
    run(at)
    assert widget(at, RATE).value == pytest.approx(0.02)
    assert widget(at, "market.quality_mix.flac").value == pytest.approx(0.02)
    assert "at 2 c/MB" in title(chart(at, PRICE_CHART))


def test_reset_restores_the_preset():
    at = new_app()
    at.selectbox(key="preset").set_value("mp3sparks")
    run(at)
    preset_metrics = metrics(at)
    widget(at, RATE).set_value(0.01)
    widget(at, "royalties.roms_share").set_value(0.5)
    run(at)
    assert metrics(at) != preset_metrics
    assert widget(at, RATE).label.startswith(MARK)
    assert not at.button(key="reset_preset").disabled
    assert any("2 input(s) differ" in c.value for c in at.sidebar.caption)
    at.button(key="reset_preset").click()
    run(at)
    assert widget(at, RATE).value == pytest.approx(0.04)
    assert widget(at, "royalties.roms_share").value == pytest.approx(0.15)
    assert metrics(at) == preset_metrics
    assert not widget(at, RATE).label.startswith(MARK)
    assert at.button(key="reset_preset").disabled


# --- links (URL query parameters) -----------------------------------------------------------


def test_link_seeds_the_widgets():
    at = new_app({RATE: "0.02", "payments.card_freeze_active": "true", "pricing.mb_convention": "binary"})
    assert widget(at, RATE).value == pytest.approx(0.02)
    assert widget(at, "payments.card_freeze_active").value is True
    assert widget(at, "pricing.mb_convention").value == "binary"
    assert widget(at, RATE).label.startswith(MARK)
    assert "at 2 c/MiB" in title(chart(at, PRICE_CHART))
    assert not warnings(at)
    assert metrics(at)["Revenue a year"] != BASELINE["Revenue a year"]


def test_link_with_a_preset_name():
    at = new_app({RATE: "0.02", "preset": "lossless"})
    assert at.selectbox(key="preset").value == "lossless"
    assert widget(at, RATE).value == pytest.approx(0.02)
    assert widget(at, "market.quality_mix.flac").value == pytest.approx(0.8)
    assert metrics(at)["Revenue a year"] == revenue_text(year("lossless", **{RATE: 0.02}))
    assert not warnings(at)


def test_link_written_by_the_app_reopens_its_scenario():
    """A bound selectbox writes its label to the URL (preset=Lossless+buyers); the link must reopen."""
    at = new_app({"preset": "Lossless buyers", "pricing.rounding": "per basket"})
    assert not warnings(at)
    assert at.selectbox(key="preset").value == "lossless"
    assert widget(at, "pricing.rounding").value == "per_basket"
    assert widget(at, "market.quality_mix.flac").value == pytest.approx(0.8)
    assert [w.key for w in (*at.slider, *at.selectbox) if w.label.startswith(MARK)] == ["pricing.rounding"]


def test_link_with_a_preset_name_keeps_it_in_the_address():
    # the preset selectbox is not bound: ui.state writes ?preset=NAME itself, so a name survives
    at = new_app({RATE: "0.02", "preset": "lossless"})
    assert "preset" in at.query_params


BAD_LINKS = [
    ({RATE: "9"}, RATE),
    ({RATE: "abc"}, RATE),
    ({RATE: "nan"}, RATE),
    ({"demand.potential_buyers": "-5"}, "demand.potential_buyers"),
    ({"pricing.mb_convention": "hex"}, "pricing.mb_convention"),
    ({"payments.card_freeze_active": "maybe"}, "payments.card_freeze_active"),
    ({"preset": "nosuch"}, "preset"),
    ({"nosuch.input": "1"}, "nosuch.input"),
]


@pytest.mark.parametrize(("query", "name"), BAD_LINKS, ids=[f"{n}={v}" for q, n in BAD_LINKS for v in q.values()])
def test_bad_link_value_gives_a_notice_and_the_app_runs(query, name):
    at = new_app(query)
    notes = warnings(at)
    assert len(notes) == 1 and name in notes[0] and "ignored" in notes[0], notes
    assert widget(at, RATE).value == pytest.approx(0.03)
    assert at.selectbox(key="preset").value == "reported_2006"
    assert {k: metrics(at)[k] for k in BASELINE} == BASELINE
    assert len(at.get("plotly_chart")) >= 1   # the open tab's chart (Prices: one chart)
    at.button(key="dismiss_notices").click()
    run(at)
    assert not warnings(at)


def test_repeated_link_key_uses_the_last_value_with_a_notice():
    at = new_app({RATE: ["0.02", "0.025"]})
    assert widget(at, RATE).value == pytest.approx(0.025)
    (note,) = warnings(at)
    assert f"{RATE} is given 2 times" in note and "'0.025'" in note


def test_bad_and_good_link_values_together():
    at = new_app({RATE: "0.02", "pricing.discount_share": "9"})
    assert widget(at, RATE).value == pytest.approx(0.02)
    assert widget(at, "pricing.discount_share").value == 0.0
    assert any("pricing.discount_share" in w for w in warnings(at))


@pytest.mark.parametrize("page", PAGES)
def test_link_whose_values_do_not_fit_together_gives_a_notice_on_every_page(page):
    """Each value is in range, but all six quality-mix weights at 0 (or a reported band upside down)
    make no scenario: the link's values are dropped with a notice, the preset is shown, no traceback."""
    zero_mix = {f"market.quality_mix.{name}": "0" for name in MIX}
    upside_down = {"market.reported_track_price_low_usd": "0.9", "market.reported_track_price_high_usd": "0.1"}
    for query, named in ((zero_mix, "quality-mix"), (upside_down, "must not be above")):
        at = AppTest.from_file(str(APP), default_timeout=60)
        for k, v in query.items():
            at.query_params[k] = v
        run(at)
        if page != "explore":
            run(open_page(at, page))
        notes = warnings(at)
        assert len(notes) == 1 and named in notes[0] and "ignored" in notes[0], notes
        assert not errors(at)
        assert at.session_state["_inputs"]["market.quality_mix.mp3-192"] == 0.4
        if page == "explore":
            assert {k: metrics(at)[k] for k in BASELINE} == BASELINE


def test_link_notices_show_on_the_page_a_link_opens():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params[RATE] = "abc"
    open_page(at, "catalogue")
    run(at)
    assert any(RATE in w and "ignored" in w for w in warnings(at))


def test_long_link_value_is_cut_in_its_notice():
    at = new_app({RATE: "9" * 5000})
    (note,) = warnings(at)
    assert len(note) < 400 and "…" in note


def test_explore_view_and_catalogue_choices_survive_a_visit_to_another_page():
    at = new_app()
    open_tab(at, "Demand")
    run(open_page(at, "catalogue"))
    fifth = at.selectbox(key="catalogue_album").options[5]
    at.selectbox(key="catalogue_album").set_value(fifth)
    at.selectbox(key="catalogue_encoding").set_value("mp3-320")
    run(at)
    run(open_page(at, "sources"))
    run(open_page(at, "catalogue"))
    assert at.selectbox(key="catalogue_album").value == fifth
    assert at.selectbox(key="catalogue_encoding").value == "mp3-320"
    run(open_page(at, "explore"))
    assert [t for t in map(title, specs(at)) if t.startswith("Demand") or "demand" in t.lower()], list(map(title, specs(at)))


# --- Explore's Demand view: what the fitted demand says, and the fit ---------------------------

FIT_WITHOUT, FIT_GO = "fit_without", "fit_go"
#: A report whose removal moves the fit: the lowest revenue estimate ($10-14M).
LOW_REVENUE = "revenue_hollywood_reporter"


def demand_view() -> AppTest:
    return open_tab(new_app(), "Demand")


def fit_table_shown(at: AppTest):
    (table,) = [d.value for d in at.dataframe if "Miss [σ]" in d.value.columns]
    return table


def fitted_inputs(at: AppTest) -> dict[str, float]:
    """The fitted parameters' values in the sidebar's input store."""
    return {k: at.session_state["_inputs"][k] for k in FIT_PARAMETERS}


def test_demand_view_states_the_fitted_demands_findings_and_tables():
    at = demand_view()
    shown_md = [m.value for m in at.markdown]
    findings = demand_findings(make_scenario())
    assert len(findings) >= 4
    for line in findings:
        assert line in shown_md, line
    assert any(line.startswith("**The August 2006 rise.**") for line in shown_md)
    columns = [list(d.value.columns) for d in at.dataframe]
    assert any("Who" in c for c in columns), columns             # who gains: the year's surplus
    assert any("Pricing" in c for c in columns), columns         # per MB against a flat price and a cap
    assert not errors(at)


def test_demand_fit_table_has_a_row_per_fitted_report():
    at = demand_view()
    choices = report_choices(make_scenario())
    assert len(choices) > len(FIT_PARAMETERS)
    table = fit_table_shown(at)
    assert list(table["Report"]) == list(choices.values())
    assert table["Used"].all()
    assert at.multiselect(key=FIT_WITHOUT).options == list(choices.values())
    # Switching a report off (before re-fitting) marks it unused and changes no input.
    before = fitted_inputs(at)
    at.multiselect(key=FIT_WITHOUT).set_value([LOW_REVENUE])
    run(at)
    used = fit_table_shown(at).set_index("Report")["Used"]
    assert not used[choices[LOW_REVENUE]] and used.sum() == len(choices) - 1
    assert fitted_inputs(at) == before


def test_refitting_without_a_report_puts_the_fitted_values_in_the_inputs():
    at = demand_view()
    open_group(at, "demand")
    before = fitted_inputs(at)
    at.multiselect(key=FIT_WITHOUT).set_value([LOW_REVENUE])
    run(at)
    at.button(key=FIT_GO).click()
    run(at)
    expected = fit_store(make_scenario(), without=(LOW_REVENUE,)).values
    after = fitted_inputs(at)
    assert after == pytest.approx(expected, rel=1e-9)
    assert after["demand.potential_buyers"] != pytest.approx(before["demand.potential_buyers"], rel=1e-3)
    buyers = widget(at, "demand.potential_buyers")
    assert buyers.value == pytest.approx(expected["demand.potential_buyers"], rel=1e-9)
    assert buyers.label.startswith(MARK)
    (ok,) = [s.value for s in at.success]
    assert f"Re-fitted to {len(report_choices(make_scenario())) - 1} reports" in ok and "fitted values" in ok
    assert not errors(at)
    assert metrics(at)["Revenue a year"] == revenue_text(year(**expected))
    run(at)  # the message is said once
    assert not at.success


def test_switching_off_too_many_reports_shows_the_fit_error_and_keeps_the_inputs():
    at = demand_view()
    names = list(report_choices(make_scenario()))
    off = names[: len(names) - len(FIT_PARAMETERS) + 1]  # one report fewer than parameters remains
    with pytest.raises(FitError) as fit_error:
        fit_store(make_scenario(), without=off)
    before, before_metrics = fitted_inputs(at), metrics(at)
    at.multiselect(key=FIT_WITHOUT).set_value(off)
    run(at)
    at.button(key=FIT_GO).click()
    run(at)
    (err,) = errors(at)
    assert str(fit_error.value) in err
    assert not at.success
    assert fitted_inputs(at) == before and metrics(at) == before_metrics
    assert not [g for g, text in group_pills(at).items() if "●" in text], "no input was changed"


# --- error paths -----------------------------------------------------------------------------


def test_all_quality_mix_weights_zero_keeps_the_last_valid_metrics():
    at = new_app()
    for name in MIX[:-1]:
        widget(at, f"market.quality_mix.{name}").set_value(0.0)
    run(at)
    assert not errors(at)
    last_valid = metrics(at)
    last_charts = [json.loads(c.proto.spec)["data"] for c in at.get("plotly_chart")]
    assert last_valid != metrics(new_app())

    widget(at, f"market.quality_mix.{MIX[-1]}").set_value(0.0)
    run(at)
    errs = errors(at)
    assert len(errs) == 1 and "quality-mix" in errs[0] and "last valid" in errs[0], errs
    assert metrics(at) == last_valid
    assert [json.loads(c.proto.spec)["data"] for c in at.get("plotly_chart")] == last_charts

    widget(at, "market.quality_mix.mp3-128").set_value(1.0)
    run(at)
    assert not errors(at)
    assert metrics(at)["Mean price per track"] != last_valid["Mean price per track"]


BAD_FILES = [
    ("junk.csv", bytes(range(256)) * 8, "text/csv", "binary"),
    ("noduration.csv", b"name,artist,album\nSong,Band,Record\n", "text/csv", "duration"),
    ("tag.csv", b"!!python/object/apply:os.system ['echo pwned']\n", "text/csv", "duration"),
    ("formula.csv", b"duration_ms,album\n=cmd|' /C calc'!A0,Record\n", "text/csv", "duration"),
    ("tag.xml", b"--- !!python/object/apply:os.system ['echo pwned']\n", "text/xml", ""),
]


def _catalogue_upload_page() -> AppTest:
    at = new_app(page="catalogue")
    at.radio(key="catalogue_source").set_value("Upload a file")
    return run(at)


def _upload(at: AppTest, name: str, data: bytes, mime: str) -> AppTest:
    at.file_uploader(key="catalogue_file").set_value((name, data, mime))
    return run(at)


def _albums(at: AppTest) -> int:
    return len(at.selectbox(key="catalogue_album").options)


def test_bad_uploads_with_nothing_loaded_fall_back_to_the_builtin_catalogue():
    at = _catalogue_upload_page()
    assert any("No file yet" in i.value for i in at.info)
    builtin, builtin_metrics = _albums(at), metrics(at)
    for name, data, mime, says in BAD_FILES:
        _upload(at, name, data, mime)
        errs = errors(at)
        assert len(errs) == 1 and name in errs[0] and says in errs[0], errs
        assert any("built-in catalogue instead" in c.value for c in at.caption)
        assert _albums(at) == builtin
        assert metrics(at) == builtin_metrics


@needs_data
def test_good_upload_then_bad_uploads_keep_the_last_valid_catalogue():
    at = _catalogue_upload_page()
    builtin_metrics = metrics(at)
    _upload(at, "chinook_tracks.csv", CHINOOK.read_bytes(), "text/csv")
    assert not errors(at)
    assert _albums(at) == 335
    assert any("335 albums" in c.value for c in at.caption)
    loaded = metrics(at)
    assert set(loaded) == {"Album, each track rounded", "Album, rounded once", "At iTunes"}
    assert loaded != builtin_metrics
    for name, data, mime, says in BAD_FILES:
        _upload(at, name, data, mime)
        errs = errors(at)
        assert len(errs) == 1 and name in errs[0] and says in errs[0], errs
        assert any("last catalogue that loaded: chinook_tracks.csv" in c.value for c in at.caption)
        assert _albums(at) == 335
        assert metrics(at) == loaded
    # Choosing an album and an encoding still works on the kept catalogue.
    at.selectbox(key="catalogue_album").set_value(at.selectbox(key="catalogue_album").options[10])
    at.selectbox(key="catalogue_encoding").set_value("flac")
    run(at)
    assert metrics(at) != loaded


def test_catalogue_follows_the_sidebar_rate():
    at = new_app(page="catalogue")
    before = metrics(at)
    widget(at, RATE).set_value(0.06)
    run(at)
    after = metrics(at)
    assert after["At iTunes"] == before["At iTunes"]
    assert after["Album, each track rounded"] != before["Album, each track rounded"]


# --- Compare ---------------------------------------------------------------------------------


def _verdict(at: AppTest) -> str:
    (info,) = at.info
    return info.value


def test_compare_verdict_follows_the_choices():
    at = new_app(page="compare")
    seen = {_verdict(at)}
    assert "revenue" in _verdict(at)
    for key, value in [("compare_first", "lossless"), ("compare_second", "card_freeze"), ("compare_third", "mp3sparks")]:
        at.selectbox(key=key).set_value(value)
        run(at)
        v = _verdict(at)
        assert v not in seen, f"verdict did not change after {key}={value}"
        seen.add(v)
    assert len(at.get("plotly_chart")) == 1
    # "Your inputs" follow the sidebar.
    at.selectbox(key="compare_third").set_value("none")
    at.selectbox(key="compare_second").set_value("current")
    run(at)
    v = _verdict(at)
    widget(at, RATE).set_value(0.05)
    run(at)
    assert _verdict(at) != v


@pytest.mark.parametrize(("first", "second", "third"), [("current", "current", "lossless"), ("lossless", "lossless", "none")])
def test_compare_counts_a_scenario_picked_twice_once(first, second, third):
    at = new_app(page="compare")
    for key, value in (("compare_first", first), ("compare_second", second), ("compare_third", third)):
        at.selectbox(key=key).set_value(value)
    run(at)
    assert any("picked twice" in c.value for c in at.caption)
    if third == "none":  # one scenario left: nothing to compare, and no error
        assert any("Pick two different scenarios" in i.value for i in at.info) and not at.get("plotly_chart")
        return
    (spec,) = specs(at)
    for tr in spec["data"]:  # one bar per scenario in each series, never a duplicate added up
        assert values(tr.get("x")) == ["Your inputs", "Lossless buyers"], values(tr.get("x"))


# --------------------------------------------------------------------------- numbers that mean what they say

BOX = RATE + "__box"


def test_rate_box_takes_values_beyond_the_slider_and_the_slider_comes_back():
    at = new_app()
    assert (at.slider(key=RATE).min, at.slider(key=RATE).max) == (0.005, 0.1)
    at.number_input(key=BOX).set_value(0.2)
    run(at)
    assert metrics(at)["Revenue a year"] == revenue_text(year(**{RATE: 0.2}))
    assert RATE not in [w.key for w in at.slider]  # a slider cannot show 0.2
    assert "beyond the slider's 0.005 to 0.1" in at.number_input(key=BOX).label
    at.number_input(key=BOX).set_value(0.02)
    run(at)
    assert at.slider(key=RATE).value == 0.02 and metrics(at)["Revenue a year"] == revenue_text(year(**{RATE: 0.02}))
    at.slider(key=RATE).set_value(0.03)
    run(at)
    assert at.number_input(key=BOX).value == 0.03 and metrics(at)["Revenue a year"] == BASELINE["Revenue a year"]


def test_an_out_of_range_number_is_refused_with_a_message_and_the_box_shows_what_the_model_uses():
    at = new_app()
    at.number_input(key=BOX).set_value(0.5)
    run(at)
    assert [e.value for e in at.error] == [
        "Rate per megabyte [USD/MB]: 0.500 is outside the allowed 0.001 to 0.300; the model keeps 0.030."]
    assert at.number_input(key=BOX).value == 0.03 and metrics(at)["Revenue a year"] == BASELINE["Revenue a year"]
    w = widget(at, "market.reported_revenue_usd")
    w.set_value(2e9)
    run(at)
    assert [e.value for e in at.error] == [
        "Reported revenue [USD/year]: 2,000,000,000 is outside the allowed 100,000 to 1,000,000,000; the model "
        "keeps 30,000,000."]
    assert widget(at, "market.reported_revenue_usd").value == 30_000_000.0
    assert metrics(at)["Revenue a year"] == BASELINE["Revenue a year"]
    run(at)  # the message is said once
    assert not at.error


def test_a_link_writes_counts_as_whole_numbers():
    at = new_app()
    widget(at, "demand.potential_buyers").set_value(4_000_000.0)
    run(at)
    assert at.query_params["demand.potential_buyers"] in ("4000000", ["4000000"])
    back = new_app({"demand.potential_buyers": "4000000"})
    assert widget(back, "demand.potential_buyers").value == 4_000_000.0 and not back.warning


@needs_data
def test_after_switching_catalogue_the_album_box_shows_an_album_of_the_new_one():
    at = _catalogue_upload_page()
    builtin = at.selectbox(key="catalogue_album")
    builtin.set_value(builtin.options[3])
    run(at)
    _upload(at, "chinook_tracks.csv", CHINOOK.read_bytes(), "text/csv")
    box = at.selectbox(key="catalogue_album")
    assert box.value in box.options and not box.value.startswith("Artist ")
    assert at.subheader[0].value == box.value
