"""Parameters: the assumptions document (every number, with unit, bounds and source), validated scenarios and scenario files.

The bottom layer: it imports nothing else of :mod:`simulator`.
"""
