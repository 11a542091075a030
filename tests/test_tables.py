"""CSV that is safe to open in a spreadsheet: formula-looking text neutralised, numbers kept."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import numpy as np
import pytest

from simulator.io.tables import FORMULA_PREFIXES, neutralise_cell, rows_to_csv

DANGEROUS = [
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("=1+2", "'=1+2"),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-", "'-"),
]


@pytest.mark.parametrize("text, expected", DANGEROUS, ids=["hyperlink", "equals", "plus", "minus", "at", "tab", "cr", "dash"])
def test_formula_prefixes_are_neutralised(text, expected):
    assert neutralise_cell(text) == expected


def test_every_listed_prefix_is_covered():
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}
    for p in FORMULA_PREFIXES:
        assert neutralise_cell(p + "x") == "'" + p + "x"


@pytest.mark.parametrize(
    "value",
    [-3, -3.5, 0, 1.5e-7, Decimal("-0.12"), np.int64(-7), np.float64(-0.5), None, True],
    ids=["neg-int", "neg-float", "zero", "tiny", "neg-decimal", "numpy-int", "numpy-float", "none", "bool"],
)
def test_numbers_stay_numbers(value):
    assert neutralise_cell(value) is value


@pytest.mark.parametrize("text", ["AC/DC", "Guns N' Roses", "3 Doors Down", " =not first", "a=b", "", "'quoted"])
def test_ordinary_text_is_untouched(text):
    assert neutralise_cell(text) == text


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_rows_to_csv_round_trip():
    rows = [
        {"track_name": "=cmd|' /C calc'!A0", "artist": "AC/DC", "price_usd": Decimal("0.12"), "size_mb": -1.5},
        {"track_name": "Hells Bells, live", "artist": "@home", "price_usd": 0.17},
    ]
    text = rows_to_csv(rows)
    assert text.splitlines()[0] == "track_name,artist,price_usd,size_mb"
    assert _parse(text) == [
        ["track_name", "artist", "price_usd", "size_mb"],
        ["'=cmd|' /C calc'!A0", "AC/DC", "0.12", "-1.5"],  # the number -1.5 is not prefixed
        ["Hells Bells, live", "'@home", "0.17", ""],  # missing cell is empty; comma quoted
    ]


def test_rows_to_csv_columns_order_and_header_neutralised():
    text = rows_to_csv([{"a": 1, "b": 2}], columns=["b", "=a", "a"])
    assert _parse(text) == [["b", "'=a", "a"], ["2", "", "1"]]


def test_rows_to_csv_bom():
    plain = rows_to_csv([{"x": 1}])
    with_bom = rows_to_csv([{"x": 1}], bom=True)
    assert not plain.startswith("\ufeff")
    assert with_bom == "\ufeff" + plain
    assert with_bom.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_rows_to_csv_empty():
    assert rows_to_csv([]) == "\n"
    assert rows_to_csv([], columns=["price_usd"]) == "price_usd\n"


def test_rows_to_csv_embedded_newlines_and_quotes():
    text = rows_to_csv([{"name": 'say "hi"\nbye'}])
    assert _parse(text) == [["name"], ['say "hi"\nbye']]
