"""The sources page (see ui/sources.py)."""

from ui import sources

sources.render()
