"""AllofMP3 pricing simulator: Streamlit front end (``streamlit run app.py``).

Wiring only: every number comes from the pure model in ``simulator/``.
"""

from __future__ import annotations

import streamlit as st

from simulator.assumptions import load_assumptions
from simulator.pricing import quote_track
from simulator.scenario import make_scenario
from simulator.units import format_duration, parse_duration_ms

st.set_page_config(page_title="AllofMP3 by the kilo", page_icon="💽", layout="centered")


@st.cache_resource
def assumptions():
    return load_assumptions()


a = assumptions()
p = a.parameters
st.title("AllofMP3: music by the kilo")
st.caption(
    "AllofMP3 (Russia, 2000–2007) priced a download by its size: megabytes × a rate per MB. "
    "Price one track below; every default and its source is in assumptions.yaml."
)

duration_text = st.text_input("Track length (m:ss)", value="4:00", key="duration")
encoding = st.selectbox(
    p["encoding.default"].label, a.encoding_names(), index=a.encoding_names().index(p["encoding.default"].value),
    key="encoding", help=p["encoding.default"].help,
)
rp = p["pricing.rate_usd_per_mb"]
rate = st.slider(
    f"{rp.label} [{rp.unit}]", min_value=float(rp.bounds[0]), max_value=float(rp.bounds[1]),
    value=float(rp.value), step=float(rp.step), format="%.3f", key="rate", help=rp.help,
)
conv_p = p["pricing.mb_convention"]
conv = st.radio(conv_p.label, a.choices("pricing.mb_convention"), horizontal=True, key="mb", help=conv_p.help)

try:
    duration_ms = parse_duration_ms(duration_text)
    scenario = make_scenario(a, overrides={"pricing.rate_usd_per_mb": rate, "pricing.mb_convention": conv})
    q = quote_track(duration_ms, encoding, scenario)
except ValueError as e:
    st.error(str(e))
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric("Price", f"${q.price_usd}", help="rounded half-up to the cent")
c2.metric("Size", f"{q.size_mb:,.2f} {q.mb_unit}", help=f"{q.size_bytes:,} bytes")
c3.metric("To ROMS", f"${q.split.roms_usd:.4f}")
st.write(
    f"A {format_duration(q.duration_ms)} track at {q.encoding.label} is {q.size_bytes:,} bytes "
    f"= {q.size_mb:,.3f} {q.mb_unit}; at ${q.rate_usd_per_mb} per {q.mb_unit} it cost **${q.price_usd}** "
    f"(iTunes: ${scenario['comparison.itunes_track_usd']:.2f})."
)
st.dataframe(
    {"who": ["ROMS", "FAIR", "card fees", "bandwidth", "operator"],
     "usd": [float(v) for v in q.split.as_dict().values()]},
    hide_index=True,
)
