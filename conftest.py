"""Names every docstring example may use without importing them (pytest's ``doctest_namespace``)."""

import pytest

from simulator.params.scenario import make_scenario


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["make_scenario"] = make_scenario
