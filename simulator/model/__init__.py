"""The economic model: money, units, encodings, prices, the market, demand, customers, tariffs, rights, the time line, calibration and uncertainty.

Imports :mod:`simulator.params` only.
"""
