"""``allofmp3-sim demand``: the year at other rates, the best rate, what the rise did, iTunes terms."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from simulator.cli._calibrate import add_calibrate_option, scenario_for
from simulator.cli._columns import explain_columns
from simulator.cli._common import (
    add_scenario_options,
    print_json,
    print_table,
    records,
)
from simulator.model.demand import (
    CURVE_FIELDS,
    OBJECTIVES,
    DemandError,
    best_rate,
    break_even_licensed_rate,
    demand_curve,
    itunes_counterfactual,
    pricing_alternatives,
    rate_rise,
)

#: Columns of ``demand --rates`` (text, JSON), explained in its ``--help``.
RATES_COLUMNS = ("rate_usd_per_mb", *CURVE_FIELDS, "mix")
#: Columns ``demand`` prints without ``--rates``.
DEMAND_COLUMNS = (
    "objective", "best_rate_usd_per_mb", "best_value_usd", "scenario_rate_usd_per_mb", "scenario_value_usd",
    "gain_pct", "direction", "bounds", "statement", "before_rate_usd_per_mb", "after_rate_usd_per_mb",
    "revenue_before_usd", "revenue_after_usd", "downloads_before", "downloads_after", "revenue_change_pct",
    "break_even_licensed_rate_usd_per_mb", "case", "label", "customers", "downloads", "price_per_download_usd",
    "revenue_usd", "rights_holders_usd", "rights_holders_share", "mean_price_usd", "mean_size_mb",
    "consumer_surplus_usd", "operator_margin_usd",
)


def _rates(text: str) -> list[float]:
    parts = [x.strip() for x in text.split(",")]
    if not any(parts):
        raise argparse.ArgumentTypeError(f"give at least one rate in USD/MB, got {text!r}")
    try:
        if "" in parts:
            raise ValueError
        rates = [float(x) for x in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"a comma-separated list of rates in USD/MB such as "
                                         f"0.01,0.02,0.03 (no empty entry), got {text!r}") from None
    repeated = sorted({r for r in rates if rates.count(r) > 1})
    if repeated:
        raise argparse.ArgumentTypeError(f"each rate once, got {', '.join(f'{r:g}' for r in repeated)} "
                                         f"more than once in {text!r}")
    return rates


def register(sub) -> None:
    """Add the ``demand`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "demand",
        help="the fitted demand: the year at other rates, the best rate, the 2006 rise, iTunes terms",
        description=("The fitted nested-logit demand of the store model: without --rates, the revenue- and "
                     "margin-maximizing rate per MB, what the August 2006 rise did to the year, the break-even "
                     "licensed rate, per MB against a flat price and an album cap, and iTunes terms; with --rates, "
                     "the year at each rate (the same numbers as market --set pricing.rate_usd_per_mb=R)."),
    )
    explain_columns(p, sorted(set(DEMAND_COLUMNS) | set(RATES_COLUMNS)))
    add_scenario_options(p)
    add_calibrate_option(p)
    p.add_argument("--rates", type=_rates, metavar="R1,R2,...",
                   help="rates per MB in USD (0.02 is 2 c/MB): print the year at each")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim demand``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit status: 0.

    Raises
    ------
    ValueError
        For a bad input (an unknown preset or input, a value out of bounds, a rate not above 0);
        :func:`simulator.cli.main` reports it.
    """
    s = scenario_for(args)
    if args.rates is not None:
        bounds = s.assumptions.parameters["pricing.rate_usd_per_mb"].bounds
        assert bounds is not None  # a number parameter always has bounds
        bad = [r for r in args.rates if not float(bounds[0]) <= r <= float(bounds[1])]
        if bad:
            raise DemandError(f"--rates: pricing.rate_usd_per_mb must be between {bounds[0]} and {bounds[1]} USD/MB, "
                              f"got {', '.join(f'{r:g}' for r in bad)}")
        curve = demand_curve(s, args.rates)
        mix_cols = [c for c in curve.columns if c.startswith("share_")]
        rows = records(curve)
        for row in rows:
            row["mix"] = {c.removeprefix("share_"): row.pop(c) for c in mix_cols}
        if args.json:
            print_json({"year_end": s.timeline.year_end, "rates": rows})
            return 0
        print_table(rows, ["rate_usd_per_mb", "customers", "monthly_buyers", "downloads", "mean_price_usd",
                           "revenue_usd", "consumer_surplus_usd", "elasticity"])
        print()
        print_table([{"rate_usd_per_mb": r["rate_usd_per_mb"], **r["mix"]} for r in rows])
        return 0
    optima = {o: best_rate(o, s) for o in OBJECTIVES}
    rise = rate_rise(s)
    licensed = break_even_licensed_rate(s)
    alternatives = records(pricing_alternatives(s))
    itunes = records(itunes_counterfactual(s))
    if args.json:
        print_json({**{o: asdict(r) for o, r in optima.items()}, "rise": asdict(rise),
                    "break_even_licensed_rate_usd_per_mb": licensed, "alternatives": alternatives, "itunes": itunes})
        return 0
    for o, r in optima.items():
        print(f"{o}: {r.statement}")
    print(f"rise: {rise.statement}")
    print("licensed: " + (f"paying labels wholesale, the contribution margin breaks even at {100 * licensed:.2f} c/MB."
                          if licensed is not None else "paying labels wholesale leaves a loss at every rate."))
    print()
    print_table(alternatives, ["case", "revenue_usd", "downloads", "mean_price_usd", "mean_size_mb",
                               "consumer_surplus_usd", "operator_margin_usd"])
    print()
    print_table(itunes, ["case", "customers", "downloads", "price_per_download_usd", "revenue_usd",
                         "rights_holders_usd", "rights_holders_share"])
    return 0
