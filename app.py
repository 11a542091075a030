"""AllofMP3 pricing simulator: the Streamlit front end (``streamlit run app.py``).

Wiring only: the sidebar's inputs come from assumptions.yaml, every number and
chart from the pure model in ``simulator/``.
"""

from __future__ import annotations

import streamlit as st

from ui import gc_pause, live_common, show, sidebar, state
from ui.pages import PAGES, st_page

gc_pause.freeze_imported()  # the imported modules leave Streamlit's after-run collection (see ui/gc_pause.py)
#: Width of the sidebar when the app opens [px]: Streamlit's 300 px less 60, so that on a 1024x768
#: projector Explore's view buttons fit one row beside it (users can still drag it wider).
SIDEBAR_WIDTH_PX = 240
st.set_page_config(page_title="AllofMP3 by the kilo", page_icon="💽", layout="wide",
                   initial_sidebar_state=SIDEBAR_WIDTH_PX)

live_common.absorb_link()  # a live-class link's code and secret leave the address bar first
state.init_session()
state.absorb_widgets()  # the values the user just set, before any page computes with them
pages = [st_page(p.url_path) for p in PAGES]
state.set_pages({p.url_path: page for p, page in zip(PAGES, pages, strict=True)})
explore = pages[0]
# The root address opens Explore at /explore (with the link's inputs), so that every page, Explore
# too, has the address its name suggests.
start = st.Page(lambda: st.switch_page(explore, query_params=st.query_params.to_dict()), title="AllofMP3 by the kilo",
                url_path="start", default=True, visibility="hidden")
nav = st.navigation([start, *pages], position="top")
show.link_notices()  # on whichever page a link opens
# The page before the sidebar: its figures are computed and sent first, so the chart a user is
# watching is redrawn in the browser's first batch of updates (the sidebar's widgets follow).
nav.run()
sidebar.render()
