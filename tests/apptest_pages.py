"""Open one of the app's pages in AppTest.

``AppTest.switch_page`` takes a page *file*; it refuses pages that ``st.navigation`` registers
as functions (Streamlit 1.67 resolves only registered script paths, see streamlit#16611). The
app's pages are functions (``ui/pages``), and ``st.Page`` identifies a function page by the hash
of its ``url_path``, so the test sets that hash, as ``switch_page`` itself would.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from ui.pages import PAGES

#: Every page's address, in navigation order.
PAGE_NAMES = tuple(p.url_path for p in PAGES)


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Point ``at`` at the page with this address (call ``run()`` after, as after ``switch_page``)."""
    if url_path not in PAGE_NAMES:
        raise ValueError(f"no page {url_path!r}; pages are {PAGE_NAMES}")
    at._page_hash = calc_hash(url_path)
    return at
