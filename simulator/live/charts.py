"""The teacher dashboard's chart: each student's last answer against their own right answer.

Variants differ, so raw answers are not comparable; each is shown as a percentage of that student's
right answer (100% = right), with the tolerance band around it.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from simulator.live.marking import to_decimal
from simulator.live.service import ExerciseStats
from simulator.present.charts import PALETTE, Chart, make_figure, vline

__all__ = ["answers_chart", "format_answer", "BINS"]

#: Bars of the histogram across the range of answers shown.
BINS = 24
#: Answers beyond these shares of the right one are drawn at the edge (a typo of 1000× would
#: otherwise squeeze every other bar into one). [% of the right answer]
CLIP_PCT = (0.0, 300.0)


def format_answer(value: str | None, unit: str) -> str:
    """Return a stored exact value for display: cents for dollars under 100, else 4 significant figures.

    >>> format_answer("0.52", "USD"), format_answer("17724353.705668", "USD"), format_answer("28.4693", "downloads a year")
    ('$0.52', '$17,720,000', '28.47 downloads a year')
    >>> format_answer(None, "USD")
    'no answer'
    """
    if value is None:
        return "no answer"
    d = to_decimal(value)
    if unit == "USD":
        return f"${d:,.2f}" if abs(d) < 100 else f"${float(f'{d:.4g}'):,.0f}"
    text = f"{float(d):,.4g}" if abs(d) < Decimal("1e6") else f"{float(f'{d:.4g}'):,.0f}"
    return f"{text} {unit}".rstrip()


def answers_chart(e: ExerciseStats) -> Chart:
    """Histogram of the last answers as % of each student's right answer, with the 100% line."""
    pct = np.clip(np.asarray(e.ratios, dtype=float) * 100, *CLIP_PCT) if e.ratios else np.array([])
    data = pd.DataFrame({"answer_pct_of_right": pct})
    traces = [{"type": "histogram", "x": pct, "nbinsx": BINS, "name": "Students",
               "marker": {"color": PALETTE[0]}, "hovertemplate": "%{x}% of the right answer: %{y}<extra></extra>"}]
    title = f"{e.title}: answers as % of each student's right answer"
    fig = make_figure(traces, title, "Answer [% of the student's right answer]", "Students",
                      marks=[vline(100, "right answer", colour=PALETTE[2], dash="solid")],
                      layout={"xaxis": {"range": [CLIP_PCT[0] - 5, CLIP_PCT[1] + 5], "ticksuffix": "%"},
                              "yaxis": {"rangemode": "tozero", "dtick": 1}, "bargap": 0.05, "height": 280,
                              "margin": {"t": 40, "b": 40}})
    alt = (f"{e.submitted} students answered {e.title!r}; {e.right} are right ({e.tolerance_text}).")
    caption = (f"{e.submitted} answered, {e.right} right ({e.tolerance_text}). Each bar counts last answers as a "
               f"percentage of that student's own right answer (their variant's), so 100% is right; answers "
               f"beyond {CLIP_PCT[1]:.0f}% are drawn at the edge.")
    return Chart(f"answers_{e.key}", title, caption, alt, fig, data, "")
