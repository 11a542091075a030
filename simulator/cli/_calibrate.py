"""The ``--calibrate`` option: re-fit the demand to the documented reports before a command runs.

The shipped defaults are already the fit's values; a scenario that changes what the reports
are read through (the rates, the card freeze, the quality mix, the catalogue) no longer
matches them, and ``--calibrate`` re-fits the ``fitted: true`` demand parameters
(:func:`simulator.model.calibration.calibrated_scenario`, weighted least squares over the
reports of ``allofmp3-sim fit``) with every other input as given.
"""

from __future__ import annotations

import argparse

from simulator.cli._common import scenario_from_args
from simulator.model.calibration import calibrated_scenario
from simulator.params.scenario import Scenario

__all__ = ["CALIBRATE_HELP", "add_calibrate_option", "scenario_for"]

#: What ``--calibrate`` does, in every command's ``--help``.
CALIBRATE_HELP = ("first re-fit the demand parameters marked fitted in assumptions.yaml (potential buyers, "
                  "awareness, appeal, price sensitivity, quality tilt) to the documented reports, with the "
                  "other inputs as given (see allofmp3-sim fit); a fitted parameter given with --set is only "
                  "where the fit starts")


def add_calibrate_option(p: argparse.ArgumentParser) -> None:
    """Add ``--calibrate``: re-fit the demand to the reports first (:data:`CALIBRATE_HELP`)."""
    p.add_argument("--calibrate", action="store_true", help=CALIBRATE_HELP)


def scenario_for(args: argparse.Namespace) -> Scenario:
    """Return the options' scenario, re-fitted to the reports when ``--calibrate`` is given.

    Raises
    ------
    ValueError
        A bad option (from :func:`~simulator.cli._common.scenario_from_args`), or a fit that
        does not converge (:class:`~simulator.model.fit.FitError`).
    """
    s = scenario_from_args(args)
    return calibrated_scenario(s) if getattr(args, "calibrate", False) else s
