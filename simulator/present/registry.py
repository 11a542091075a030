"""The chart registry: the one place where the model is wired to its charts.

Every chart the app, the handout bundle and the report show is built here from a
scenario. Charts that need nothing but the scenario are recipes in :data:`RECIPES`
(``name -> Scenario -> Chart``); the charts with options of their own (the tornado and
the Monte Carlo for one output, the customer charts from one simulated year) have a
function each, which the app's panels call with their controls' values and
:func:`scenario_charts` calls with the defaults.

Examples
--------
>>> [c.name for c in scenario_charts(make_scenario(), customers=20_000, draws=500)][:3]
['price_vs_length', 'pricing_models', 'revenue_split']
>>> chart("demand_and_revenue", make_scenario()).name
'demand_and_revenue'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import pandas as pd

from simulator.model.calibration import iso_grid
from simulator.model.customers import CustomerYear, Progress, customer_year
from simulator.model.demand import best_rate, demand_curve, rate_rise
from simulator.model.encoding import mb_unit
from simulator.model.tariffs import price_by_length
from simulator.model.timeline import monthly_timeline
from simulator.model.uncertainty import monte_carlo, tornado
from simulator.params.scenario import Scenario, changed_keys, preset_values
from simulator.present.charts import Chart, price_vs_length_chart, revenue_split_chart
from simulator.present.charts_distribution import (
    lorenz_chart,
    montecarlo_chart,
    montecarlo_table,
    spend_histogram_chart,
    tornado_chart,
)
from simulator.present.charts_market import demand_chart, iso_revenue_chart, models_chart, timeline_chart

__all__ = [
    "CHART_NAMES",
    "RECIPES",
    "CustomerCharts",
    "UncertaintyCharts",
    "SOURCES",
    "chart",
    "credit_line",
    "customer_charts",
    "scenario_label",
    "scenario_charts",
    "uncertainty_charts",
]

#: Output of the tornado and the Monte Carlo in the handout (the app lets the user pick another).
DEFAULT_OUTPUT = "revenue_usd"


#: Where each chart's numbers come from, for the credit line inside exported images (short: it is one line).
SOURCES: Mapping[str, str] = MappingProxyType({
    "price_vs_length": "rates 2005-07 (Wikipedia), press reports of 10-20 c a track (2007), iTunes (Apple, 2003)",
    "pricing_models": "AllofMP3 rates (Wikipedia), iTunes and iTunes Plus prices (Apple), eMusic-style terms",
    "revenue_split": "model of assumptions.yaml; ROMS share from the company's 2006 statement",
    "iso_revenue": "model of assumptions.yaml; $30 million a year: The Times (2007)",
    "demand_and_revenue": "nested logit fitted to the reports (allofmp3-sim fit)",
    "tornado": "fitted inputs ±1 conditional s.e., others their plausible ranges",
    "montecarlo": "fitted inputs drawn around the fit, the rest triangular (assumptions.yaml)",
    "lorenz_curve": "simulated customers, lognormal spread assumed (assumptions.yaml)",
    "spend_histogram": "simulated customers, lognormal spread assumed (assumptions.yaml)",
    "timeline": "events and rates of assumptions.yaml (press and Wikipedia, 2004-2007)",
})


def scenario_label(scenario: Scenario) -> str:
    """Name a scenario for a credit line: its preset's name if no input differs from it, else ``"custom"``.

    A scenario on the assumptions' own values, with no preset, is ``"defaults"``.

    Examples
    --------
    >>> scenario_label(make_scenario(preset="rate_2005"))
    'rate_2005'
    >>> scenario_label(make_scenario(preset="rate_2005", overrides={"demand.potential_buyers": 4e6}))
    'custom'
    """
    base = preset_values(scenario.assumptions, scenario.preset)
    if changed_keys(dict(scenario.values), base):
        return "custom"
    return scenario.preset or "defaults"


def credit_line(name: str, scenario: Scenario) -> str:
    """Return the source and credit line of a chart for a scenario.

    Examples
    --------
    >>> credit_line("timeline", make_scenario(preset="rate_2005"))[-34:]
    '· allofmp3-sim, scenario rate_2005'
    """
    key = name.split("_")[0] if name.startswith(("tornado_", "montecarlo_")) else name
    return f"Source: {SOURCES.get(key, 'assumptions.yaml')} · allofmp3-sim, scenario {scenario_label(scenario)}"


def _credited(c: Chart, scenario: Scenario) -> Chart:
    return replace(c, credit=credit_line(c.name, scenario))


def _iso_revenue(s: Scenario) -> Chart:
    return iso_revenue_chart(iso_grid(s), mb_unit=mb_unit(s.pricing.mb_convention))


def _demand(s: Scenario) -> Chart:
    return demand_chart(demand_curve(s), best_rate("revenue", s), best_rate("profit", s), s, rate_rise(s))


#: Charts built from the scenario alone, by file-name stem.
RECIPES: Mapping[str, Callable[[Scenario], Chart]] = MappingProxyType({
    "price_vs_length": price_vs_length_chart,
    "pricing_models": lambda s: models_chart(price_by_length(s), s),
    "revenue_split": revenue_split_chart,
    "iso_revenue": _iso_revenue,
    "demand_and_revenue": _demand,
    "timeline": lambda s: timeline_chart(monthly_timeline(s), s),
})

#: File-name stems of the charts :func:`scenario_charts` returns, in order.
CHART_NAMES = (
    "price_vs_length", "pricing_models", "revenue_split", "iso_revenue", "demand_and_revenue",
    f"tornado_{DEFAULT_OUTPUT}", f"montecarlo_{DEFAULT_OUTPUT}", "lorenz_curve", "spend_histogram", "timeline",
)


def chart(name: str, scenario: Scenario) -> Chart:
    """Build one chart of :data:`RECIPES` for a scenario.

    Parameters
    ----------
    name : str
        A key of :data:`RECIPES`.
    scenario : Scenario

    Returns
    -------
    Chart

    Raises
    ------
    KeyError
        If ``name`` is not a recipe (the message lists them).
    """
    try:
        recipe = RECIPES[name]
    except KeyError:
        raise KeyError(f"no chart {name!r}; charts built from a scenario alone are {sorted(RECIPES)}") from None
    return _credited(recipe(scenario), scenario)


@dataclass(frozen=True)
class UncertaintyCharts:
    """The tornado and the Monte Carlo of one output, with the Monte Carlo's summary table."""

    tornado: Chart
    montecarlo: Chart
    table: pd.DataFrame


def uncertainty_charts(scenario: Scenario, *, output: str = DEFAULT_OUTPUT, draws: int | None = None,
                       seed: int | None = None) -> UncertaintyCharts:
    """Chart the tornado and the Monte Carlo of one output of the market year.

    Parameters
    ----------
    scenario : Scenario
    output : str
        An output of the market year (see :data:`simulator.model.uncertainty.MC_OUTPUTS`).
    draws, seed : int, optional
        Monte Carlo draws and seed (default: ``uncertainty.draws`` and ``uncertainty.seed``).

    Returns
    -------
    UncertaintyCharts

    Raises
    ------
    ValueError
        If ``output`` is unknown, or ``draws`` or ``seed`` is out of bounds.
    """
    mc = monte_carlo(scenario, draws=draws, seed=seed)
    return UncertaintyCharts(_credited(tornado_chart(tornado(scenario, output=output)), scenario),
                             _credited(montecarlo_chart(mc, output), scenario), montecarlo_table(mc))


@dataclass(frozen=True)
class CustomerCharts:
    """The Lorenz curve and the spend histogram of one simulated customer year, with that year."""

    lorenz: Chart
    spend_histogram: Chart
    year: CustomerYear


def customer_charts(scenario: Scenario, *, customers: int | None = None,
                    progress: Progress | None = None) -> CustomerCharts:
    """Simulate every customer of the year and chart how spend is spread.

    Parameters
    ----------
    scenario : Scenario
    customers : int, optional
        Customers to draw (default: every customer of the year in the store model); totals are
        scaled to the year's customers, so fewer is faster and changes the figures only by
        sampling error.
    progress : callable(done, total), optional
        Called as the simulation goes.

    Returns
    -------
    CustomerCharts
    """
    cy = customer_year(scenario, sample_customers=customers, progress=progress)
    return CustomerCharts(_credited(lorenz_chart(cy), scenario), _credited(spend_histogram_chart(cy), scenario), cy)


def scenario_charts(
    scenario: Scenario,
    *,
    customers: int | None = None,
    draws: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Chart]:
    """Build every chart of a scenario, in the order of :data:`CHART_NAMES`.

    Parameters
    ----------
    scenario : Scenario
    customers : int, optional
        Simulated customers for the Lorenz curve and spend histogram (see :func:`customer_charts`).
    draws : int, optional
        Monte Carlo draws (default ``uncertainty.draws``).
    progress : callable(done, total, name), optional
        Called after each chart.

    Returns
    -------
    list of Chart
        In the order of :data:`CHART_NAMES`.
    """
    s = scenario

    def uncertainty() -> list[Chart]:
        u = uncertainty_charts(s, draws=draws)
        return [u.tornado, u.montecarlo]

    def spend() -> list[Chart]:
        c = customer_charts(s, customers=customers)
        return [c.lorenz, c.spend_histogram]

    steps: list[Callable[[], list[Chart]]] = [
        *(lambda name=name: [chart(name, s)] for name in CHART_NAMES[:5]),
        uncertainty,
        spend,
        lambda: [chart("timeline", s)],
    ]
    out: list[Chart] = []
    for step in steps:
        out.extend(step())
        if progress is not None:
            progress(len(out), len(CHART_NAMES), out[-1].name)
    return out
