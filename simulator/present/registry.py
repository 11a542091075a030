"""Every chart of a scenario, in the order the app and the handout show them.

Examples
--------
>>> [c.name for c in scenario_charts(make_scenario(), customers=20_000, draws=500)][:3]
['price_vs_length', 'pricing_models', 'revenue_split']
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.model.calibration import iso_grid
from simulator.model.customers import customer_year
from simulator.model.demand import best_rate, demand_curve
from simulator.model.encoding import mb_unit
from simulator.model.tariffs import price_by_length
from simulator.model.timeline import monthly_timeline
from simulator.model.uncertainty import monte_carlo, tornado
from simulator.params.scenario import Scenario
from simulator.present.charts import Chart, price_vs_length_chart, revenue_split_chart
from simulator.present.charts_distribution import (
    lorenz_chart,
    montecarlo_chart,
    spend_histogram_chart,
    tornado_chart,
)
from simulator.present.charts_market import demand_chart, iso_revenue_chart, models_chart, timeline_chart

__all__ = ["scenario_charts", "CHART_NAMES"]

#: File-name stems of the charts :func:`scenario_charts` returns, in order.
CHART_NAMES = (
    "price_vs_length", "pricing_models", "revenue_split", "iso_revenue", "demand_and_revenue",
    "tornado_revenue_usd", "montecarlo_revenue_usd", "lorenz_curve", "spend_histogram", "timeline",
)


def scenario_charts(
    scenario: Scenario,
    *,
    customers: int | None = None,
    draws: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Chart]:
    """Build every chart of a scenario.

    Parameters
    ----------
    scenario : Scenario
    customers : int, optional
        Simulated customers for the Lorenz curve and spend histogram (default: the scenario's
        ``market.customers``); fewer is faster and changes the figures only by sampling error.
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
    unit = mb_unit(s.pricing.mb_convention)
    steps: list[Callable[[], list[Chart]]] = [
        lambda: [price_vs_length_chart(s)],
        lambda: [models_chart(price_by_length(s), s)],
        lambda: [revenue_split_chart(s)],
        lambda: [iso_revenue_chart(iso_grid(s), mb_unit=unit)],
        lambda: [demand_chart(demand_curve(s), best_rate("revenue", s), best_rate("profit", s), s)],
        lambda: [tornado_chart(tornado(s))],
        lambda: [montecarlo_chart(monte_carlo(s, draws=draws))],
        lambda: _customer_charts(s, customers),
        lambda: [timeline_chart(monthly_timeline(s), s)],
    ]
    out: list[Chart] = []
    for step in steps:
        out.extend(step())
        if progress is not None:
            progress(len(out), len(CHART_NAMES), out[-1].name)
    return out


def _customer_charts(s: Scenario, customers: int | None) -> list[Chart]:
    if customers is not None:
        cy = customer_year(s.with_overrides({"market.customers": float(customers)}))
    else:
        cy = customer_year(s)
    return [lorenz_chart(cy), spend_histogram_chart(cy)]
