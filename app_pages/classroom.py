"""The classroom page (see ui/classroom.py)."""

from ui import classroom

classroom.render()
