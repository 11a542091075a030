"""Input specifications for a user interface, generated from ``assumptions.yaml``.

The front end draws one widget per :class:`InputSpec`; labels, units, bounds,
steps, help text and sources all come from the assumptions file, so a new entry
there appears in the app without UI code. This module also reads scenario
values from URL query parameters (validating each, with a notice for every
value it ignores). It never imports streamlit.

Examples
--------
>>> specs = input_specs()
>>> s = specs["pricing.rate_usd_per_mb"]
>>> s.label, s.min_value, s.max_value, s.widget, s.slider_min, s.slider_max
('Rate per megabyte [USD/MB]', 0.001, 0.3, 'slider_and_box', 0.005, 0.1)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.params.assumptions import Assumptions, Parameter, load_assumptions
from simulator.params.scenario import ScenarioError, make_scenario, parse_value

__all__ = [
    "InputSpec",
    "input_specs",
    "group_label",
    "overrides_from_query",
    "PRESET_QUERY_KEY",
    "option_label",
    "SLIDER_AND_BOX",
    "out_of_range_message",
]

#: Query-parameter name of the preset (the other names are the inputs' dotted names).
PRESET_QUERY_KEY = "preset"
#: Inputs with more positions than this get a number box instead of a slider (assumption: the
#: sidebar's slider is about 250 px wide, so past 5,000 positions one pixel skips 20 or more steps and
#: the values that matter, e.g. 10-100 downloads on a 0-5,000 scale, cannot be picked with the mouse).
_MAX_SLIDER_POSITIONS = 5_000


@dataclass(frozen=True)
class InputSpec:
    """Everything a widget needs for one input.

    Attributes
    ----------
    key : str
        Dotted name (``"pricing.rate_usd_per_mb"``); also the widget key and URL name.
    group : str
        First part of the name (``"pricing"``).
    kind : {"number", "integer", "boolean", "choice"}
    widget : {"slider", "number_input", "slider_and_box", "toggle", "selectbox"}
    label : str
        Label with the unit in brackets.
    unit : str
    min_value, max_value, step : number or None
    options : tuple of str or None
    format : str or None
        printf-style display format for numbers.
    help : str
        The parameter's help text, its plausible range and its source.
    default : Any
        The embedded default.
    slider_min, slider_max : float or None
        The slider's span of a ``slider_and_box`` input (its number box takes
        ``min_value`` to ``max_value``); None otherwise.
    """

    key: str
    group: str
    kind: str
    widget: str
    label: str
    unit: str
    min_value: float | int | None
    max_value: float | int | None
    step: float | int | None
    options: tuple[str, ...] | None
    format: str | None
    help: str
    default: Any
    slider_min: float | None = None
    slider_max: float | None = None


#: Widget of an input whose slider spans less than its bounds: a slider over the span and a number box
#: for any value within the bounds (``slider: [min, max]`` in assumptions.yaml).
SLIDER_AND_BOX = "slider_and_box"


def option_label(option: str) -> str:
    """How a choice is shown (and how a bound widget writes it into a link): ``"per_track"`` -> ``"per track"``."""
    return option.replace("_", " ")


def group_label(group: str) -> str:
    """Return a readable name for a group of inputs (``"quality_mix"`` -> ``"Quality mix"``)."""
    return group.replace("_", " ").capitalize()


#: Longest link text repeated in a notice [characters]; assumption: enough to recognise a value,
#: short enough that a pasted kilobyte does not fill the page.
_NOTICE_TEXT_CHARS = 60
#: Longest reason (a validation message) repeated in a notice [characters]; assumption: a sentence.
_NOTICE_REASON_CHARS = 200


def _shown(text: str, limit: int = _NOTICE_TEXT_CHARS) -> str:
    """``text`` as a notice repeats it: cut to ``limit`` characters, with "…" where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decimals(step: float) -> int:
    if step >= 1:
        return 0
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _help(p: Parameter) -> str:
    parts = [p.help] if p.help else []
    if p.low is not None and p.high is not None:
        parts.append(f"Plausible range: {p.low:g} to {p.high:g} {p.unit}".rstrip() + ".")
    if p.source is not None:
        note = f" ({p.source.note})" if p.source.note else ""
        parts.append(f"Source: [{p.source.url}]({p.source.url}), {p.source.date}{note}.")
    else:
        parts.append(f"Assumption: {p.assumption}.")
    return "\n\n".join(parts)


def _number_widget(lo: float, hi: float, step: float) -> str:
    """Choose a slider, or a number box when the range holds more than ``_MAX_SLIDER_POSITIONS`` steps."""
    return "number_input" if (hi - lo) / step > _MAX_SLIDER_POSITIONS else "slider"


def _spec(a: Assumptions, key: str, p: Parameter) -> InputSpec:
    label = f"{p.label} [{p.unit}]" if p.unit else p.label
    group = key.split(".")[0]
    if p.kind == "boolean":
        return InputSpec(key, group, p.kind, "toggle", label, p.unit, None, None, None, None, None, _help(p), p.value)
    if p.kind == "choice":
        opts = a.choices(key)
        return InputSpec(key, group, p.kind, "selectbox", label, p.unit, None, None, None, opts, None, _help(p), p.value)
    assert p.bounds is not None  # a number or an integer always has bounds (Parameter's validator)
    lo, hi = p.bounds
    if p.kind == "integer":
        int_step = int(p.step or 1)
        widget = _number_widget(lo, hi, int_step)
        # A number box shows plain digits only (no thousands separator); so does a seed.
        fmt = "%d" if widget == "number_input" or key.endswith("seed") else "%,d"
        return InputSpec(key, group, p.kind, widget, label, p.unit, int(lo), int(hi), int_step, None, fmt, _help(p),
                         p.value)
    step = float(p.step) if p.step else (hi - lo) / 100
    widget = _number_widget(lo, hi, step)
    fmt = f"%.{_decimals(step)}f" if step < 1 or widget == "number_input" else "%,d"
    if p.slider is not None and widget == "slider":
        fmt = f"%.{_decimals(step)}f"  # the box shows digits only, the slider the same
        return InputSpec(key, group, p.kind, SLIDER_AND_BOX, label, p.unit, float(lo), float(hi), step, None, fmt,
                         _help(p), float(p.value), float(p.slider[0]), float(p.slider[1]))
    return InputSpec(key, group, p.kind, widget, label, p.unit, float(lo), float(hi), step, None, fmt, _help(p), float(p.value))


def _number_text(spec: InputSpec, x: float) -> str:
    """Return ``x`` as the input's widget shows it (digits of its format, thousands separated)."""
    if spec.kind == "integer" or (spec.step is not None and float(spec.step).is_integer() and float(x).is_integer()):
        return f"{x:,.0f}"
    return f"{x:,.{_decimals(float(spec.step or 1))}f}" if spec.step and spec.step < 1 else f"{x:,g}"


def out_of_range_message(spec: InputSpec, typed: float, kept: float) -> str:
    """Say that a typed number is outside its input's bounds, and which value the model keeps.

    Examples
    --------
    >>> spec = input_specs()["demand.potential_buyers"]
    >>> print(out_of_range_message(spec, 200_000_000, 7_271_000))  # doctest: +NORMALIZE_WHITESPACE
    Potential buyers [people]: 200,000,000 is outside the allowed 100,000 to 100,000,000; the model keeps 7,271,000.
    """
    lo, hi = spec.min_value, spec.max_value
    assert lo is not None and hi is not None  # a number box's input always has bounds
    return (f"{spec.label}: {_number_text(spec, typed)} is outside the allowed {_number_text(spec, lo)} to "
            f"{_number_text(spec, hi)}; the model keeps {_number_text(spec, kept)}.")


def _is_input(p: Parameter) -> bool:
    """Return False for a limit (``ui: false``) or a value fixed by definition (WAV is exactly CD audio)."""
    return p.ui and not (p.bounds is not None and p.bounds[0] == p.bounds[1])


def input_specs(assumptions: Assumptions | None = None) -> dict[str, InputSpec]:
    """One :class:`InputSpec` per parameter, in file order.

    Parameters
    ----------
    assumptions : Assumptions, optional
        Defaults to the embedded file.

    Returns
    -------
    dict[str, InputSpec]
        Keyed by dotted name; only parameters whose bounds allow a change
        (min < max) and that are not marked ``ui: false`` are included.
    """
    a = assumptions if assumptions is not None else load_assumptions()
    out = {}
    for key, p in a.parameters.items():
        if _is_input(p):
            out[key] = _spec(a, key, p)
    return out




@dataclass(frozen=True)
class QueryScenario:
    """What a URL asks for, after validation.

    Attributes
    ----------
    preset : str or None
    overrides : dict
        Valid input values by dotted name.
    notices : tuple of str
        One sentence per ignored query parameter, naming it, its value and why.
    """

    preset: str | None
    overrides: dict
    notices: tuple[str, ...]


def overrides_from_query(assumptions: Assumptions, params: Mapping[str, Any]) -> QueryScenario:
    """Validate URL query parameters into a preset and overrides.

    Parameters
    ----------
    assumptions : Assumptions
    params : Mapping[str, str or list of str]
        The query string's parameters (a repeated one gives a list; its last value counts, with a
        notice when the values differ).
        A choice may be given by name (``per_track``) or by its label (``per track``);
        a preset by name or by label.

    Returns
    -------
    QueryScenario
        Invalid, unknown or out-of-range values are left out, each with a notice.

    Examples
    --------
    >>> q = overrides_from_query(load_assumptions(), {"pricing.rate_usd_per_mb": "0.02", "pricing.discount_share": "9"})
    >>> q.overrides, len(q.notices)
    ({'pricing.rate_usd_per_mb': 0.02}, 1)
    """
    notices: list[str] = []
    preset = None
    overrides: dict[str, Any] = {}
    for name, raw in params.items():
        value = raw[-1] if isinstance(raw, (list, tuple)) and raw else raw
        text = str(value)
        if isinstance(raw, (list, tuple)) and len({str(v) for v in raw}) > 1:
            notices.append(f"Link parameter {_shown(name)} is given {len(raw)} times with different values: "
                           f"the last one, {_shown(text)!r}, is used.")
        if name == PRESET_QUERY_KEY:
            by_label = {p.label: k for k, p in assumptions.presets.items()}
            if text in assumptions.presets or text in by_label:
                preset = text if text in assumptions.presets else by_label[text]
            else:
                notices.append(
                    f"Link parameter {_shown(name)}={_shown(text)!r} ignored: not a preset (known: {', '.join(assumptions.presets)})."
                )
            continue
        if name not in assumptions.parameters:
            notices.append(f"Link parameter {_shown(name)}={_shown(text)!r} ignored: not an input of this model.")
            continue
        if not _is_input(assumptions.parameters[name]):
            notices.append(f"Link parameter {_shown(name)}={_shown(text)!r} ignored: a fixed limit or definition, not an input.")
            continue
        if assumptions.parameters[name].kind == "choice":
            # A bound widget writes the label it shows ("per track"); accept it as well as the name.
            text = {option_label(o): o for o in assumptions.choices(name)}.get(text, text)
        try:
            overrides[name] = parse_value(assumptions, name, text)
        except ScenarioError as e:
            notices.append(f"Link parameter {_shown(name)}={_shown(text)!r} ignored: {_shown(str(e), _NOTICE_REASON_CHARS)}.")
    # Values valid one by one may still clash (a reported low above its high, every mix weight at 0): then the
    # link's values make no scenario together and are all left out, each with the reason.
    try:
        make_scenario(assumptions, preset=preset, overrides=overrides)
    except ScenarioError as e:
        reason = _shown(str(e), _NOTICE_REASON_CHARS)
        notices.extend(f"Link parameter {_shown(k)}={_shown(str(v))!r} ignored: the link's values do not fit "
                       f"together: {reason}." for k, v in overrides.items())
        overrides = {}
    return QueryScenario(preset, overrides, tuple(notices))
