"""The live-class page (see ui/live.py)."""

from ui import live

live.render()
