"""Presentation: charts and the one chart registry, tables, report text and number formats, scenario comparison, classroom exercises, input specifications for a user interface.

Imports the layers below (params, model, io); never a user interface.
"""
