"""Scenarios: the assumptions' values plus a preset and named overrides, validated once.

A :class:`Scenario` is immutable. It is built by :func:`make_scenario` from an
:class:`~simulator.params.assumptions.Assumptions` document, an optional preset name
and overrides keyed by the parameters' dotted names. Every override is checked
against its parameter's kind and bounds when the scenario is made; nothing
downstream re-validates.

Examples
--------
>>> s = make_scenario(overrides={"pricing.rate_usd_per_mb": 0.02})
>>> s.pricing.rate_usd_per_mb
0.02
>>> s.with_overrides({"pricing.discount_share": 0.1})["pricing.discount_share"]
0.1
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, cast

from simulator.params.assumptions import Assumptions, ScenarioError, load_assumptions
from simulator.params.groups import (
    QUALITY_MIX_PREFIX,
    CatalogueInputs,
    ChartsInputs,
    ComparisonInputs,
    CostsInputs,
    CustomersInputs,
    DemandInputs,
    EncodingInputs,
    ListenersInputs,
    MarketInputs,
    PaymentsInputs,
    PricingInputs,
    RightsInputs,
    RoyaltiesInputs,
    TimelineInputs,
    UncertaintyInputs,
    group_inputs,
)

__all__ = ["Scenario", "ScenarioError", "changed_keys", "make_scenario", "parse_value", "preset_values", "validate_overrides"]




def validate_overrides(assumptions: Assumptions, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Check overrides against their parameters.

    Parameters
    ----------
    assumptions : Assumptions
    overrides : Mapping[str, Any]
        Values keyed by dotted parameter name.

    Returns
    -------
    dict
        The overrides, with integers normalised to ``int``.

    Raises
    ------
    ScenarioError
        Naming the input, the value and what is allowed.
    """
    return {k: assumptions.check_value(k, v) for k, v in overrides.items()}


def parse_value(assumptions: Assumptions, key: str, text: str) -> Any:
    """Parse a value given as text (``--set KEY=VALUE``, a URL) for parameter ``key``.

    Raises
    ------
    ScenarioError
        If ``key`` is unknown or ``text`` is not a valid value for it.

    Examples
    --------
    >>> a = load_assumptions()
    >>> parse_value(a, "royalties.fair_enabled", "yes")
    True
    >>> parse_value(a, "pricing.rate_usd_per_mb", "0.02")
    0.02
    """
    p = assumptions.parameters.get(key)
    if p is None:
        raise ScenarioError(f"unknown input {key!r}; known inputs are {sorted(assumptions.parameters)}")
    t = text.strip()
    if p.kind == "boolean":
        low = t.lower()
        if low in ("true", "yes", "on", "1"):
            return True
        if low in ("false", "no", "off", "0"):
            return False
        raise ScenarioError(f"{key} must be true or false, got {text!r}")
    if p.kind in ("choice", "date"):
        return assumptions.check_value(key, t)
    try:
        v = int(t) if p.kind == "integer" else float(t)
    except ValueError:
        raise ScenarioError(f"{key} must be {p.allowed()}, got {text!r}") from None
    return assumptions.check_value(key, v)


@dataclass(frozen=True)
class Scenario:
    """An immutable, validated set of model inputs.

    Attributes
    ----------
    assumptions : Assumptions
        The document the scenario is built on.
    preset : str or None
        The preset it starts from (``None``: the assumptions' own values).
    overrides : Mapping[str, Any]
        Inputs that differ from the preset, by dotted name.
    values : Mapping[str, Any]
        Every input's value: defaults, then the preset's overrides, then ``overrides``.
    """

    assumptions: Assumptions = field(repr=False, compare=False)
    preset: str | None
    overrides: Mapping[str, Any]
    values: Mapping[str, Any] = field(repr=False)

    @cached_property
    def pricing(self) -> PricingInputs:
        """The ``pricing`` inputs, typed."""
        return cast(PricingInputs, group_inputs("pricing", self.values))

    @cached_property
    def encoding(self) -> EncodingInputs:
        """The ``encoding`` inputs, typed."""
        return cast(EncodingInputs, group_inputs("encoding", self.values))

    @cached_property
    def royalties(self) -> RoyaltiesInputs:
        """The ``royalties`` inputs, typed."""
        return cast(RoyaltiesInputs, group_inputs("royalties", self.values))

    @cached_property
    def costs(self) -> CostsInputs:
        """The ``costs`` inputs, typed."""
        return cast(CostsInputs, group_inputs("costs", self.values))

    @cached_property
    def catalogue(self) -> CatalogueInputs:
        """The ``catalogue`` inputs, typed."""
        return cast(CatalogueInputs, group_inputs("catalogue", self.values))

    @cached_property
    def comparison(self) -> ComparisonInputs:
        """The ``comparison`` inputs, typed."""
        return cast(ComparisonInputs, group_inputs("comparison", self.values))

    @cached_property
    def market(self) -> MarketInputs:
        """The ``market`` inputs, typed."""
        return cast(MarketInputs, group_inputs("market", self.values))

    @cached_property
    def payments(self) -> PaymentsInputs:
        """The ``payments`` inputs, typed."""
        return cast(PaymentsInputs, group_inputs("payments", self.values))

    @cached_property
    def demand(self) -> DemandInputs:
        """The ``demand`` inputs, typed."""
        return cast(DemandInputs, group_inputs("demand", self.values))

    @cached_property
    def rights(self) -> RightsInputs:
        """The ``rights`` inputs, typed."""
        return cast(RightsInputs, group_inputs("rights", self.values))

    @cached_property
    def customers(self) -> CustomersInputs:
        """The ``customers`` inputs, typed."""
        return cast(CustomersInputs, group_inputs("customers", self.values))

    @cached_property
    def timeline(self) -> TimelineInputs:
        """The ``timeline`` inputs, typed."""
        return cast(TimelineInputs, group_inputs("timeline", self.values))

    @cached_property
    def listeners(self) -> ListenersInputs:
        """The ``listeners`` inputs, typed."""
        return cast(ListenersInputs, group_inputs("listeners", self.values))

    @cached_property
    def charts(self) -> ChartsInputs:
        """The ``charts`` inputs, typed."""
        return cast(ChartsInputs, group_inputs("charts", self.values))

    @cached_property
    def uncertainty(self) -> UncertaintyInputs:
        """The ``uncertainty`` inputs, typed."""
        return cast(UncertaintyInputs, group_inputs("uncertainty", self.values))

    def __getitem__(self, key: str) -> Any:
        """Return an input's value by dotted name (for code that walks every input).

        Raises
        ------
        ScenarioError
            If ``key`` is not an input of the document.
        """
        try:
            return self.values[key]
        except KeyError:
            raise ScenarioError(f"unknown input {key!r}") from None

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """Return a new scenario with more overrides on top of this one's."""
        return make_scenario(self.assumptions, preset=self.preset, overrides={**self.overrides, **overrides})

    def __hash__(self) -> int:
        """Hash the preset and every value (scenarios key caches)."""
        return hash((self.preset, tuple(sorted(self.values.items()))))


def _check_together(values: Mapping[str, Any], assumptions: Assumptions) -> None:
    """Check the inputs that must fit together, each being valid on its own.

    Raises
    ------
    ScenarioError
        Every quality-mix weight 0 (no download would have an encoding), the reported
        price band upside down, or the lawsuit's count ending before it starts or starting
        before the first dated rate.
    """
    first, last = values["rights.us_songs_first_day"], values["rights.us_songs_last_day"]
    if first > last:  # ISO dates compare as text in calendar order
        raise ScenarioError(f"rights.us_songs_first_day ({first}) must not be after rights.us_songs_last_day ({last})")
    known = assumptions.rate_timeline[0].from_.isoformat()  # no rate is known before the first step
    if first < known:
        raise ScenarioError(f"rights.us_songs_first_day must not be before the first rate of rate_timeline ({known}), "
                            f"got {first}")
    if not any(v > 0 for k, v in values.items() if k.startswith(QUALITY_MIX_PREFIX)):
        raise ScenarioError(f"{QUALITY_MIX_PREFIX}*: at least one quality-mix weight must be above 0, got all 0")
    lo, hi = values["market.reported_track_price_low_usd"], values["market.reported_track_price_high_usd"]
    if lo > hi:
        raise ScenarioError(f"market.reported_track_price_low_usd ({lo:g}) must not be above "
                            f"market.reported_track_price_high_usd ({hi:g})")


def make_scenario(
    assumptions: Assumptions | None = None,
    *,
    preset: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Scenario:
    """Build a validated scenario.

    Parameters
    ----------
    assumptions : Assumptions, optional
        Defaults to the embedded ``assumptions.yaml``.
    preset : str, optional
        Name of a preset in ``assumptions.presets``.
    overrides : Mapping[str, Any], optional
        Inputs by dotted name, applied after the preset.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        An unknown preset (the message lists the known ones), an unknown input,
        a value outside its bounds, or inputs that do not fit together (every
        quality-mix weight 0, the reported price band upside down, the lawsuit's
        count ending before it starts).
    """
    a = assumptions if assumptions is not None else load_assumptions()
    values = a.defaults()
    if preset is not None:
        if preset not in a.presets:
            raise ScenarioError(f"unknown preset {preset!r}; known presets are {sorted(a.presets)}")
        values.update(validate_overrides(a, a.presets[preset].overrides))
    ov = validate_overrides(a, dict(overrides or {}))
    values.update(ov)
    _check_together(values, a)
    return Scenario(
        assumptions=a,
        preset=preset,
        overrides=MappingProxyType(dict(sorted(ov.items()))),
        values=MappingProxyType(values),
    )

def preset_values(assumptions: Assumptions, preset: str | None) -> dict[str, Any]:
    """Every input's value under a preset (``None``: the file's defaults).

    Raises
    ------
    ScenarioError
        For an unknown preset.
    """
    return dict(make_scenario(assumptions, preset=preset).values)


def changed_keys(values: Mapping[str, Any], reference: Mapping[str, Any]) -> list[str]:
    """Names of inputs whose value differs from the reference (a preset), in the reference's order."""
    out = []
    for k, ref in reference.items():
        v = values.get(k, ref)
        if isinstance(ref, float) or isinstance(v, float):
            if not math.isclose(float(v), float(ref), rel_tol=1e-12, abs_tol=1e-15):
                out.append(k)
        elif v != ref:
            out.append(k)
    return out
