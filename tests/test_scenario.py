"""Scenarios: overrides validated once, values immutable, presets applied in order."""

from __future__ import annotations

import dataclasses
import re

import pytest

from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import Scenario, ScenarioError, make_scenario, parse_value, validate_overrides


@pytest.fixture(scope="module")
def a():
    return load_assumptions()


def test_default_scenario_is_the_assumptions_values(a):
    s = make_scenario()
    assert dict(s.values) == a.defaults()
    assert s.preset is None and dict(s.overrides) == {}
    assert s["pricing.rate_usd_per_mb"] == 0.03
    assert s["pricing.mb_convention"] == "decimal"
    assert s["royalties.fair_enabled"] is False


def test_overrides_apply(a):
    s = make_scenario(a, overrides={"pricing.rate_usd_per_mb": 0.02, "royalties.fair_enabled": True})
    assert s["pricing.rate_usd_per_mb"] == 0.02
    assert s["royalties.fair_enabled"] is True
    assert dict(s.overrides) == {"pricing.rate_usd_per_mb": 0.02, "royalties.fair_enabled": True}
    assert s["pricing.discount_share"] == a.parameters["pricing.discount_share"].value


# --------------------------------------------------------------------------- validation


def test_unknown_key_lists_known_keys(a):
    with pytest.raises(ScenarioError, match="unknown input 'pricing.rate'") as info:
        make_scenario(a, overrides={"pricing.rate": 0.02})
    msg = str(info.value)
    assert "known inputs are" in msg
    for key in ("pricing.rate_usd_per_mb", "pricing.discount_share", "royalties.roms_share"):
        assert key in msg


@pytest.mark.parametrize(
    "key, value, match",
    [
        ("pricing.rate_usd_per_mb", 0.5, r"pricing\.rate_usd_per_mb must be between 0\.001 and 0\.3 \[USD/MB\], got 0\.5"),
        ("pricing.rate_usd_per_mb", 0.0, r"between 0\.001 and 0\.3 \[USD/MB\], got 0\.0"),
        ("pricing.discount_share", -0.1, r"pricing\.discount_share must be between 0\.0 and 0\.34 \[fraction\], got -0\.1"),
        ("encoding.tag_overhead_bytes", 2_000_001, r"between 0 and 2000000 \[bytes\], got 2000001"),
        ("royalties.roms_share", 1.01, r"royalties\.roms_share must be between 0\.0 and 1\.0"),
    ],
    ids=["rate-high", "rate-zero", "discount-negative", "overhead-high", "roms-above-1"],
)
def test_out_of_bounds_names_bounds_and_unit(a, key, value, match):
    with pytest.raises(ScenarioError, match=match):
        make_scenario(a, overrides={key: value})


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("pricing.rate_usd_per_mb", "0.02", "pricing.rate_usd_per_mb must be a number between 0.001 and 0.3, got '0.02'"),
        ("pricing.rate_usd_per_mb", True, "pricing.rate_usd_per_mb must be a number between 0.001 and 0.3, got True"),
        ("pricing.rate_usd_per_mb", None, "got None"),
        ("pricing.rate_usd_per_mb", float("nan"), "got nan"),
        ("pricing.rate_usd_per_mb", float("inf"), "got inf"),
        ("encoding.tag_overhead_bytes", 1.5, "encoding.tag_overhead_bytes must be a whole number between 0 and 2000000, got 1.5"),
        ("royalties.fair_enabled", 1, "royalties.fair_enabled must be true or false, got 1"),
        ("royalties.fair_enabled", "yes", "must be true or false, got 'yes'"),
        ("pricing.rounding", "banker", "pricing.rounding must be one of ['per_track', 'per_basket', 'unrounded'], got 'banker'"),
        ("encoding.default", "mp3-193", "encoding.default must be one of ['mp3-64'"),
    ],
    ids=["string-number", "bool-number", "none", "nan", "inf", "fractional-integer", "int-bool", "text-bool", "bad-choice", "bad-encoding"],
)
def test_wrong_kind_is_refused(a, key, value, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        make_scenario(a, overrides={key: value})


def test_integer_kind_normalises_whole_floats(a):
    s = make_scenario(a, overrides={"encoding.tag_overhead_bytes": 2000.0})
    assert s["encoding.tag_overhead_bytes"] == 2000
    assert type(s["encoding.tag_overhead_bytes"]) is int
    assert validate_overrides(a, {"catalogue.seed": 7.0}) == {"catalogue.seed": 7}


def test_number_kind_accepts_ints(a):
    s = make_scenario(a, overrides={"costs.bandwidth_usd_per_gb": 1})
    assert s["costs.bandwidth_usd_per_gb"] == 1


def test_encoding_choice_uses_the_menu(a):
    s = make_scenario(a, overrides={"encoding.default": "flac", "comparison.itunes_encoding": "aac-256"})
    assert (s["encoding.default"], s["comparison.itunes_encoding"]) == ("flac", "aac-256")


def test_scenario_error_is_a_value_error():
    assert issubclass(ScenarioError, ValueError)


# --------------------------------------------------------------------------- parse_value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("true", True), ("True", True), ("YES", True), ("yes", True), ("on", True), ("1", True), (" yes ", True),
        ("false", False), ("FALSE", False), ("no", False), ("off", False), ("0", False), ("Off", False),
    ],
)
def test_parse_value_boolean_spellings(a, text, expected):
    assert parse_value(a, "royalties.fair_enabled", text) is expected


@pytest.mark.parametrize("text", ["maybe", "", "2", "y", "t", "none"])
def test_parse_value_boolean_refuses(a, text):
    with pytest.raises(ScenarioError, match=f"royalties.fair_enabled must be true or false, got {text!r}"):
        parse_value(a, "royalties.fair_enabled", text)


@pytest.mark.parametrize(
    "key, text, expected",
    [
        ("pricing.rate_usd_per_mb", "0.02", 0.02),
        ("pricing.rate_usd_per_mb", " 0.03 ", 0.03),
        ("pricing.rate_usd_per_mb", "3e-2", 0.03),
        ("encoding.tag_overhead_bytes", "200000", 200_000),
        ("pricing.rounding", "per_basket", "per_basket"),
        ("pricing.mb_convention", " binary ", "binary"),
        ("encoding.default", "wav", "wav"),
    ],
)
def test_parse_value_parses(a, key, text, expected):
    got = parse_value(a, key, text)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "key, text, message",
    [
        ("pricing.rate_usd_per_mb", "cheap", "pricing.rate_usd_per_mb must be a number between 0.001 and 0.3, got 'cheap'"),
        ("pricing.rate_usd_per_mb", "nan", "pricing.rate_usd_per_mb must be a number between 0.001 and 0.3, got nan"),
        ("pricing.rate_usd_per_mb", "inf", "got inf"),
        ("pricing.rate_usd_per_mb", "5", "between 0.001 and 0.3 [USD/MB], got 5.0"),
        ("encoding.tag_overhead_bytes", "1.5", "encoding.tag_overhead_bytes must be a whole number between 0 and 2000000, got '1.5'"),
        ("encoding.tag_overhead_bytes", "-1", "between 0 and 2000000 [bytes], got -1"),
        ("pricing.rounding", "nearest", "pricing.rounding must be one of"),
        ("pricing.no_such", "1", "unknown input 'pricing.no_such'; known inputs are"),
    ],
    ids=["text", "nan", "inf", "out-of-bounds", "fractional-integer", "negative-integer", "bad-choice", "unknown-key"],
)
def test_parse_value_refuses(a, key, text, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        parse_value(a, key, text)


# --------------------------------------------------------------------------- immutability


def test_values_and_overrides_are_read_only():
    s = make_scenario(overrides={"pricing.rate_usd_per_mb": 0.02})
    with pytest.raises(TypeError):
        s.values["pricing.rate_usd_per_mb"] = 0.3  # type: ignore[index]
    with pytest.raises(TypeError):
        s.overrides["pricing.rate_usd_per_mb"] = 0.3  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.preset = "rate_2005"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.values = {}  # type: ignore[misc]
    assert s["pricing.rate_usd_per_mb"] == 0.02


def test_caller_dict_is_copied():
    ov = {"pricing.rate_usd_per_mb": 0.02}
    s = make_scenario(overrides=ov)
    ov["pricing.rate_usd_per_mb"] = 0.3
    assert s["pricing.rate_usd_per_mb"] == 0.02


def test_unknown_getitem():
    with pytest.raises(ScenarioError, match="unknown input 'nope'"):
        make_scenario()["nope"]


def test_with_overrides_returns_a_new_scenario():
    s = make_scenario(overrides={"pricing.rate_usd_per_mb": 0.02})
    t = s.with_overrides({"pricing.discount_share": 0.1})
    assert t is not s
    assert (t["pricing.rate_usd_per_mb"], t["pricing.discount_share"]) == (0.02, 0.1)
    assert s["pricing.discount_share"] == 0.0  # unchanged
    assert dict(t.overrides) == {"pricing.discount_share": 0.1, "pricing.rate_usd_per_mb": 0.02}
    u = t.with_overrides({"pricing.rate_usd_per_mb": 0.01})
    assert u["pricing.rate_usd_per_mb"] == 0.01
    with pytest.raises(ScenarioError, match="pricing.discount_share"):
        s.with_overrides({"pricing.discount_share": 0.9})


def test_equal_scenarios_hash_alike():
    s1 = make_scenario(overrides={"pricing.rate_usd_per_mb": 0.02})
    s2 = make_scenario().with_overrides({"pricing.rate_usd_per_mb": 0.02})
    assert s1 == s2 and hash(s1) == hash(s2)
    assert s1 != make_scenario()
    assert len({s1, s2, make_scenario()}) == 2


# --------------------------------------------------------------------------- presets


def test_unknown_preset_lists_known(a):
    with pytest.raises(ScenarioError, match="unknown preset 'nope'; known presets are") as info:
        make_scenario(a, preset="nope")
    for name in a.presets:
        assert name in str(info.value)


def test_every_preset_builds_and_applies_its_overrides(a):
    assert a.presets, "the embedded file has presets"
    for name, preset in a.presets.items():
        s = make_scenario(a, preset=name)
        assert isinstance(s, Scenario) and s.preset == name
        for key, value in preset.overrides.items():
            assert s[key] == value
        assert dict(s.overrides) == {}  # the preset's own changes are not "overrides"


def test_overrides_win_over_the_preset(a):
    name = next(n for n, p in a.presets.items() if "pricing.rate_usd_per_mb" in p.overrides)
    s = make_scenario(a, preset=name, overrides={"pricing.rate_usd_per_mb": 0.01})
    assert s["pricing.rate_usd_per_mb"] == 0.01
    t = s.with_overrides({"pricing.discount_share": 0.2})
    assert t.preset == name and t["pricing.rate_usd_per_mb"] == 0.01


def test_make_scenario_checks_inputs_that_must_fit_together():
    """Each value alone is in range; together they are refused by make_scenario itself."""
    mix = [k for k in load_assumptions().parameters if k.startswith("market.quality_mix.")]
    with pytest.raises(ScenarioError, match=r"market\.quality_mix\.\*: at least one quality-mix weight must be above 0"):
        make_scenario(overrides={k: 0.0 for k in mix})
    with pytest.raises(ScenarioError, match=r"market\.reported_track_price_low_usd \(0\.3\) must not be above "
                                            r"market\.reported_track_price_high_usd \(0\.2\)"):
        make_scenario(overrides={"market.reported_track_price_low_usd": 0.3})
    # one weight above zero is enough, and a band of one price is a band
    assert make_scenario(overrides={**{k: 0.0 for k in mix}, mix[0]: 0.01}).market.quality_mix[mix[0].rsplit(".", 1)[1]] == 0.01
    assert make_scenario(overrides={"market.reported_track_price_low_usd": 0.2}).market.reported_track_price_low_usd == 0.2
