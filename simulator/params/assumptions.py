"""Load and validate ``assumptions.yaml``: every number the simulator uses.

The file is the single source of the model's inputs. Each adjustable input is a
*parameter* with a value, unit, label, bounds and a source (or the word
``assumption`` with a reason); fixed definitions are *constants*. Loading
validates the whole document with pydantic and raises :class:`AssumptionsError`
(a ``ValueError``) with one message that names the key, the value and what is
allowed. Only ``yaml.safe_load`` is used, so YAML tags that build Python
objects are refused.

Examples
--------
>>> a = load_assumptions()
>>> a.parameters["pricing.rate_usd_per_mb"].value
0.03
>>> a.constants["bytes_per_mb_binary"]
1048576
"""

from __future__ import annotations

import datetime as _dt
import math
import reprlib
import typing
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType, UnionType
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "AssumptionsError",
    "ScenarioError",
    "Assumptions",
    "Parameter",
    "Report",
    "Preset",
    "load_assumptions",
    "parse_assumptions",
    "default_assumptions_path",
    "FORMAT_VERSION",
]

#: Version of the assumptions file layout this code reads.
FORMAT_VERSION = 1

#: Largest assumptions file read, in bytes (a real one is about 30 kB).
MAX_FILE_BYTES = 1_000_000

Scalar = StrictBool | StrictInt | StrictFloat | StrictStr


class AssumptionsError(ValueError):
    """An assumptions file (or an override of one) is malformed or out of bounds."""


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict = 2, 4, 4, 4
_REPR.maxstring = _REPR.maxother = 80


def _short(x: Any) -> str:
    """Return a bounded repr for messages: an alias bomb must not be expanded to print it."""
    return _REPR.repr(x)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    """Where a number comes from: the address, the date of the report, a note."""

    url: StrictStr = Field(min_length=1)
    date: StrictStr = Field(min_length=1)
    note: StrictStr = ""


class _Sourced(_Strict):
    source: Source | None = None
    assumption: StrictStr | None = None

    @model_validator(mode="after")
    def _one_provenance(self):
        if (self.source is None) == (self.assumption is None):
            raise ValueError("needs exactly one of 'source' (url, date) or 'assumption' (a reason)")
        if self.assumption is not None and not self.assumption.strip():
            raise ValueError("'assumption' needs a one-line reason")
        return self


def _finite(x: float, what: str) -> float:
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"{what} must be a finite number, got {x}")
    return x


class Parameter(_Sourced):
    """One adjustable input.

    ``kind`` is ``number`` (a finite float), ``integer``, ``boolean``,
    ``choice`` (one of ``options``) or ``date`` (a calendar day written
    ``YYYY-MM-DD``, such as the first day of a reported count; it is not drawn
    as a widget, so it needs ``ui: false``, and takes no range). Numbers and integers carry ``bounds``
    (the allowed [min, max], used as slider limits) and optionally a plausible
    ``low``/``high`` range used by the sensitivity analysis, and optionally a
    ``slider`` span narrower than the bounds (the app's slider covers it, a
    number box beside it takes any value within the bounds). ``ui: false``
    marks a limit that is not a model input (e.g. the largest file accepted):
    it is not drawn as a widget.
    """

    kind: Literal["number", "integer", "boolean", "choice", "date"] = "number"
    value: Scalar
    unit: StrictStr
    label: StrictStr = Field(min_length=1)
    help: StrictStr = ""
    bounds: tuple[StrictInt | StrictFloat, StrictInt | StrictFloat] | None = None
    step: StrictInt | StrictFloat | None = None
    low: StrictInt | StrictFloat | None = None
    high: StrictInt | StrictFloat | None = None
    options: tuple[StrictStr, ...] | None = None
    options_from: Literal["formats"] | None = None
    ui: StrictBool = True
    #: The value is the weighted least-squares fit to the ``reports`` (``allofmp3-sim fit``), not a source.
    fitted: StrictBool = False
    slider: tuple[StrictInt | StrictFloat, StrictInt | StrictFloat] | None = None

    @model_validator(mode="before")
    @classmethod
    def _date_as_text(cls, data: Any) -> Any:
        # YAML reads an unquoted 2006-06-01 as a date: a date parameter keeps it as its ISO text.
        if isinstance(data, dict) and data.get("kind") == "date" and type(data.get("value")) is _dt.date:
            return {**data, "value": data["value"].isoformat()}
        return data

    @model_validator(mode="after")
    def _check_value(self):
        v = self.value
        if self.kind == "date":
            if not isinstance(v, str) or _iso_day(v) is None:
                raise ValueError(f"value must be a date written YYYY-MM-DD, got {v!r}")
            extra = [k for k in ("bounds", "step", "low", "high", "slider", "options", "options_from")
                     if getattr(self, k) is not None]
            if extra:
                raise ValueError(f"a date takes no {extra[0]}")
            if self.ui:
                raise ValueError("a date is not drawn as a widget: it needs 'ui: false'")
        elif self.kind in ("number", "integer"):
            if self.kind == "integer" and not (isinstance(v, int) and not isinstance(v, bool)):
                raise ValueError(f"value must be a whole number, got {v!r}")
            # An integer has passed the check above, so this one only refuses non-numbers of kind "number".
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"value must be a number, got {v!r}")
            _finite(v, "value")
            if self.bounds is None:
                raise ValueError("a number needs 'bounds: [min, max]'")
            lo, hi = self.bounds
            _finite(lo, "bounds"), _finite(hi, "bounds")
            if lo > hi:
                raise ValueError(f"bounds must be [min, max] with min <= max, got [{lo}, {hi}]")
            if not lo <= v <= hi:
                raise ValueError(f"value must be between {lo} and {hi}, got {v}")
            for name in ("low", "high", "step"):
                x = getattr(self, name)
                if x is not None:
                    _finite(x, name)
            low = self.low if self.low is not None else lo
            high = self.high if self.high is not None else hi
            if not lo <= low <= high <= hi:
                raise ValueError(
                    f"low/high must satisfy {lo} <= low <= high <= {hi}, got low={self.low}, high={self.high}"
                )
            if self.step is not None and self.step <= 0:
                raise ValueError(f"step must be positive, got {self.step}")
            if self.slider is not None:
                a, b = self.slider
                _finite(a, "slider"), _finite(b, "slider")
                if not lo <= a < b <= hi:
                    raise ValueError(f"slider must be [min, max] within the bounds, {lo} <= min < max <= {hi}, "
                                     f"got [{a}, {b}]")
        elif self.kind == "boolean":
            if not isinstance(v, bool):
                raise ValueError(f"value must be true or false, got {v!r}")
        else:  # choice
            if not isinstance(v, str):
                raise ValueError(f"value must be one of the options, got {v!r}")
            if (self.options is None) == (self.options_from is None):
                raise ValueError("a choice needs exactly one of 'options' or 'options_from'")
            if self.options is not None and v not in self.options:
                raise ValueError(f"value must be one of {list(self.options)}, got {v!r}")
        return self

    def allowed(self) -> str:
        """Describe the allowed values in words (used in error messages)."""
        if self.kind in ("number", "integer"):
            assert self.bounds is not None  # the model validator requires bounds of a number or integer
            lo, hi = self.bounds
            whole = "a whole number" if self.kind == "integer" else "a number"
            return f"{whole} between {lo} and {hi}"
        if self.kind == "boolean":
            return "true or false"
        if self.kind == "date":
            return "a date written YYYY-MM-DD"
        return f"one of {list(self.options or ())}"


class Constant(_Sourced):
    """A fixed definition, such as the bytes in a MiB. Not adjustable."""

    value: StrictInt | StrictFloat
    unit: StrictStr
    label: StrictStr

    @field_validator("value")
    @classmethod
    def _fin(cls, v):
        return _finite(v, "value")


def _iso_day(text: str) -> _dt.date | None:
    """Return the day ``YYYY-MM-DD`` names, or None for any other text (no week dates, no times)."""
    if not (len(text) == len("YYYY-MM-DD") and text[4] == text[7] == "-"):
        return None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        return None


def _iso_date(v: Any) -> Any:
    """Read ``"2006-08-13"`` as a date (YAML may also give a date already)."""
    return _dt.date.fromisoformat(v) if isinstance(v, str) else v


#: A calendar date written as ``YYYY-MM-DD``.
IsoDate = Annotated[_dt.date, BeforeValidator(_iso_date)]
#: Sanity range of a format's listed bitrates [kbit/s]: below telephone speech, above lossless CD.
_BITRATE_RANGE_KBPS = (8, 2000)


class RateStep(_Strict):
    """One step of the per-MB rate timeline."""

    from_: IsoDate = Field(alias="from")
    rate_usd_per_mb: StrictFloat | StrictInt = Field(gt=0)
    label: StrictStr
    source: Source

    @field_validator("rate_usd_per_mb")
    @classmethod
    def _fin(cls, v):
        return _finite(v, "rate_usd_per_mb")


class Format(_Sourced):
    """One audio format of the encodings menu.

    Lossy formats list their constant bitrates; lossless ones name the
    parameter that holds their average size as a fraction of CD audio.
    """

    label: StrictStr
    bitrates_kbps: tuple[StrictInt, ...] | None = None
    cd_fraction: StrictStr | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        if (self.bitrates_kbps is None) == (self.cd_fraction is None):
            raise ValueError("a format needs exactly one of 'bitrates_kbps' or 'cd_fraction'")
        if self.bitrates_kbps is not None:
            if not self.bitrates_kbps:
                raise ValueError("bitrates_kbps must not be empty")
            lo, hi = _BITRATE_RANGE_KBPS
            bad = [b for b in self.bitrates_kbps if not lo <= b <= hi]
            if bad:
                raise ValueError(f"bitrates_kbps must be between {lo} and {hi}, got {bad}")
        return self


class Event(_Strict):
    """A dated event of the store's history (card freeze, lawsuit, shutdown)."""

    date: IsoDate
    name: StrictStr = Field(min_length=1)
    #: What the time line writes beside the event's line (a few words).
    short: StrictStr = Field(min_length=1, max_length=24)
    label: StrictStr
    source: Source


class Preset(_Strict):
    """A named scenario: what it teaches, its sources and the inputs it changes."""

    label: StrictStr
    purpose: StrictStr = Field(min_length=1)
    sources: tuple[Source, ...] = ()
    assumption: StrictStr | None = None
    overrides: Mapping[StrictStr, Scalar] = Field(default_factory=dict)

    @field_validator("overrides", mode="after")
    @classmethod
    def _read_only(cls, v):
        # The embedded assumptions are shared (cached): a preset's overrides must not be changeable.
        return MappingProxyType(dict(v))


class Report(_Strict):
    """A documented figure about the store: a value or a band, when it was reported, and where.

    Reports are what the model is held against (they are not inputs): the press's
    price bands, customer counts and revenue estimates.
    """

    name: StrictStr = Field(min_length=1)
    label: StrictStr = Field(min_length=1)
    date: StrictStr = Field(min_length=1)
    unit: StrictStr = Field(min_length=1)
    value: StrictFloat | StrictInt | None = None
    low: StrictFloat | StrictInt | None = None
    high: StrictFloat | StrictInt | None = None
    #: Where it was reported; a figure that is this project's own prior names no source but an ``assumption``.
    source: Source | None = None
    assumption: StrictStr | None = None
    #: What the model computes to compare with it (see :mod:`simulator.model.fit`); ``none``: shown, never fitted.
    quantity: Literal["customers", "new_customers_per_day", "revenue_usd", "us_downloads", "track_price_usd",
                      "album_price_usd", "share_vs_itunes", "elasticity", "none"] = "none"
    #: First day of the period a count or a sum covers (the report's ``date`` ends it).
    start: IsoDate | None = None
    #: Its uncertainty: the standard deviation of ln(reported / true).
    sigma_ln: StrictFloat | None = Field(default=None, gt=0)
    #: How far to trust it (the facts file's A-D scale and why); says where ``sigma_ln`` comes from.
    reliability: StrictStr = ""

    @model_validator(mode="after")
    def _value_or_band(self):
        if (self.source is None) == (self.assumption is None):
            raise ValueError("a report needs exactly one of 'source' (url, date) or 'assumption' (a reason)")
        if self.quantity != "none" and self.sigma_ln is None:
            raise ValueError(f"a report the model is fitted to (quantity {self.quantity!r}) needs 'sigma_ln'")
        if self.quantity != "none":
            for what in ("value", "low", "high"):
                x = getattr(self, what)
                if x is not None and x <= 0:
                    raise ValueError(f"{what} of a fitted report must be above 0 (it is compared in logs), got {x}")
        if (self.value is None) == (self.low is None and self.high is None):
            raise ValueError("a report needs exactly one of 'value' or a band ('low' and 'high')")
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("a band needs both 'low' and 'high'")
        for what in ("value", "low", "high"):
            x = getattr(self, what)
            if x is not None:
                _finite(x, what)
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) must not be above high ({self.high})")
        return self


class _Document(_Strict):
    format_version: StrictInt
    constants: dict[StrictStr, Constant]
    rate_timeline: tuple[RateStep, ...] = Field(min_length=1)
    formats: dict[StrictStr, Format] = Field(min_length=1)
    parameters: dict[StrictStr, Any]
    events: tuple[Event, ...] = ()
    reports: tuple[Report, ...] = ()
    presets: dict[StrictStr, Preset] = Field(default_factory=dict)


class ScenarioError(ValueError):
    """An unknown preset, an unknown input name or an out-of-bounds value."""


class Assumptions:
    """A validated assumptions document (read-only).

    Attributes
    ----------
    parameters : Mapping[str, Parameter]
        Adjustable inputs by dotted name, e.g. ``"pricing.rate_usd_per_mb"``.
    constants : Mapping[str, int | float]
        Fixed definitions by name (``"bytes_per_mb_binary"`` -> 1048576).
    constant_meta : Mapping[str, Constant]
        The constants with their units and sources.
    rate_timeline : tuple of RateStep
        Dated per-MB rates, oldest first.
    formats : Mapping[str, Format]
        The encodings menu by format name (``"mp3"``, ``"flac"`` ...).
    presets : Mapping[str, Preset]
        Named scenarios.
    events : Mapping[str, Event]
        Dated events by name (``"visa_stop"``, ``"shutdown"`` ...).
    reports : Mapping[str, Report]
        Documented figures by name (``"mp3sparks_track_price"`` ...): what the press reported.
    source_path : str
        Where the document was read from (``"<embedded>"`` for the default).
    """

    def __init__(self, doc: _Document, parameters: dict[str, Parameter], source_path: str):
        self._doc = doc
        self.parameters: Mapping[str, Parameter] = MappingProxyType(parameters)
        self.constant_meta: Mapping[str, Constant] = MappingProxyType(dict(doc.constants))
        self.constants: Mapping[str, int | float] = MappingProxyType(
            {k: c.value for k, c in doc.constants.items()}
        )
        self.rate_timeline = doc.rate_timeline
        self.formats: Mapping[str, Format] = MappingProxyType(dict(doc.formats))
        self.presets: Mapping[str, Preset] = MappingProxyType(dict(doc.presets))
        self.events: Mapping[str, Event] = MappingProxyType({e.name: e for e in doc.events})
        self.reports: Mapping[str, Report] = MappingProxyType({r.name: r for r in doc.reports})
        self.source_path = source_path

    def defaults(self) -> dict[str, Any]:
        """Return the value of every parameter, by dotted name (numbers as ``float``)."""
        return {k: float(p.value) if p.kind == "number" else p.value for k, p in self.parameters.items()}

    def encoding_names(self) -> tuple[str, ...]:
        """Return every encoding name: ``<format>-<kbps>`` for lossy formats, the format name for lossless."""
        names: list[str] = []
        for fmt, f in self.formats.items():
            if f.bitrates_kbps is not None:
                names.extend(f"{fmt}-{b}" for b in f.bitrates_kbps)
            else:
                names.append(fmt)
        return tuple(names)

    def choices(self, key: str) -> tuple[str, ...]:
        """Return the allowed values of a ``choice`` parameter."""
        p = self.parameters[key]
        if p.options_from == "formats":
            return self.encoding_names()
        return tuple(p.options or ())

    def check_value(self, key: str, value: Any) -> Any:
        """Check one input's value against its parameter's kind and bounds.

        Parameters
        ----------
        key : str
            Dotted parameter name.
        value : Any
            The value (a number, a boolean, a choice, or a date as ``YYYY-MM-DD`` text or a ``datetime.date``).

        Returns
        -------
        Any
            The value, integers normalised to ``int``, numbers to ``float`` and dates to ``YYYY-MM-DD`` text.

        Raises
        ------
        ScenarioError
            Naming the input, the value and what is allowed.
        """
        p: Parameter | None = self.parameters.get(key)
        if p is None:
            raise ScenarioError(f"unknown input {key!r}; known inputs are {sorted(self.parameters)}")
        if p.kind in ("number", "integer"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ScenarioError(f"{key} must be {p.allowed()}, got {value!r}")
            if not math.isfinite(value):
                raise ScenarioError(f"{key} must be {p.allowed()}, got {value}")
            if p.kind == "integer":
                if value != int(value):
                    raise ScenarioError(f"{key} must be {p.allowed()}, got {value}")
                value = int(value)
            assert p.bounds is not None  # Parameter's validator requires bounds of a number or integer
            lo, hi = p.bounds
            if not lo <= value <= hi:
                unit = f" [{p.unit}]" if p.unit else ""  # a seed or a count of rows has no unit to show
                raise ScenarioError(f"{key} must be between {lo} and {hi}{unit}, got {value}")
            return float(value) if p.kind == "number" else value
        if p.kind == "boolean":
            if not isinstance(value, bool):
                raise ScenarioError(f"{key} must be true or false, got {value!r}")
            return value
        if p.kind == "date":
            day = value if type(value) is _dt.date else _iso_day(value) if isinstance(value, str) else None
            if day is None:
                raise ScenarioError(f"{key} must be {p.allowed()}, got {_short(value)}")
            return day.isoformat()
        allowed = self.choices(key)
        if value not in allowed:
            raise ScenarioError(f"{key} must be one of {list(allowed)}, got {value!r}")
        return value

    def __repr__(self) -> str:
        """Return a one-line summary: where the document was read from and its number of parameters."""
        return f"Assumptions({self.source_path!r}, {len(self.parameters)} parameters)"


def _loc_str(loc) -> str:
    parts = []
    for x in loc:
        if isinstance(x, int):
            parts.append(f"[{x}]")
        else:
            parts.append(("." if parts else "") + str(x))
    return "".join(parts)


def _model_of(t: Any) -> Any:
    """``Source`` for ``Source | None``; other types unchanged."""
    if typing.get_origin(t) in (typing.Union, UnionType):
        models = [a for a in typing.get_args(t) if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if models else None
    return t


def _field_type(t: Any, key: Any) -> Any:
    """Return the type found under ``key`` in a model, dict or tuple type (None if unknown)."""
    t = _model_of(t)
    if isinstance(t, type) and issubclass(t, BaseModel):
        for name, f in t.model_fields.items():
            if key in (name, f.alias):
                return f.annotation
        return None
    args = typing.get_args(t)
    if typing.get_origin(t) is dict and len(args) == 2:
        return args[1]
    if typing.get_origin(t) is tuple and args:
        return args[0]
    return None


def _allowed_keys(model: Any, loc: tuple) -> list[str]:
    """Return the keys the model accepts where an unknown key was found at ``loc``."""
    t = model
    for part in loc[:-1]:
        t = _field_type(t, part)
    t = _model_of(t)
    if isinstance(t, type) and issubclass(t, BaseModel):
        return [f.alias or name for name, f in t.model_fields.items()]
    return []


def _format_validation(err: ValidationError, prefix: str, raw: Any, model: Any = None) -> str:
    lines = []
    for e in err.errors(include_url=False):
        loc = ".".join(p for p in (prefix, _loc_str(e["loc"])) if p)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, tuple(e["loc"])) if model is not None else []
            msg = f"unknown key {e['loc'][-1]!r} (value {_short(e.get('input'))})"
            msg += f"; allowed keys are {allowed}" if allowed else ""
        elif e["type"] == "missing":
            msg = f"missing key {e['loc'][-1]!r}"
        elif "got" not in msg:
            msg = f"{msg}, got {_short(e.get('input'))}"
        lines.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(lines[:5]) + (f" (and {len(lines) - 5} more)" if len(lines) > 5 else "")


def _flatten(tree: Any, prefix: str, out: dict[str, Any]) -> None:
    if not isinstance(tree, dict) or not tree:
        raise AssumptionsError(
            f"parameters.{prefix}: must be a group of parameters or a parameter with 'value', got {_short(tree)}"
        )
    for key, node in tree.items():
        if not isinstance(key, str) or not key or "." in key:
            raise AssumptionsError(f"parameters.{prefix}: invalid name {_short(key)} (a name without dots)")
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(node, dict) and "value" in node:
            out[name] = node
        else:
            _flatten(node, name, out)


def parse_assumptions(
    data: Any, *, source_path: str = "<data>", reference: Assumptions | None = None
) -> Assumptions:
    """Validate a parsed assumptions document.

    Parameters
    ----------
    data : Any
        The result of ``yaml.safe_load`` on an assumptions file.
    source_path : str, optional
        Where the data came from, for messages.
    reference : Assumptions, optional
        A document whose parameter names this one must match exactly (the
        embedded default); unknown and missing names are errors.

    Returns
    -------
    Assumptions

    Raises
    ------
    AssumptionsError
        With one message naming the key, the value and what is allowed.
    """
    where = f"{source_path}: "
    if not isinstance(data, dict):
        raise AssumptionsError(f"{where}the document must be a mapping of sections, got {type(data).__name__}")
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version != FORMAT_VERSION:
        raise AssumptionsError(
            f"{where}format_version: this program reads version {FORMAT_VERSION}, got {version!r}"
        )
    try:
        doc = _Document.model_validate(data)
    except ValidationError as e:
        raise AssumptionsError(where + _format_validation(e, "", data, _Document)) from None

    flat: dict[str, Any] = {}
    try:
        _flatten(doc.parameters, "", flat)
    except AssumptionsError as e:
        raise AssumptionsError(where + str(e)) from None
    params: dict[str, Parameter] = {}
    for name, node in flat.items():
        try:
            params[name] = Parameter.model_validate(node)
        except ValidationError as e:
            raise AssumptionsError(where + _format_validation(e, f"parameters.{name}", node, Parameter)) from None

    enc_names = None
    for name, p in params.items():
        if p.options_from == "formats":
            enc_names = enc_names or _encoding_names(doc.formats)
            if p.value not in enc_names:
                raise AssumptionsError(
                    f"{where}parameters.{name}.value: must be one of the encodings {list(enc_names)}, got {p.value!r}"
                )
    for fmt, f in doc.formats.items():
        if f.cd_fraction is not None and (
            f.cd_fraction not in params or params[f.cd_fraction].kind != "number"
        ):
            raise AssumptionsError(
                f"{where}formats.{fmt}.cd_fraction: must name a number parameter, got {f.cd_fraction!r}"
            )
    for section, names in (("events", [e.name for e in doc.events]), ("reports", [r.name for r in doc.reports])):
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise AssumptionsError(f"{where}{section}: names must be unique, got {repeated[0]!r} more than once")
    dates = [s.from_ for s in doc.rate_timeline]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise AssumptionsError(f"{where}rate_timeline: dates must be strictly increasing, got {dates}")

    if reference is not None:
        unknown = sorted(set(params) - set(reference.parameters))
        missing = sorted(set(reference.parameters) - set(params))
        if unknown:
            raise AssumptionsError(
                f"{where}parameters.{unknown[0]}: unknown key; known keys are {sorted(reference.parameters)}"
            )
        if missing:
            raise AssumptionsError(f"{where}parameters.{missing[0]}: missing key")
        for name, p in params.items():
            if p.kind != reference.parameters[name].kind:
                raise AssumptionsError(
                    f"{where}parameters.{name}.kind: must be {reference.parameters[name].kind!r}, got {p.kind!r}"
                )
        missing_c = sorted(set(reference.constants) - set(doc.constants))
        if missing_c:
            raise AssumptionsError(f"{where}constants.{missing_c[0]}: missing key")

    a = Assumptions(doc, params, source_path)
    for pname, preset in a.presets.items():
        try:
            for key, value in preset.overrides.items():
                a.check_value(key, value)
        except ValueError as e:
            raise AssumptionsError(f"{where}presets.{pname}.overrides: {e}") from None
    return a


def _encoding_names(formats: Mapping[str, Format]) -> tuple[str, ...]:
    names: list[str] = []
    for fmt, f in formats.items():
        names.extend(f"{fmt}-{b}" for b in f.bitrates_kbps) if f.bitrates_kbps else names.append(fmt)
    return tuple(names)


def default_assumptions_path() -> Path:
    """Return the path of the embedded default ``assumptions.yaml``."""
    return Path(str(resources.files("simulator").joinpath("assumptions.yaml")))


#: Most YAML aliases (``*name``) a file may use; more is treated as an alias bomb.
MAX_YAML_ALIASES = 100
#: Deepest nesting of mappings and sequences read. PyYAML's scanner is quadratic
#: in flow nesting (100 kB of ``[`` took minutes), so depth is checked on the
#: event stream, which stops at the first level too deep.
MAX_YAML_DEPTH = 64


class _SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` (same constructors, no Python tags) whose unreadable scalars are YAML errors.

    PyYAML's safe constructors raise plain Python errors for ``!!int x``, ``!!bool x`` or a
    13th month (``2006-13-45`` reads as a date); here they become errors with the line and value.
    """

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, LookupError, AttributeError, OverflowError) as e:
            detail = f" ({e})" if isinstance(e, (ValueError, OverflowError)) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {_short(node.value)} as {node.tag.rsplit(':', 1)[-1]}{detail}",
                node.start_mark) from None


def _read_yaml_text(text: str, source_path: str) -> Any:
    try:
        aliases = depth = 0
        for ev in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(ev, yaml.AliasEvent):
                aliases += 1
            elif isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise AssumptionsError(
                        f"{source_path}: YAML nested too deeply; at most {MAX_YAML_DEPTH} levels are allowed"
                    )
            elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
        if aliases > MAX_YAML_ALIASES:
            raise AssumptionsError(
                f"{source_path}: {aliases} YAML aliases; at most {MAX_YAML_ALIASES} are allowed"
            )
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a SafeLoader: no Python tags
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise AssumptionsError(f"{source_path}: malformed YAML{where}: {problem}") from None
    except RecursionError:
        raise AssumptionsError(f"{source_path}: YAML nested too deeply") from None


def read_yaml_file(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Read a small YAML file safely (size-capped, ``yaml.safe_load`` only).

    Raises
    ------
    AssumptionsError
        If the file is missing, too large, not UTF-8 text or not valid YAML.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise AssumptionsError(f"{path}: cannot read file ({e.strerror})") from None
    if size > max_bytes:
        raise AssumptionsError(f"{path}: file is {size:,} bytes; at most {max_bytes:,} bytes are allowed")
    try:
        with p.open("rb") as fh:
            raw = fh.read(max_bytes + 1)  # a device or pipe reports size 0: never read it all
        if len(raw) > max_bytes:
            raise AssumptionsError(f"{path}: file is larger than {max_bytes:,} bytes, the most allowed")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise AssumptionsError(f"{path}: not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise AssumptionsError(f"{path}: cannot read file ({e.strerror})") from None
    if "\x00" in text:
        raise AssumptionsError(f"{path}: binary data, not a YAML text file")
    return _read_yaml_text(text, str(path))


#: Loader of the embedded file: libyaml's (about 30 times faster than PyYAML's own parser, which took
#: a quarter of a second, most of a ``price`` command's time) where PyYAML was built with it. The embedded
#: file is the package's own, so the size, alias and depth checks of :func:`read_yaml_file` are not needed.
_EMBEDDED_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def _embedded() -> Assumptions:
    text = default_assumptions_path().read_text(encoding="utf-8")
    return parse_assumptions(yaml.load(text, Loader=_EMBEDDED_LOADER), source_path="<embedded>")  # noqa: S506 - safe


def load_assumptions(path: str | Path | None = None) -> Assumptions:
    """Load and validate an assumptions file.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file laid out like the embedded ``assumptions.yaml``, with the
        same parameter names. ``None`` (default) loads the embedded defaults.

    Returns
    -------
    Assumptions

    Raises
    ------
    AssumptionsError
        Malformed YAML, an unknown or missing key, a wrong type, NaN or
        infinity, or a value outside its bounds. The message names the key,
        the value and what is allowed.

    Examples
    --------
    >>> load_assumptions().parameters["royalties.roms_share"].value
    0.15
    """
    if path is None:
        return _embedded()
    return parse_assumptions(read_yaml_file(path), source_path=str(path), reference=_embedded())
