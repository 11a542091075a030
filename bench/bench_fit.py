"""A full re-fit of the store model against one evaluation of it (issue 13: at most 200x)."""

from __future__ import annotations

from bench import Result, best_time_s
from simulator.model.fit import fit_store, fitted_reports, model_figures
from simulator.model.profile import download_profile
from simulator.model.store import periods_of, run_store, store_inputs
from simulator.params.scenario import make_scenario

#: A re-fit may take this many times one evaluation of the monthly model (issue 13).
TARGET_RATIO = 200.0
#: Where the "from elsewhere" fit starts: a scenario well away from the fitted values.
_ELSEWHERE = {"demand.price_sensitivity_per_usd": 4.0, "demand.store_utility": 1.0,
              "demand.potential_buyers": 12_000_000}


def run(quick: bool = False) -> list[Result]:
    s = make_scenario()
    prof = download_profile(s)
    p, x, reports = periods_of(s), store_inputs(s, prof), fitted_reports(s)
    repeat = 3 if quick else 7
    t_eval = best_time_s(lambda: model_figures(run_store(p, x), reports, s), repeat=repeat * 5)
    out = []
    for what, scenario in (("at the defaults", s), ("from elsewhere", s.with_overrides(_ELSEWHERE))):
        t_fit = best_time_s(lambda sc=scenario: fit_store(sc, profile=prof), repeat=repeat)
        evaluations = fit_store(scenario, profile=prof).evaluations
        ratio = t_fit / t_eval
        out.append(Result(
            name=f"fit: a full re-fit {what} / one evaluation of the monthly model",
            value=ratio, unit="ratio", target=TARGET_RATIO, met=ratio <= TARGET_RATIO,
            detail=f"fit {t_fit * 1e3:.1f} ms, {evaluations} evaluations; one evaluation {t_eval * 1e3:.2f} ms",
        ))
    return out
