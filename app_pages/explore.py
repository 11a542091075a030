"""The explore page (see ui/explore.py)."""

from ui import explore

explore.render()
