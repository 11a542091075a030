"""The typed input groups mirror assumptions.yaml one for one, and read the same values as dotted names."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from simulator.params.assumptions import load_assumptions
from simulator.params.groups import GROUPS, QUALITY_MIX_PREFIX
from simulator.params.scenario import make_scenario

KIND_TYPE = {"number": float, "integer": int, "boolean": bool, "choice": str, "date": str}


def _typed_fields() -> dict[str, object]:
    out: dict[str, object] = {}
    for group, kind in GROUPS.items():
        hints = typing.get_type_hints(kind)
        for f in dataclasses.fields(kind):
            out[f"{group}.{f.name}"] = hints[f.name]
    return out


def test_every_parameter_has_exactly_one_typed_field_of_its_kind():
    a = load_assumptions()
    typed = _typed_fields()
    plain = {k: p for k, p in a.parameters.items() if not k.startswith(QUALITY_MIX_PREFIX)}
    assert set(typed) - {"market.quality_mix"} == set(plain)
    for key, p in plain.items():
        assert typed[key] is KIND_TYPE[p.kind], key
    assert any(k.startswith(QUALITY_MIX_PREFIX) for k in a.parameters)


@pytest.mark.parametrize("preset", [None, "rate_2005", "card_freeze", "lossless"])
def test_typed_values_equal_the_dotted_values(preset):
    s = make_scenario(preset=preset, overrides={"pricing.rate_usd_per_mb": 0.021, "market.quality_mix.flac": 0.5})
    for key, value in s.values.items():
        group, name = key.split(".", 1)
        if key.startswith(QUALITY_MIX_PREFIX):
            assert s.market.quality_mix[key.removeprefix(QUALITY_MIX_PREFIX)] == value
        else:
            assert getattr(getattr(s, group), name) == value, key
    assert s.pricing.rate_usd_per_mb == 0.021 and s.market.quality_mix["flac"] == 0.5


def test_typed_groups_are_read_only():
    s = make_scenario()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.pricing.rate_usd_per_mb = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.market.quality_mix["flac"] = 1.0  # type: ignore[index]
