"""The app's pages, one module each; :data:`PAGES` is the navigation, in order.

Each page module has a ``render()`` function that ``st.Page`` runs. A page's address is its
module's name (``/explore``, ``/compare``, ...), which tests and benchmarks read from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ui.pages import catalogue, classroom, compare, explore, sources


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
    PageSpec("sources", "Sources", "📚", sources.render),
)
