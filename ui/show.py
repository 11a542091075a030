"""Display helpers: a chart with its caption and formula, a row of metrics, notices."""

from __future__ import annotations

import streamlit as st

from simulator.present.charts import Chart
from simulator.present.report import Metric

from . import export, state


def chart(c: Chart, *, key: str | None = None) -> None:
    """Show a chart, its caption, its downloads and a "How is this computed?" expander."""
    # theme=None: the figure keeps the house template (simulator.present.style), the same look as every export.
    st.plotly_chart(c.figure, key=key or f"chart_{c.name}", config=export.plotly_config(c), alt=c.alt, theme=None)
    st.caption(c.caption)
    export.chart_downloads(c, key=key or c.name)
    if c.formula:
        # Drawn only when opened: the formula changes with every input, so a closed panel would
        # still be re-sent and re-rendered on every rerun.
        how = st.expander("How is this computed?", key=f"how_{key or c.name}", on_change="rerun")
        if how.open:
            with how:
                st.markdown(c.formula)


#: Key of the headline figures' expander (its open state survives reruns while the label's figures change).
HEADLINE_KEY = "headline_figures"
#: How the one-line summary says each headline figure (by Metric.key); others read "label **value**".
_SHORT = {
    "customers": "**{v}** customers",
    "revenue_usd": "**{v}** a year",
    "downloads_per_customer": "**{v}** downloads each",
    "mean_price_usd": "**{v}** a track",
    "roms_usd": "ROMS **{v}**",
    "operator_margin_usd": "contribution margin **{v}**",
}


def metrics(items: list[Metric]) -> None:
    """Show the headline figures in one line, with the cards and their gaps to the reported figures
    one click away.

    On a 1024x768 projector six cards took three rows (about 450 px), pushing the chart below the
    screen; the one-line summary keeps every figure in sight and the chart on screen.
    """
    summary = " · ".join(_SHORT[m.key].format(v=m.value_text) if m.key in _SHORT else f"{m.label} **{m.value_text}**"
                         for m in items)
    with st.expander(summary, key=HEADLINE_KEY, icon=":material/analytics:"):
        # One horizontal container rather than rows of columns: fewer elements to re-render per rerun.
        row = st.container(horizontal=True, gap="small")
        for m in items:
            row.metric(
                m.label, m.value_text, delta=m.delta_text or None, delta_color="off", help=m.help,
                border=True, delta_arrow="auto" if m.delta_pct else "off",  # no arrow for "within the band" or +0%
            )


def link_notices() -> None:
    """Show, once per session, which link parameters were ignored and why."""
    notes = state.link_notices()
    if notes:
        st.warning("\n\n".join(notes), icon="⚠️")
        st.button("Dismiss", on_click=state.dismiss_notices, key="dismiss_notices")
