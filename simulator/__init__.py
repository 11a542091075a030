"""AllofMP3 "by the kilo" pricing simulator: the pure model (no user interface).

Modules
-------
assumptions  load and validate ``assumptions.yaml``
scenario     immutable, validated scenarios (preset + overrides)
money        exact money arithmetic and rounding rules
encoding     encodings menu, file sizes in bytes, MB vs MiB
pricing      per-track and per-basket prices, the revenue split
"""

__version__ = "0.1.0"
