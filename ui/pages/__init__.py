"""The app's pages, one module each; :data:`PAGES` is the navigation, in order.

Each page module has a ``render()`` function that ``st.Page`` runs. A page's address is its
module's name (``/explore``, ``/compare``, ...), which tests and benchmarks read from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ui.pages import catalogue, classroom, compare, explore, live, sources


@dataclass(frozen=True)
class PageSpec:
    """One page: its address (``url_path``, the module's name), title, icon and render function."""

    url_path: str
    title: str
    icon: str
    render: Callable[[], None]


#: The navigation, in order; Explore is where the root address leads.
PAGES = (
    PageSpec("explore", "Explore", "📈", explore.render),
    PageSpec("compare", "Compare", "⚖️", compare.render),
    PageSpec("catalogue", "Catalogue", "💿", catalogue.render),
    PageSpec("classroom", "Classroom", "🎓", classroom.render),
    PageSpec("live", "Live class", "🟢", live.render),
    PageSpec("sources", "Sources", "📚", sources.render),
)


def st_page(url_path: str) -> st.Page:
    """The ``st.Page`` of a page of :data:`PAGES` (for ``st.navigation`` and ``st.switch_page``).

    Streamlit identifies a page given as a function by the hash of its ``url_path``, so an
    ``st.Page`` made here again is the same page as the one the navigation holds.
    """
    spec = next(p for p in PAGES if p.url_path == url_path)
    return st.Page(spec.render, title=spec.title, url_path=spec.url_path, icon=spec.icon)
