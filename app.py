"""AllofMP3 pricing simulator: the Streamlit front end (``streamlit run app.py``).

Wiring only: the sidebar's inputs come from assumptions.yaml, every number and
chart from the pure model in ``simulator/``.
"""

from __future__ import annotations

import streamlit as st

from ui import sidebar, state

st.set_page_config(page_title="AllofMP3 by the kilo", page_icon="💽", layout="wide")

state.init_session()
pages = [
    st.Page("app_pages/explore.py", title="Explore", url_path="explore", default=True, icon="📈"),
    st.Page("app_pages/compare.py", title="Compare", url_path="compare", icon="⚖️"),
    st.Page("app_pages/catalogue.py", title="Catalogue", url_path="catalogue", icon="💿"),
    st.Page("app_pages/classroom.py", title="Classroom", url_path="classroom", icon="🎓"),
    st.Page("app_pages/sources.py", title="Sources", url_path="sources", icon="📚"),
]
nav = st.navigation(pages, position="top")
sidebar.render()
nav.run()
