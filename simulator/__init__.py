"""AllofMP3 "by the kilo" pricing simulator: the pure model (no user interface).

Layers (each imports only from the layers before it)
------------------------------------------------------
params   the assumptions document, validated scenarios, scenario files
model    money, units, encodings, pricing, market, demand, customers, tariffs, rights, time line,
         calibration, uncertainty
io       catalogue readers (CSV, iTunes/Music XML), CSV tables
present  charts and the chart registry, report text, comparison, classroom, input specs
output   chart files and image export, the handout bundle, the students' summary
cli      the ``allofmp3-sim`` command line
"""

from simulator._version import __version__

__all__ = ["__version__"]
