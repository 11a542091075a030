"""The catalogue page (see ui/catalogue.py)."""

from ui import catalogue

catalogue.render()
