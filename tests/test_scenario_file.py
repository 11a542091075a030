"""Tests of scenario files: the round trip gives identical results; bad, foreign and newer files give clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.market import market_year
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario
from simulator.params.scenario_file import (
    FORMAT_VERSION,
    KIND,
    MAX_SCENARIO_BYTES,
    ScenarioFileError,
    ScenarioFileWarning,
    read_scenario_bytes,
    read_scenario_file,
    scenario_from_yaml,
    scenario_to_yaml,
)
from simulator.present.report import headline_metrics

A = load_assumptions()
PRESETS = sorted(A.presets)


def doc(text: str) -> dict:
    return yaml.safe_load(text)


def file_text(**fields) -> str:
    base = {"kind": KIND, "format_version": FORMAT_VERSION, "preset": "reported_2006", "overrides": {}}
    base.update(fields)
    return yaml.safe_dump(base, sort_keys=False)


# ---------------------------------------------------------------- writing


def test_file_names_the_preset_kind_version_and_only_the_differing_inputs():
    s = make_scenario(preset="rate_2005", overrides={"demand.potential_buyers": 4_000_000.0, "pricing.rate_usd_per_mb": 0.02})
    d = doc(scenario_to_yaml(s))
    assert d == {"kind": KIND, "format_version": 1, "preset": "rate_2005", "overrides": {"demand.potential_buyers": 4_000_000.0}}


def test_a_preset_as_it_is_has_no_overrides():
    for p in PRESETS:
        assert doc(scenario_to_yaml(make_scenario(preset=p)))["overrides"] == {}


def test_the_file_starts_with_a_comment_saying_what_it_is():
    assert scenario_to_yaml(make_scenario()).startswith("# AllofMP3 by the kilo: a scenario of allofmp3-sim")


# ---------------------------------------------------------------- round trip


def changed_scenario(preset: str):
    """A preset with a few inputs of each kind changed."""
    return make_scenario(A, preset=preset, overrides={
        "pricing.rate_usd_per_mb": 0.0317,
        "demand.potential_buyers": 3_141_592.0,
        "royalties.fair_enabled": True,
        "pricing.mb_convention": "binary",
    })


@pytest.mark.parametrize("preset", PRESETS)
def test_round_trip_gives_identical_values_and_results(preset):
    s = changed_scenario(preset)
    back = scenario_from_yaml(scenario_to_yaml(s), A)
    assert back.preset == s.preset and dict(back.values) == dict(s.values)
    assert market_year(back) == market_year(s)
    assert [(m.key, m.value, m.value_text) for m in headline_metrics(back)] == [
        (m.key, m.value, m.value_text) for m in headline_metrics(s)
    ]


RATE_BOUNDS = A.parameters["pricing.rate_usd_per_mb"].bounds
DISCOUNT_BOUNDS = A.parameters["pricing.discount_share"].bounds


@given(rate=st.floats(*RATE_BOUNDS), discount=st.floats(*DISCOUNT_BOUNDS))
def test_round_trip_keeps_floats_exactly(rate, discount):
    s = make_scenario(A, overrides={"pricing.rate_usd_per_mb": rate, "pricing.discount_share": discount})
    back = scenario_from_yaml(scenario_to_yaml(s), A)
    assert back["pricing.rate_usd_per_mb"] == rate and back["pricing.discount_share"] == discount


def test_round_trip_through_a_file_on_disk_with_a_bom(tmp_path):
    s = changed_scenario("card_freeze")
    path = tmp_path / "scenario.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + scenario_to_yaml(s).encode())
    assert dict(read_scenario_file(path, A).values) == dict(s.values)


def test_a_file_without_overrides_or_with_a_null_preset_reads():
    assert read_scenario_bytes(b"kind: allofmp3-sim scenario\nformat_version: 1\npreset: card_freeze\n").preset == "card_freeze"
    s = scenario_from_yaml(file_text(preset=None, overrides={"pricing.rate_usd_per_mb": 0.01}))
    assert s.preset is None and s["pricing.rate_usd_per_mb"] == 0.01


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("kind: [unclosed\n", ["malformed YAML", "line"]),
        ("just a string", ["not an allofmp3-sim scenario file"]),
        ("", ["not an allofmp3-sim scenario file"]),
        ("- a\n- b\n", ["not an allofmp3-sim scenario file"]),
        ("format_version: 1\nconstants: {}\nparameters: {}\n", ["kind must be 'allofmp3-sim scenario'", "None"]),
        ("kind: docker-compose\nservices: {}\n", ["kind must be", "'docker-compose'"]),
        (file_text(format_version=2), ["format_version 2", "newer", "reads up to 1"]),
        (file_text(format_version=0), ["format_version must be a whole number from 1", "0"]),
        (file_text(format_version="1"), ["format_version must be a whole number", "'1'"]),
        (file_text(format_version=True), ["format_version must be a whole number", "True"]),
        (file_text(extra=1), ["unknown key(s) ['extra']", "allowed keys"]),
        (file_text(preset="nope"), ["unknown preset 'nope'", "card_freeze"]),
        (file_text(preset=3), ["preset must be a preset's name", "3"]),
        (file_text(overrides=[1, 2]), ["overrides must map input names to values"]),
        (file_text(overrides={"pricing.nope": 1}), ["unknown input 'pricing.nope'"]),
        (file_text(overrides={"pricing.rate_usd_per_mb": 5}), ["pricing.rate_usd_per_mb must be between", "got 5"]),
        (file_text(overrides={"pricing.rate_usd_per_mb": "cheap"}), ["pricing.rate_usd_per_mb must be", "'cheap'"]),
        (file_text(overrides={"pricing.mb_convention": "metric"}), ["pricing.mb_convention must be one of", "'metric'"]),
        (file_text(overrides={"royalties.fair_enabled": "maybe"}), ["royalties.fair_enabled must be true or false", "'maybe'"]),
    ],
    ids=["malformed", "scalar", "empty", "list", "assumptions-file", "foreign", "newer", "zero", "text-version",
         "bool-version", "extra-key", "unknown-preset", "numeric-preset", "list-overrides", "unknown-input",
         "out-of-bounds", "text-number", "bad-choice", "text-bool"],
)
def test_bad_files_give_one_clear_message(text, needles):
    with pytest.raises(ScenarioFileError) as e:
        read_scenario_bytes(text.encode(), A, source="up.yaml")
    msg = str(e.value)
    assert msg.startswith("up.yaml"), msg
    assert "\n" not in msg.strip() or "malformed" in msg
    for n in needles:
        assert n in msg, (n, msg)


def test_python_tags_are_never_run():
    with pytest.raises(ScenarioFileError, match="malformed YAML"):
        read_scenario_bytes(b"kind: !!python/object/apply:os.system ['echo pwned']\n")


def test_alias_bombs_are_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    with pytest.raises(ScenarioFileError, match="YAML aliases"):
        read_scenario_bytes(("\n".join(lines) + "\n").encode())


def test_deep_nesting_is_refused():
    with pytest.raises(ScenarioFileError, match="nested too deeply"):
        read_scenario_bytes(b"[" * 10_000)


def test_large_binary_and_non_utf8_files_are_refused(tmp_path):
    with pytest.raises(ScenarioFileError, match=f"at most {MAX_SCENARIO_BYTES:,} bytes"):
        read_scenario_bytes(b"#" * (MAX_SCENARIO_BYTES + 1))
    with pytest.raises(ScenarioFileError, match="not UTF-8"):
        read_scenario_bytes(b"kind: \xff\xfe")
    with pytest.raises(ScenarioFileError, match="binary data"):
        read_scenario_bytes(b"kind: a\x00b")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_SCENARIO_BYTES + 10))
    with pytest.raises(ScenarioFileError, match="larger than"):
        read_scenario_file(big)


def test_a_missing_file_names_the_path(tmp_path):
    with pytest.raises(ScenarioFileError, match="nope.yaml: cannot read file"):
        read_scenario_file(tmp_path / "nope.yaml")


def test_reading_from_a_device_stops_at_the_cap():
    with pytest.raises(ScenarioFileError, match="larger than"):
        read_scenario_file("/dev/zero")


# ---------------------------------------------------------------- in the app (AppTest: no browser)


APP = str(Path(__file__).resolve().parents[1] / "app.py")


def app_run(at):
    at.run()
    assert not at.exception, at.exception
    return at


def metric_values(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def new_app():
    """The app with the sidebar's "Scenario file and handouts" panel open (it is drawn only when open)."""
    from streamlit.testing.v1 import AppTest

    at = app_run(AppTest.from_file(APP, default_timeout=60))
    at.session_state["group_export"] = True
    return app_run(at)


def upload(at, name: str, data: bytes):
    at.file_uploader(key="scenario_upload").set_value((name, data, "application/x-yaml"))
    return app_run(at)


def test_uploading_a_scenario_file_sets_the_preset_and_inputs_like_the_original():
    s = make_scenario(A, preset="rate_2005", overrides={"demand.potential_buyers": 4_000_000.0})
    reference = new_app()
    reference.selectbox(key="preset").set_value("rate_2005")
    app_run(reference)
    reference.session_state["input_groups"] = ["pricing", "demand"]  # the sidebar draws only chosen groups
    app_run(reference)
    reference.slider(key="demand.potential_buyers").set_value(4_000_000.0)
    app_run(reference)

    at = new_app()
    upload(at, "mine.yaml", scenario_to_yaml(s).encode())
    assert at.session_state["preset"] == "rate_2005"
    assert at.session_state["_inputs"]["demand.potential_buyers"] == 4_000_000.0
    assert not at.error
    assert any("Loaded mine.yaml" in c.value for c in at.sidebar.caption)
    assert metric_values(at) == metric_values(reference)


def test_a_bad_upload_shows_an_error_and_keeps_the_last_valid_scenario():
    at = new_app()
    at.selectbox(key="preset").set_value("card_freeze")
    app_run(at)
    before = metric_values(at)
    for name, data, says in [
        ("newer.yaml", b"kind: allofmp3-sim scenario\nformat_version: 9\npreset: lossless\n", "newer"),
        ("pod.yaml", b"apiVersion: v1\nkind: Pod\n", "not an allofmp3-sim scenario file"),
        ("broken.yaml", b"kind: [", "malformed YAML"),
        ("bounds.yaml", file_text(overrides={"pricing.rate_usd_per_mb": 7}).encode(), "must be between"),
    ]:
        upload(at, name, data)
        errs = [e.value for e in at.error]
        assert len(errs) == 1 and name in errs[0] and says in errs[0] and "unchanged" in errs[0], errs
        assert at.session_state["preset"] == "card_freeze"
        assert metric_values(at) == before


def test_the_app_offers_the_scenario_file_and_the_bundle_as_downloads():
    at = new_app()
    at.session_state["dl_price_vs_length"] = True  # a chart's popover draws its buttons only when open
    app_run(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Scenario file (.yaml)", "Scenario report (.html)", "Handout bundle (.zip)"} <= set(labels)
    assert {"PNG", "SVG", "PDF", "HTML (interactive, offline)", "CSV (the data)"} <= set(labels)


# ---------------------------------------------------------------- values as --set reads them


def test_text_yaml_leaves_a_string_is_read_as_set_reads_it():
    """YAML 1.1 reads 1e7 (no dot) and a quoted 'yes' as strings; --set accepts both."""
    text = ("kind: allofmp3-sim scenario\nformat_version: 1\noverrides:\n  demand.potential_buyers: 1e7\n"
            "  royalties.fair_enabled: 'yes'\n  pricing.rounding: per_basket\n")
    s = scenario_from_yaml(text, A)
    assert dict(s.overrides) == {"demand.potential_buyers": 10_000_000.0, "royalties.fair_enabled": True,
                                 "pricing.rounding": "per_basket"}


def test_counts_are_written_as_whole_numbers_and_read_back_the_same():
    s = make_scenario(A, preset="rate_2005", overrides={"demand.potential_buyers": 4_000_000.0,
                                                        "demand.track_wants_per_month": 40.0,
                                                        "pricing.rate_usd_per_mb": 0.025})
    text = scenario_to_yaml(s)
    assert "demand.potential_buyers: 4000000\n" in text and "4000000.0" not in text
    assert "demand.track_wants_per_month: 40\n" in text and "pricing.rate_usd_per_mb: 0.025\n" in text
    assert dict(scenario_from_yaml(text, A).values) == dict(s.values)


def test_a_key_given_twice_warns_and_the_last_value_counts():
    text = ("kind: allofmp3-sim scenario\nformat_version: 1\noverrides:\n  pricing.rate_usd_per_mb: 0.01\n"
            "  pricing.rate_usd_per_mb: 0.02\n")
    with pytest.warns(ScenarioFileWarning) as w:
        s = read_scenario_bytes(text.encode(), A, source="up.yaml")
    assert s.pricing.rate_usd_per_mb == 0.02
    assert [str(x.message) for x in w] == [
        "up.yaml: key overrides.pricing.rate_usd_per_mb is given 2 times (0.01, 0.02): the last one, 0.02, is used"]


def test_a_file_without_repeated_keys_reads_without_a_warning(recwarn):
    scenario_from_yaml(scenario_to_yaml(make_scenario(A, preset="card_freeze")), A)
    assert not [w for w in recwarn if issubclass(w.category, ScenarioFileWarning)]


def test_an_upload_with_a_key_given_twice_loads_the_last_value_and_says_so():
    text = scenario_to_yaml(make_scenario(A, preset="rate_2005", overrides={"demand.potential_buyers": 4_000_000.0}))
    twice = text.replace("  demand.potential_buyers: 4000000", "  demand.potential_buyers: 3000000\n  demand.potential_buyers: 4000000")
    assert twice != text
    at = new_app()
    upload(at, "twice.yaml", twice.encode())
    assert not at.error
    assert at.session_state["_inputs"]["demand.potential_buyers"] == 4_000_000
    note = next(c.value for c in at.sidebar.caption if "Loaded twice.yaml" in c.value)
    assert "demand.potential_buyers" in note and "twice" in note.lower()
