"""The compare page (see ui/compare.py)."""

from ui import compare

compare.render()
