"""AllofMP3 pricing simulator: the Streamlit front end (``streamlit run app.py``).

Wiring only: the sidebar's inputs come from assumptions.yaml, every number and
chart from the pure model in ``simulator/``.
"""

from __future__ import annotations

import streamlit as st

from ui import gc_pause, live_common, show, sidebar, state

gc_pause.freeze_imported()  # the imported modules leave Streamlit's after-run collection (see ui/gc_pause.py)
st.set_page_config(page_title="AllofMP3 by the kilo", page_icon="💽", layout="wide")

live_common.absorb_link()  # a live-class link's code and secret leave the address bar first
state.init_session()
state.absorb_widgets()  # the values the user just set, before any page computes with them
explore = st.Page("app_pages/explore.py", title="Explore", url_path="explore", icon="📈")
pages = [
    # The root address opens Explore at /explore (with the link's inputs), so that every page, Explore
    # too, has the address its name suggests.
    st.Page(lambda: st.switch_page(explore, query_params=st.query_params.to_dict()), title="AllofMP3 by the kilo",
            url_path="start", default=True, visibility="hidden"),
    explore,
    st.Page("app_pages/compare.py", title="Compare", url_path="compare", icon="⚖️"),
    st.Page("app_pages/catalogue.py", title="Catalogue", url_path="catalogue", icon="💿"),
    st.Page("app_pages/classroom.py", title="Classroom", url_path="classroom", icon="🎓"),
    st.Page("app_pages/live.py", title="Live class", url_path="live", icon="🟢"),
    st.Page("app_pages/sources.py", title="Sources", url_path="sources", icon="📚"),
]
nav = st.navigation(pages, position="top")
show.link_notices()  # on whichever page a link opens
# The page before the sidebar: its figures are computed and sent first, so the chart a user is
# watching is redrawn in the browser's first batch of updates (the sidebar's widgets follow).
nav.run()
sidebar.render()
