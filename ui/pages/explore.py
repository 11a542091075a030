"""Explore: headline figures against the reported ones, and every chart of the current scenario."""

from __future__ import annotations

import threading
from functools import partial

import streamlit as st

from simulator.model.fit import FitError, fit_store
from simulator.model.uncertainty import MC_OUTPUTS
from simulator.present.charts_distribution import OUTPUT_LABELS
from simulator.present.demand_view import (
    alternatives_note,
    alternatives_table,
    demand_findings,
    fit_table,
    report_choices,
    welfare_table,
)
from simulator.present.registry import chart, customer_charts, uncertainty_charts
from simulator.present.report import headline_metrics
from simulator.present.sources import explore_intro
from ui import show, state

#: Explore's views, one shown at a time.
VIEWS = ("Prices", "Pricing models", "Who gets paid", "Demand", "Uncertainty", "Customers", "Time line")
#: The views' names on their buttons: short enough for one row beside the sidebar on a 1024x768 projector.
VIEW_BUTTONS = {"Pricing models": "Models", "Who gets paid": "Who's paid", "Time line": "Timeline"}
#: Session-state key of the view selector.
VIEW_KEY = "explore_view"

# Model results are cached with st.cache_resource, not st.cache_data: they are never mutated, so
# sharing one object across reruns and sessions is safe, and it skips unpickling (which would
# re-validate every Plotly figure: about half of a warm rerun).


@st.cache_data(max_entries=16, show_spinner=False)
def _intro(key) -> str:
    return explore_intro(state.scenario_of(key))


@st.cache_resource(max_entries=64, show_spinner=False)
def _metrics(key):
    return headline_metrics(state.scenario_of(key))


@st.cache_resource(max_entries=64, show_spinner=False)
def _chart(key, name: str):
    return chart(name, state.scenario_of(key))


@st.cache_resource(max_entries=16, show_spinner=False)
def _uncertainty(key, output: str, draws: int, seed: int):
    return uncertainty_charts(state.scenario_of(key), output=output, draws=draws, seed=seed)


@st.fragment
def _uncertainty_panel(key) -> None:
    a = state.assumptions()
    p_draws, p_seed = a.parameters["uncertainty.draws"], a.parameters["uncertainty.seed"]
    c1, c2, c3 = st.columns(3)
    output = c1.selectbox("Output", MC_OUTPUTS, format_func=lambda o: OUTPUT_LABELS.get(o, o), key="mc_output")
    draws = c2.select_slider(p_draws.label, options=[1_000, 10_000, 50_000, 100_000, 200_000],
                             value=int(p_draws.value), key="mc_draws", help=p_draws.help)
    seed = c3.number_input(p_seed.label, min_value=0, max_value=int(p_seed.bounds[1]), value=int(p_seed.value),
                           step=1, key="mc_seed", help=p_seed.help)
    try:
        with st.spinner(f"Drawing {draws:,} scenarios…"):
            u = _uncertainty(key, output, int(draws), int(seed))
    except ValueError as e:  # FitError included: the fit that spreads the fitted inputs cannot run here
        st.error(str(e))
        return
    show.chart(u.tornado, key="tornado")
    show.chart(u.montecarlo, key="montecarlo")
    value = partial(st.column_config.NumberColumn, format="compact")
    # The figures first and the unit last: a 1024x768 projector shows the output and its band; the
    # output's name stays pinned while the rest scroll.
    st.dataframe(u.table, hide_index=True, column_order=_MC_COLUMNS, column_config={
        "output": st.column_config.TextColumn("output", pinned=True),
        "p5_value": value("5th percentile"), "p50_value": value("median"), "p95_value": value("95th percentile"),
        "mean_value": value("mean"),
        "deterministic_value": value("scenario's value", help="The output at the scenario's own inputs"),
        "deterministic_percentile": st.column_config.NumberColumn(
            "scenario's percentile", format="%.0f",
            help="Share of the draws below the scenario's value [%]"),
    })


#: The Monte Carlo table's columns in the order shown.
_MC_COLUMNS = ("output", "p5_value", "p50_value", "p95_value", "deterministic_value", "deterministic_percentile",
               "mean_value", "unit")


#: Customer years kept (each holds two small figures); the oldest is dropped first.
_CUSTOMER_CACHE_SIZE = 8
_CUSTOMER_CACHE: dict = {}
_CUSTOMER_LOCK = threading.Lock()


def _cached_customers(key, progress):
    """Lorenz and spend charts of a scenario, cached per scenario key in a small bounded cache.

    Not ``st.cache_data``: that would try to replay the progress bar's updates, which belong to an
    element created outside the cached function.
    """
    with _CUSTOMER_LOCK:
        hit = _CUSTOMER_CACHE.get(key)
    if hit is None:
        c = customer_charts(state.scenario_of(key), progress=progress)
        hit = (c.lorenz, c.spend_histogram, c.year.as_dict())
        with _CUSTOMER_LOCK:
            _CUSTOMER_CACHE[key] = hit
            while len(_CUSTOMER_CACHE) > _CUSTOMER_CACHE_SIZE:
                _CUSTOMER_CACHE.pop(next(iter(_CUSTOMER_CACHE)))
    return hit


@st.fragment
def _customers_panel(key) -> None:
    bar = st.progress(0.0, text="Simulating every customer…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Simulated {done:,} of {total:,} customers")

    lorenz, hist, d = _cached_customers(key, progress)
    bar.empty()
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Gini of spend", f"{d['gini']:.2f}", help=f"Closed form for a lognormal: {d['gini_lognormal']:.3f}")
    c2.metric("Revenue from the top 1%", f"{d['top_1_share']:.0%}", help="Share of revenue from the top 1% of spenders")
    c3.metric("Revenue from the top 10%", f"{d['top_10_share']:.0%}", help="Share of revenue from the top 10% of spenders")
    c4.metric("Invite-only clone keeps", f"{d['clone_revenue_share']:.1%}",
              help=f"Share of revenue from the {d['clone_customers']:,} customers who spend over "
                   f"${d['clone_threshold_usd']:,.0f} a year (MemphisMembers)")
    show.chart(lorenz, key="lorenz")
    show.chart(hist, key="spend_hist")


#: Session-state key of the reports switched off for the fit.
FIT_WITHOUT_KEY = "fit_without"
_FIT_MESSAGE = "fit_message"


@st.cache_resource(max_entries=64, show_spinner=False)
def _findings(key) -> list[str]:
    return demand_findings(state.scenario_of(key))


@st.cache_resource(max_entries=64, show_spinner=False)
def _tables(key, without: tuple[str, ...]):
    s = state.scenario_of(key)
    return (fit_table(s, without), welfare_table(s), alternatives_table(s), alternatives_note(s),
            report_choices(s))


def _refit(key) -> None:
    """Re-fit the demand without the reports switched off, and put the fitted values in the inputs."""
    without = tuple(st.session_state.get(FIT_WITHOUT_KEY) or ())
    try:
        f = fit_store(state.scenario_of(key), without=without)
    except FitError as e:
        st.session_state[_FIT_MESSAGE] = ("error", f"The fit was not applied: {e}")
        return
    state.set_inputs(f.values)
    n = int(f.table.used.sum())
    st.session_state[_FIT_MESSAGE] = ("success", f"Re-fitted to {n} reports ({f.evaluations} model evaluations); "
                                                 "every view now uses the fitted values.")


def _localized(df) -> dict:
    """Thousands separators on every number column of a table (its column names carry the units)."""
    return {c: st.column_config.NumberColumn(format="localized") for c in df.select_dtypes("number").columns}


#: The fit table's columns, the report and how far the model misses it first (a 1024x768 projector
#: shows about four of them; the report's name stays pinned while the rest scroll).
_FIT_COLUMNS = ("Report", "Reported", "Model", "Miss [σ]", "Used", "Date", "Source")
_FIT_CONFIG = {
    "Report": st.column_config.TextColumn("Report", width=200, pinned=True),
    "Miss [σ]": st.column_config.NumberColumn(
        "Miss [σ]", format="%+.2f",
        help="How far the model's figure is from the report, in units of the report's stated uncertainty "
             "(log scale): within ±1 is a close fit."),
    "Used": st.column_config.CheckboxColumn("Used", help="Whether the fit uses the report (switch it off above)"),
    "Source": st.column_config.LinkColumn("Source", display_text=r"https?://(?:www\.)?([^/]+)"),
}


def _demand_panel(key) -> None:
    for line in _findings(key):
        st.markdown(line)
    without = tuple(st.session_state.get(FIT_WITHOUT_KEY) or ())
    table, welfare, alternatives, note, choices = _tables(key, without)
    # The tables fold away: open, the three took about 1,500 px below the findings. A folded
    # expander keeps its content (and the browser keeps it open across reruns, as after a re-fit).
    with st.expander("Who gains: the year's surplus", icon=":material/groups:"):
        st.dataframe(welfare, hide_index=True, column_config=_localized(welfare))
    with st.expander("Per MB against one price a track and an album cap, on the same demand",
                     icon=":material/compare_arrows:"):
        st.caption(note)
        st.dataframe(alternatives, hide_index=True,
                     column_config={**_localized(alternatives), "Pricing": st.column_config.TextColumn(pinned=True)})
    with st.expander("The fit: every documented report against the model; switch reports off and re-fit",
                     icon=":material/tune:"):
        st.caption("Weighted least squares (allofmp3-sim fit): each report's miss is in units of its stated "
                   "uncertainty; a value inside a reported band still misses its middle (the geometric mean). Switch "
                   "reports off and re-fit to ask, for instance, what if the Hollywood Reporter's $10-14M were wrong "
                   "and The Times' $30M right.")
        st.multiselect("Reports switched off", list(choices), format_func=lambda n: choices.get(n, n),
                       key=FIT_WITHOUT_KEY)
        st.button("Re-fit and use the fitted values", on_click=_refit, args=(key,), key="fit_go")
        msg = st.session_state.pop(_FIT_MESSAGE, None)
        if msg is not None:
            (st.error if msg[0] == "error" else st.success)(msg[1])
        st.dataframe(table, hide_index=True, height="content", column_order=_FIT_COLUMNS, column_config=_FIT_CONFIG)


#: What each view shows: its charts by registry name (the two panels with their own
#: controls, Uncertainty and Customers, are fragments and compute inside).
_VIEW_CHARTS = {
    "Prices": ("price_vs_length",),
    "Pricing models": ("pricing_models",),
    "Who gets paid": ("revenue_split", "iso_revenue"),
    "Demand": ("demand_and_revenue",),
    "Time line": ("timeline",),
}
_PANELS = {"Uncertainty": _uncertainty_panel, "Customers": _customers_panel, "Demand": _demand_panel}


def render() -> None:
    state.current_scenario()  # shows an error and keeps the last valid state on bad input
    key = state.valid_key()
    view = st.session_state.get(VIEW_KEY) or VIEWS[0]
    # Everything is computed before anything is drawn, so the page's updates reach the browser in
    # one burst rather than spread over the run (Streamlit's browser re-renders what has arrived
    # every 10 ms while a run goes on).
    headline = _metrics(key)
    charts = [_chart(key, name) for name in _VIEW_CHARTS.get(view, ())]
    # The chart is drawn first, into a container placed below the headline: the browser then redraws
    # the figure a user is watching in its first batch of updates, and the text above follows.
    head, body = st.container(), st.container()
    with body:
        for c in charts:
            show.chart(c)
        if view in _PANELS:
            _PANELS[view](key)
        # The introduction follows the chart: on a 1024x768 projector the chart must show without scrolling.
        st.caption(_intro(key))
    with head:
        st.title("AllofMP3: music by the kilo")
        show.metrics(headline)
        # A segmented control, not st.tabs: only the chosen view is computed and sent (seven tab
        # panels would be seven more elements to re-render on every rerun).
        st.segmented_control("View", VIEWS, default=VIEWS[0], required=True, key=VIEW_KEY,
                             format_func=lambda v: VIEW_BUTTONS.get(v, v), label_visibility="collapsed",
                             persist_state="session")
