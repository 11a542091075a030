"""The ``--calibrate`` option of the commands that can start from the reported revenue."""

from __future__ import annotations

import argparse

from simulator.cli._common import scenario_from_args
from simulator.model.calibration import calibrated_scenario
from simulator.params.scenario import Scenario

__all__ = ["add_calibrate_option", "scenario_for"]


def add_calibrate_option(p: argparse.ArgumentParser) -> None:
    """Add ``--calibrate``: solve downloads per customer for the reported revenue first."""
    p.add_argument("--calibrate", action="store_true",
                   help="first solve market.downloads_per_customer so that revenue is market.reported_revenue_usd")


def scenario_for(args: argparse.Namespace) -> Scenario:
    """Return the options' scenario, calibrated when ``--calibrate`` is given."""
    s = scenario_from_args(args)
    return calibrated_scenario(s) if getattr(args, "calibrate", False) else s
