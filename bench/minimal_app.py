"""The reference app of ``bench/bench_app.py``: one slider and one small Plotly chart, nothing cached.

Run it alone with ``streamlit run bench/minimal_app.py``. The chart's title and data follow the
slider (as the price chart's do on Explore), so a browser can see the redraw.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

rate = st.slider("Rate [c/MB]", min_value=1, max_value=1000, value=30, step=1, key="rate")
x = np.arange(1, 61)
fig = go.Figure(go.Scatter(x=x, y=x * rate / 100, mode="lines", name="price"))
fig.update_layout(title={"text": f"Price at {rate} c/MB"}, margin={"l": 40, "r": 10, "t": 40, "b": 30})
st.plotly_chart(fig, key="chart")
