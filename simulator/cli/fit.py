"""``allofmp3-sim fit``: the store model against every documented report, and the weighted least-squares fit."""

from __future__ import annotations

import argparse

from simulator.cli._columns import explain_columns
from simulator.cli._common import add_scenario_options, print_json, print_table, records, scenario_from_args
from simulator.model.fit import FIT_PARAMETERS, fit_store, report_table

#: Columns ``fit`` prints (text, JSON), explained in its ``--help``.
FIT_COLUMNS = ("report", "label", "date", "source", "quantity", "unit", "reported", "centre", "model", "sigma_ln",
               "residual", "used", "refitted", "refitted_residual", "parameter", "start", "fitted", "std_error",
               "conditional_std_error")


def register(sub) -> None:
    """Add the ``fit`` subcommand to the command line.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``allofmp3-sim`` parser (from ``add_subparsers``).
    """
    p = sub.add_parser(
        "fit",
        help="fit the demand to every documented report (weighted least squares); the fit table",
        description=("Fit the store model's demand parameters to the reports of assumptions.yaml (customers, revenue "
                     "estimates, the US lawsuit's count, prices per track and album, the UK poll), each weighted by "
                     "its uncertainty, and print every report against the fitted model; the residual is in units of "
                     "the report's uncertainty."),
    )
    explain_columns(p, FIT_COLUMNS)
    add_scenario_options(p)
    p.add_argument("--without", action="append", default=[], metavar="REPORT",
                   help="switch a report off and re-fit (repeat for several; the names are in the table)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``allofmp3-sim fit``: fit, then print the parameters and the fit table.

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
        For a bad input (an unknown report, too few reports left, a fit that does not converge);
        :func:`simulator.cli.main` reports it.
    """
    s = scenario_from_args(args)
    f = fit_store(s, without=args.without)
    params = [{"parameter": k, "start": f.start[k], "fitted": f.values[k], "std_error": f.std_error[k],
               "conditional_std_error": f.conditional_std_error[k]} for k in FIT_PARAMETERS]
    # "model" is the scenario's own figure, the one every other view shows; "refitted" the figure after this fit.
    here = report_table(s, args.without)
    table = records(here.assign(refitted=f.table.model.to_numpy(), refitted_residual=f.table.residual.to_numpy()))
    if args.json:
        print_json({"without": list(f.without), "cost": f.cost, "evaluations": f.evaluations, "parameters": params,
                    "reports": table})
        return 0
    print_table(params)
    print()
    print_table(table, ["report", "date", "reported", "model", "residual", "used", "refitted", "refitted_residual"])
    print(f"\nSum of squared residuals {2 * f.cost:.3f} over {int(f.table.used.sum())} reports, "
          f"{len(FIT_PARAMETERS)} parameters; {f.evaluations} model evaluations. 'model' is the scenario as given "
          "(every other view shows it), 'refitted' the model after this fit; std_error is the fit's marginal "
          "standard error, conditional_std_error the one with the other fitted values held (the tornado's and "
          "Monte Carlo's range).")
    return 0
