"""Tests of simulator.present.inputs: widget specs generated from assumptions.yaml, and link (URL query) validation."""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from simulator.params.assumptions import (
    AssumptionsError,
    default_assumptions_path,
    load_assumptions,
    parse_assumptions,
    read_yaml_file,
)
from simulator.params.scenario import ScenarioError, changed_keys, preset_values
from simulator.present.inputs import (
    PRESET_QUERY_KEY,
    group_label,
    input_specs,
    option_label,
    overrides_from_query,
)

A = load_assumptions()
SPECS = input_specs(A)
RATE = "pricing.rate_usd_per_mb"


def _is_adjustable(p) -> bool:
    return p.ui and not (p.bounds is not None and p.bounds[0] == p.bounds[1])


# --- specs from the file ----------------------------------------------------------------------


@pytest.mark.parametrize("key", list(A.parameters))
def test_every_parameter_is_a_spec_exactly_when_it_can_change(key):
    p = A.parameters[key]
    assert (key in SPECS) == _is_adjustable(p)
    if key not in SPECS:
        return
    s = SPECS[key]
    assert (s.key, s.group, s.kind, s.unit) == (key, key.split(".")[0], p.kind, p.unit)
    assert s.label == (f"{p.label} [{p.unit}]" if p.unit else p.label)
    if p.source is not None:
        assert p.source.url in s.help and p.source.date in s.help
    else:
        assert f"Assumption: {p.assumption}" in s.help
    if p.help:
        assert s.help.startswith(p.help)
    if p.kind in ("number", "integer"):
        lo, hi = p.bounds
        assert lo < hi
        assert (s.min_value, s.max_value, s.step) == (lo, hi, p.step or 1)
        assert s.min_value < s.max_value and s.step > 0
        assert s.options is None and s.format is not None
        assert s.default == p.value and s.min_value <= s.default <= s.max_value
        if p.kind == "integer":
            assert all(type(v) is int for v in (s.min_value, s.max_value, s.step, s.default))
        else:
            assert all(type(v) is float for v in (s.min_value, s.max_value, s.step, s.default))
        if p.low is not None and p.high is not None:
            assert f"Plausible range: {p.low:g} to {p.high:g}" in s.help
    elif p.kind == "choice":
        assert s.widget == "selectbox" and s.options == A.choices(key) and s.default in s.options
        assert s.min_value is s.max_value is s.step is None
    else:
        assert s.widget == "toggle" and s.default is p.value


def test_specs_keep_the_file_order_and_leave_out_limits_and_fixed_values():
    assert list(SPECS) == [k for k, p in A.parameters.items() if _is_adjustable(p)]
    left_out = sorted(set(A.parameters) - set(SPECS))
    assert left_out == ["catalogue.max_file_mb", "catalogue.max_rows", "catalogue.max_xml_file_mb", "encoding.wav_cd_fraction",
                        "rights.us_songs_first_day", "rights.us_songs_last_day",       # dates of a reported count
                        "uncertainty.draws", "uncertainty.seed"]
    assert input_specs() == SPECS  # the embedded file by default


NAMED_SPECS = [
    # a slider over 0.005-0.10 (where the history is) and a number box for 0.001-0.3 (the bounds)
    (RATE, "Rate per megabyte [USD/MB]", "slider_and_box", 0.001, 0.3, 0.001, "%.3f"),
    ("pricing.discount_share", "Discount off the base rate [fraction]", "slider", 0.0, 0.34, 0.01, "%.2f"),
    ("costs.card_fee_share", "Card-processing fee [fraction]", "slider", 0.0, 0.2, 0.005, "%.3f"),
    # 10,000 positions: a number box (a slider's pixel would skip 40 of them)
    ("comparison.subscription_usd_per_month", "eMusic-style subscription fee [USD/month]", "number_input", 0.0,
     100.0, 0.01, "%.2f"),
    # 4,999 positions: still a slider, with thousands separators
    ("market.reported_customers", "Reported customers [customers]", "slider", 10_000.0, 50_000_000.0, 10_000.0,
     "%,d"),
    ("demand.potential_buyers", "Potential buyers [people]", "slider", 100_000.0, 100_000_000.0,
     100_000.0, "%,d"),
    ("encoding.tag_overhead_bytes", "Tag overhead per file [bytes]", "slider", 0, 2_000_000, 1000, "%,d"),
    # number boxes show plain digits: no separators, floats with whole steps as %.0f
    ("catalogue.albums", "Albums in the built-in catalogue [albums]", "number_input", 1, 100_000, 1, "%d"),
    ("market.reported_revenue_usd", "Reported revenue [USD/year]", "number_input", 100_000.0,
     1_000_000_000.0, 100_000.0, "%.0f"),
    ("customers.seed", "Seed of the customer simulation", "number_input", 0, 4_294_967_295, 1, "%d"),
    ("demand.nest_scale", "Nest scale of the encodings", "slider", 0.05, 1.0, 0.05, "%.2f"),
]


@pytest.mark.parametrize(("key", "label", "widget", "lo", "hi", "step", "fmt"), NAMED_SPECS,
                         ids=[r[0] for r in NAMED_SPECS])
def test_named_specs(key, label, widget, lo, hi, step, fmt):
    s = SPECS[key]
    assert (s.label, s.widget, s.min_value, s.max_value, s.step, s.format) == (label, widget, lo, hi, step, fmt)


def test_help_text_carries_range_and_source_or_assumption():
    rate = SPECS[RATE].help.split("\n\n")
    url = "https://en.wikipedia.org/?oldid=72286582&title=AllOfMP3.com"
    assert rate[0] == A.parameters[RATE].help
    assert rate[1] == "Plausible range: 0.02 to 0.03 USD/MB."
    assert rate[2].startswith(f"Source: [{url}]({url}), 2006-08-28 ($30 per GB from 13 Aug 2006")
    fitted = SPECS["demand.potential_buyers"].help
    assert "Assumption: fitted by weighted least squares" in fitted and "Source:" not in fitted
    # a unitless range has no double space
    assert "Plausible range: 0.3 to 0.8." in SPECS["demand.nest_scale"].help


def test_choice_and_boolean_specs():
    r = SPECS["pricing.rounding"]
    assert (r.widget, r.options, r.default, r.label) == ("selectbox", ("per_track", "per_basket", "unrounded"),
                                                         "per_track", "Rounding rule")
    enc = SPECS["encoding.default"]
    assert enc.options == A.encoding_names() and len(enc.options) == 37 and enc.default == "mp3-192"
    assert enc.options[0] == "mp3-64" and enc.options[-2:] == ("flac", "wav")
    f = SPECS["payments.card_freeze_active"]  # on by default: the freeze happened (Aug-Sep 2006)
    assert (f.widget, f.default, f.options, f.format) == ("toggle", True, None, None)


def test_labels_of_groups_and_options():
    assert group_label("quality_mix") == "Quality mix" and group_label("pricing") == "Pricing"
    assert option_label("per_track") == "per track" and option_label("itunes_wholesale") == "itunes wholesale"
    assert option_label("mp3-192") == "mp3-192"


# --- a changed file changes the specs, without code ---------------------------------------------


def _yaml_copy(tmp_path, change) -> str:
    doc = read_yaml_file(default_assumptions_path())
    change(doc)
    path = tmp_path / "assumptions.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_an_edited_entry_changes_its_spec(tmp_path):
    def change(doc):
        rate = doc["parameters"]["pricing"]["rate_usd_per_mb"]
        rate.update(label="Price of a megabyte", bounds=[0.005, 0.1], step=0.005, help="Edited.")
        doc["parameters"]["pricing"]["discount_share"]["ui"] = False
        doc["parameters"]["encoding"]["flac_cd_fraction"].update(bounds=[0.546, 0.546], low=0.546, high=0.546)

    specs = input_specs(load_assumptions(_yaml_copy(tmp_path, change)))
    s = specs[RATE]
    assert (s.label, s.min_value, s.max_value, s.step, s.format) == ("Price of a megabyte [USD/MB]", 0.005, 0.1,
                                                                       0.005, "%.3f")
    assert s.help.startswith("Edited.")
    assert "pricing.discount_share" not in specs and "encoding.flac_cd_fraction" not in specs
    assert len(specs) == len(SPECS) - 2


def test_a_new_entry_appears_as_a_spec(tmp_path):
    def change(doc):
        doc["parameters"]["pricing"]["loyalty_bonus_share"] = {
            "value": 0.05, "unit": "fraction", "label": "Loyalty bonus", "help": "Extra credit for regulars.",
            "bounds": [0.0, 0.5], "low": 0.0, "high": 0.1, "assumption": "a test entry",
        }  # no step: a hundredth of the range
        doc["parameters"]["teaching"] = {"groups": {"kind": "integer", "value": 4, "unit": "groups",
                                                    "label": "Groups in the class", "bounds": [1, 30],
                                                    "source": {"url": "https://example.org/syllabus", "date": "2024"}}}

    path = _yaml_copy(tmp_path, change)
    # The embedded file is read without a reference, so a developer's new entry is simply taken in ...
    specs = input_specs(parse_assumptions(read_yaml_file(path)))
    new = specs["pricing.loyalty_bonus_share"]
    assert (new.label, new.widget, new.min_value, new.max_value, new.step, new.format, new.default) == (
        "Loyalty bonus [fraction]", "slider", 0.0, 0.5, 0.005, "%.3f", 0.05)
    assert new.help == "Extra credit for regulars.\n\nPlausible range: 0 to 0.1 fraction.\n\nAssumption: a test entry."
    g = specs["teaching.groups"]
    assert (g.group, g.kind, g.widget, g.min_value, g.max_value, g.step, g.default) == (
        "teaching", "integer", "slider", 1, 30, 1, 4)
    assert "https://example.org/syllabus" in g.help
    assert list(specs)[-1] == "teaching.groups"
    assert list(specs).index("pricing.loyalty_bonus_share") == list(specs).index("pricing.rounding") + 1
    # ... while a user's file (load_assumptions(path)) must keep the embedded names: refused, naming the key
    with pytest.raises(AssumptionsError, match="pricing.loyalty_bonus_share"):
        load_assumptions(path)


# --- presets and changes ---------------------------------------------------------------------


def test_preset_values():
    base = preset_values(A, None)
    assert base == A.defaults()
    r = preset_values(A, "rate_2005")
    assert r[RATE] == 0.02 and {k: v for k, v in r.items() if k != RATE} == {k: v for k, v in base.items() if k != RATE}
    lossless = preset_values(A, "lossless")
    assert lossless["market.quality_mix.flac"] == 0.8 and lossless["market.quality_mix.mp3-128"] == 0.0
    with pytest.raises(ScenarioError, match="nosuch"):
        preset_values(A, "nosuch")


@pytest.mark.parametrize(
    ("values", "reference", "expected"),
    [
        ({"a": 0.1 + 0.2, "b": "x"}, {"a": 0.3, "b": "x"}, []),               # float noise is no change
        ({"a": 1}, {"a": 1.0}, []),                                          # int and float alike
        ({"a": 0.3000001}, {"a": 0.3}, ["a"]),
        ({"a": True, "b": "per_track"}, {"a": False, "b": "per_basket"}, ["a", "b"]),
        ({"b": 2, "a": 1}, {"a": 0, "b": 2, "c": 5}, ["a"]),                 # missing from values: unchanged
        ({"z": 9}, {"a": 1}, []),                                            # keys outside the reference ignored
        ({"b": 0.0, "a": 0.0}, {"a": 1e-20, "b": 1e-3}, ["b"]),              # absolute tolerance near 0
        ({"c": 1, "a": 2}, {"a": 1, "b": 1, "c": 2}, ["a", "c"]),            # in the reference's order
    ],
    ids=["float-noise", "int-vs-float", "small-change", "bool-and-choice", "missing", "extra", "near-zero",
         "order"],
)
def test_changed_keys(values, reference, expected):
    assert changed_keys(values, reference) == expected


def test_changed_keys_between_presets():
    base = preset_values(A, "reported_2006")
    assert changed_keys(preset_values(A, "rate_2005"), base) == [RATE]
    assert changed_keys(preset_values(A, "card_freeze"), base) == ["payments.card_freeze_active"]
    assert changed_keys(preset_values(A, "lossless"), base) == [
        "market.quality_mix.mp3-128", "market.quality_mix.mp3-192", "market.quality_mix.mp3-256",
        "market.quality_mix.mp3-320", "market.quality_mix.aac-256", "market.quality_mix.flac"]


# --- links: URL query parameters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "preset", "overrides"),
    [
        ({RATE: "0.02"}, None, {RATE: 0.02}),
        ({RATE: " 0.025 "}, None, {RATE: 0.025}),
        ({"demand.potential_buyers": "6e6"}, None, {"demand.potential_buyers": 6_000_000.0}),
        ({"encoding.tag_overhead_bytes": "1000"}, None, {"encoding.tag_overhead_bytes": 1000}),
        ({"pricing.rounding": "per_basket"}, None, {"pricing.rounding": "per_basket"}),
        ({"pricing.rounding": "per track"}, None, {"pricing.rounding": "per_track"}),          # the shown label
        ({"rights.payment_model": "itunes wholesale"}, None, {"rights.payment_model": "itunes_wholesale"}),
        ({"encoding.default": "flac"}, None, {"encoding.default": "flac"}),
        ({"payments.card_freeze_active": "true"}, None, {"payments.card_freeze_active": True}),
        ({"royalties.fair_enabled": "off"}, None, {"royalties.fair_enabled": False}),
        ({PRESET_QUERY_KEY: "rate_2005"}, "rate_2005", {}),
        ({PRESET_QUERY_KEY: "The 2005 rate (2 c/MB)"}, "rate_2005", {}),                    # by label
        ({PRESET_QUERY_KEY: "Lossless buyers", "pricing.rounding": "per basket"}, "lossless",
         {"pricing.rounding": "per_basket"}),
        ({RATE: ["0.02", "0.02"]}, None, {RATE: 0.02}),                                       # the same twice
        ({}, None, {}),
    ],
    ids=["number", "spaces", "exponent", "integer", "choice-name", "choice-label", "choice-label-2", "encoding",
         "bool-true", "bool-off", "preset-name", "preset-label", "preset-label-and-choice", "repeated-same",
         "empty"],
)
def test_valid_links(params, preset, overrides):
    q = overrides_from_query(A, params)
    assert (q.preset, q.overrides, q.notices) == (preset, overrides, ())
    assert all(type(v) is type(A.defaults()[k]) for k, v in q.overrides.items())


BAD = [
    (RATE, "0.5", "must be between 0.001 and 0.3"),
    (RATE, "0.0005", "must be between 0.001 and 0.3"),
    (RATE, "-0.02", "must be between 0.001 and 0.3"),
    (RATE, "nan", "got nan"),
    (RATE, "inf", "got inf"),
    (RATE, "-Infinity", "got -inf"),
    (RATE, "abc", "must be a number between 0.001 and 0.3"),
    (RATE, "", "must be a number"),
    (RATE, "3c", "must be a number"),
    ("demand.potential_buyers", "-5", "must be between 100000 and 100000000"),
    ("encoding.tag_overhead_bytes", "1.5", "must be a whole number"),
    ("pricing.mb_convention", "hex", "must be one of ['decimal', 'binary']"),
    ("pricing.rounding", "per-track", "must be one of"),
    ("encoding.default", "mp3-1", "must be one of"),
    ("payments.card_freeze_active", "maybe", "must be true or false"),
    (PRESET_QUERY_KEY, "nosuch", "not a preset (known: reported_2006, rate_2005"),
    ("nosuch.input", "1", "not an input of this model"),
    ("pricing", "0.02", "not an input of this model"),
    ("uncertainty.draws", "5", "not an input"),          # limits are not inputs a link can set
    ("catalogue.max_rows", "20000000", "not an input"),
    ("encoding.wav_cd_fraction", "1.0", "not an input"),
]


@pytest.mark.parametrize(("name", "value", "reason"), BAD, ids=[f"{n}={v}" for n, v, _ in BAD])
def test_bad_link_values_give_one_notice_each_and_are_left_out(name, value, reason):
    q = overrides_from_query(A, {name: value, "pricing.discount_share": "0.1"})
    assert q.overrides == {"pricing.discount_share": 0.1} and q.preset is None
    assert len(q.notices) == 1
    note = q.notices[0]
    assert note.startswith(f"Link parameter {name}={value!r} ignored: ") and reason in note, note
    assert note.endswith(".")


def test_many_bad_values_give_one_notice_each():
    params = {n: v for n, v, _ in BAD if n != PRESET_QUERY_KEY} | {PRESET_QUERY_KEY: "nosuch", RATE: "abc"}
    q = overrides_from_query(A, params)
    assert q.overrides == {} and q.preset is None
    assert len(q.notices) == len(params)
    assert all(any(note.startswith(f"Link parameter {n}=") for note in q.notices) for n in params)


def test_repeated_parameter_last_value_is_bad():
    q = overrides_from_query(A, {RATE: ["0.02", "9"]})
    assert q.overrides == {} and len(q.notices) == 2 and "given 2 times" in q.notices[0] and "'9'" in q.notices[1]


@pytest.mark.parametrize(
    ("params", "preset", "overrides", "last"),
    [
        ({RATE: ["0.01", "0.02"]}, None, {RATE: 0.02}, "0.02"),
        ({RATE: ["abc", "0.04"]}, None, {RATE: 0.04}, "0.04"),
        ({PRESET_QUERY_KEY: ["nosuch", "card_freeze"]}, "card_freeze", {}, "card_freeze"),
    ],
    ids=["rate", "bad-then-good", "preset"],
)
def test_repeated_parameter_uses_the_last_value_and_says_so(params, preset, overrides, last):
    q = overrides_from_query(A, params)
    (name,) = params
    assert (q.preset, q.overrides) == (preset, overrides)
    assert q.notices == (f"Link parameter {name} is given 2 times with different values: the last one, '{last}', is used.",)


@pytest.mark.parametrize("preset", list(A.presets))
def test_every_preset_survives_a_link_written_as_the_widgets_show_it(preset):
    values = preset_values(A, preset)
    params = {PRESET_QUERY_KEY: A.presets[preset].label}
    for k, s in SPECS.items():
        v = values[k]
        params[k] = option_label(v) if s.kind == "choice" else str(v).lower() if s.kind == "boolean" else repr(v)
    q = overrides_from_query(A, params)
    assert q.notices == () and q.preset == preset
    assert q.overrides == {k: values[k] for k in SPECS}


@given(st.floats(min_value=0.001, max_value=0.3, allow_nan=False))
def test_any_rate_within_bounds_is_read_back_exactly(rate):
    q = overrides_from_query(A, {RATE: repr(rate)})
    assert q.overrides == {RATE: rate} and q.notices == ()


@given(st.one_of(st.floats(max_value=0.0009999), st.floats(min_value=0.30000001), st.just(math.nan)))
def test_any_rate_outside_bounds_is_refused(rate):
    q = overrides_from_query(A, {RATE: repr(rate)})
    assert q.overrides == {} and len(q.notices) == 1 and RATE in q.notices[0]


def test_the_rate_slider_spends_its_width_where_history_happened():
    """1-3 c/MB (the store's rates) take more than 7% of the slider's track (a fifth of it)."""
    s = SPECS[RATE]
    share = (0.03 - 0.01) / (s.slider_max - s.slider_min)
    assert (s.slider_min, s.slider_max) == (0.005, 0.1) and share == pytest.approx(0.2105, abs=1e-4)
    a = load_assumptions()
    assert all(s.slider_min <= step.rate_usd_per_mb <= s.slider_max for step in a.rate_timeline)
    assert all(s.slider_min <= p.overrides.get(RATE, 0.03) <= s.slider_max for p in a.presets.values())
    assert (s.min_value, s.max_value) == tuple(a.parameters[RATE].bounds)  # validation unchanged


def test_only_inputs_with_a_slider_span_get_a_box_beside_the_slider():
    assert [k for k, s in SPECS.items() if s.widget == "slider_and_box"] == [RATE]
    assert all(s.slider_min is None for k, s in SPECS.items() if k != RATE)


@pytest.mark.parametrize(("key", "typed", "kept", "expected"), [
    ("demand.track_wants_per_month", 250.0, 30.0,
     "Tracks wanted a month [tracks/person/month]: 250.0 is outside the allowed 0.5 to 200.0; "
     "the model keeps 30.0."),
    (RATE, 0.5, 0.03, "Rate per megabyte [USD/MB]: 0.500 is outside the allowed 0.001 to 0.300; the model keeps 0.030."),
    ("catalogue.albums", 0, 300, "Albums in the built-in catalogue [albums]: 0 is outside the allowed 1 to 100,000; "
                                 "the model keeps 300."),
])
def test_out_of_range_message_names_field_value_range_and_kept_value(key, typed, kept, expected):
    from simulator.present.inputs import out_of_range_message

    assert out_of_range_message(SPECS[key], typed, kept) == expected


def test_a_slider_span_outside_the_bounds_is_refused():
    from simulator.params.assumptions import (
        AssumptionsError,
        default_assumptions_path,
        parse_assumptions,
        read_yaml_file,
    )

    data = read_yaml_file(default_assumptions_path())
    data["parameters"]["pricing"]["rate_usd_per_mb"]["slider"] = [0.0001, 0.1]
    with pytest.raises(AssumptionsError, match=r"parameters.pricing.rate_usd_per_mb: slider must be \[min, max\] within"):
        parse_assumptions(data)


def test_link_values_that_clash_are_all_left_out_with_the_reason():
    # Found by the fuzz test: each value is in range, together they make no scenario.
    from simulator.params.assumptions import load_assumptions
    from simulator.present.inputs import overrides_from_query

    q = overrides_from_query(load_assumptions(), {"market.reported_track_price_high_usd": "0",
                                                  "pricing.rate_usd_per_mb": "0.02"})
    assert q.overrides == {} and len(q.notices) == 2
    assert all("must not be above market.reported_track_price_high_usd (0)" in n and "ignored" in n for n in q.notices)
