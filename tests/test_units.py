"""Durations written by people: parsing to whole milliseconds and formatting back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.units import format_duration, parse_duration_ms

ACCEPTED = [
    ("4:00", 240_000),
    ("0:01", 1_000),
    ("3:30", 210_000),
    ("4:00.5", 240_500),
    ("4:5", 245_000),
    ("75:00", 4_500_000),  # minutes may exceed 59 without hours
    ("1:02:03", 3_723_000),
    ("0:59:59.999", 3_599_999),
    ("10:00:00", 36_000_000),
    ("240", 240_000),
    ("240s", 240_000),
    ("240 s", 240_000),
    ("240S", 240_000),
    ("240sec", 240_000),
    ("240000ms", 240_000),
    ("240000 MS", 240_000),
    ("4min", 240_000),
    ("4m", 240_000),
    ("1.5min", 90_000),
    ("249.6s", 249_600),
    ("249.6005", 249_601),  # half a millisecond rounds up
    ("249.6004", 249_600),
    (".5", 500),
    ("5.", 5_000),
    ("0.0005s", 1),
    ("  4:00  ", 240_000),
    ("1.4ms", 1),
]


@pytest.mark.parametrize("text, expected", ACCEPTED, ids=[t.strip() or "blank" for t, _ in ACCEPTED])
def test_parse_duration_ms_accepts(text, expected):
    assert parse_duration_ms(text) == expected


@pytest.mark.parametrize(
    "text, unit, expected",
    [("240000", "ms", 240_000), ("4", "min", 240_000), ("240", "s", 240_000), ("4", "m", 240_000)],
)
def test_parse_duration_ms_default_unit(text, unit, expected):
    assert parse_duration_ms(text, default_unit=unit) == expected


REFUSED = [
    ("", "look like"),
    ("abc", "look like"),
    ("-4:00", "look like"),
    ("-240", "look like"),
    ("4:60", "look like"),
    ("4:99", "look like"),
    ("1:60:00", "look like"),
    ("4:000", "look like"),
    ("4::00", "look like"),
    ("4 : 00", "look like"),
    ("1e3", "look like"),
    ("240 hours", "look like"),
    ("nan", "look like"),
    ("inf", "look like"),
    ("0", "longer than 0 ms"),
    ("0:00", "longer than 0 ms"),
    ("0.0004s", "longer than 0 ms"),
    ("1" + "0" * 40, "too long"),
]


@pytest.mark.parametrize("text, match", REFUSED, ids=[t[:12] or "empty" for t, _ in REFUSED])
def test_parse_duration_ms_refuses_with_a_quoting_message(text, match):
    with pytest.raises(ValueError, match=match) as info:
        parse_duration_ms(text)
    assert repr(text) in str(info.value)
    assert "\n" not in str(info.value)


FORMATTED = [
    (0, "0:00"),
    (1_000, "0:01"),
    (240_000, "4:00"),
    (249_600, "4:10"),  # 249.6 s rounds to 250
    (249_499, "4:09"),
    (249_500, "4:10"),  # half a second rounds up
    (59_999, "1:00"),
    (3_599_499, "59:59"),
    (3_599_500, "1:00:00"),
    (3_723_000, "1:02:03"),
    (36_000_000, "10:00:00"),
    (240_000.0, "4:00"),
]


@pytest.mark.parametrize("ms, expected", FORMATTED, ids=[e for _, e in FORMATTED])
def test_format_duration(ms, expected):
    assert format_duration(ms) == expected


@pytest.mark.parametrize("ms", [-1, float("nan"), float("inf"), -float("inf")], ids=["negative", "nan", "inf", "-inf"])
def test_format_duration_refuses(ms):
    with pytest.raises(ValueError, match="duration_ms"):
        format_duration(ms)


@given(st.integers(1, 99 * 3600))
def test_whole_seconds_round_trip(seconds):
    text = format_duration(seconds * 1000)
    assert parse_duration_ms(text) == seconds * 1000


@given(st.integers(1, 10**9))
def test_ms_round_trip_through_units(ms):
    assert parse_duration_ms(f"{ms}ms") == ms
    assert parse_duration_ms(f"{ms / 1000:.3f}s") == ms


@pytest.mark.parametrize("text", ["240000", "240", "4.5", " 240 "])
def test_a_bare_number_is_refused_when_no_unit_is_implied(text):
    with pytest.raises(ValueError, match="has no unit") as e:
        parse_duration_ms(text, default_unit=None)
    for form in ("4:00", "1:02:03", "240s", "240000ms"):
        assert form in str(e.value)


@pytest.mark.parametrize(("text", "expected"), [("240000ms", 240_000), ("240s", 240_000), ("4:00", 240_000),
                                                ("4min", 240_000), ("0.5s", 500)])
def test_a_unit_is_enough_when_none_is_implied(text, expected):
    assert parse_duration_ms(text, default_unit=None) == expected
