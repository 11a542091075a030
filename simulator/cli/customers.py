"""``allofmp3-sim customers``: the agent-level market year (Gini, top shares, the MemphisMembers clone)."""

from __future__ import annotations

import argparse
import sys

from simulator.cli._calibrate import add_calibrate_option, scenario_for
from simulator.cli._columns import GLOSSARY, HelpFormatter
from simulator.cli._common import (
    add_scenario_options,
    columns_epilog,
    print_json,
    print_record,
)
from simulator.model.customers import customer_year

#: Columns ``customers`` prints (text, JSON, CSV), explained in its ``--help``.
CUSTOMERS_COLUMNS = (
    "preset", "customers", "sample_customers", "seed", "downloads_sigma", "mean_price_usd", "downloads_per_customer",
    "mean_downloads", "mean_downloads_se", "revenue_usd", "mean_spend_usd", "median_spend_usd", "gini",
    "gini_bin_error", "gini_lognormal", "top_1_share", "top_10_share", "top_20_share",
    "lorenz_population_share", "lorenz_revenue_share", "lorenz_spend_usd", "hist_edges_usd",
    "hist_customers", "hist_revenue_usd", "clone_threshold_usd", "clone_customers", "clone_customer_share",
    "clone_revenue_usd", "clone_revenue_share",
)

#: Columns of ``customers`` not (yet) in the shared glossary, explained here.
_NEW_COLUMNS = {
    "sample_customers": "customers drawn; revenue, clone and histogram totals are scaled from them to customers "
                        "[customers]",
}


def register(sub) -> None:
    """Add the ``customers`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "customers",
        help="simulate every customer: spend distribution, Gini, top shares, invite-only clone",
        description="The year's customers and their mean downloads come from the store model (market); "
        "downloads per customer are drawn from a lognormal with that mean, streamed in chunks: the Gini "
        "coefficient, the top 1/10/20% revenue shares and what an invite-only clone "
        "(customers.clone_threshold_usd) keeps. Progress goes to stderr.",
    )
    p.epilog = columns_epilog({c: GLOSSARY.get(c) or _NEW_COLUMNS[c] for c in CUSTOMERS_COLUMNS},
                              "Columns (JSON keys) and their units:")
    p.formatter_class = HelpFormatter
    add_scenario_options(p)
    p.add_argument("--seed", type=int, metavar="S", help="random seed (default: customers.seed)")
    p.add_argument("--customers", type=int, metavar="N",
                   help="simulate a sample of N customers and scale its totals (revenue, clone, histogram) to "
                        "the year's customers in the model; faster, at the cost of sampling error "
                        "(default: every customer of the year)")
    p.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    add_calibrate_option(p)
    p.add_argument("--json", action="store_true", help="print JSON (with the Lorenz curve and histogram arrays)")
    p.set_defaults(func=run_customers)


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rcustomers: {done:,} of {total:,} ({100 * done // total}%)")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run_customers(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim customers``: simulate every customer and print the spread of spending.

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
        For a bad input (an unknown preset or input, a value out of bounds, ``--customers`` below 1);
        :func:`simulator.cli.main` reports it.
    """
    if args.customers is not None and args.customers < 1:
        raise ValueError(f"--customers must be a whole number of customers to simulate, at least 1, got {args.customers}")
    s = scenario_for(args)
    y = customer_year(s, sample_customers=args.customers, seed=args.seed, progress=None if args.quiet else _progress)
    rec = {"preset": s.preset or "(defaults)", **y.as_dict()}
    if args.json:
        print_json(rec)
    else:
        print_record({k: str(v) if k == "seed" else v for k, v in rec.items() if not isinstance(v, list)})
        print(f"(Lorenz curve: {y.lorenz_population_share.size} points, spend histogram: "
              f"{y.hist_customers.size} bins; see --json)")
    return 0
