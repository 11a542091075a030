"""Readers of real catalogues (CSV of tracks, iTunes/Music ``Library.xml``), their shared limits, and spreadsheet-safe CSV text.

Imports :mod:`simulator.params` and :mod:`simulator.model`.
"""
