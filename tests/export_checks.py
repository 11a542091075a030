"""Checks that an exported file really is what its name says (shared by the export, bundle and CLI tests).

Each ``check_*`` function raises AssertionError with a reason, and returns what it read.
Standard library only: no PDF or image package is needed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pandas as pd

from simulator.output.export import find_chromium

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PDF points per CSS pixel (72 pt per inch, 96 px per inch).
PT_PER_PX = 72 / 96
CHROMIUM = find_chromium()
NO_CHROMIUM = "no Chromium found (apt-get install chromium); static export is not possible here"


def check_png(data: bytes) -> tuple[int, int]:
    """PNG signature, an IHDR chunk first; returns (width, height) in pixels."""
    assert data[:8] == PNG_SIGNATURE, f"not a PNG: starts {data[:8]!r}"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13, f"first chunk is {kind!r}, not IHDR"
    return struct.unpack(">II", data[16:24])


def check_svg(data: bytes) -> ET.Element:
    """Parses as XML and the root is an SVG element."""
    root = ET.fromstring(data)
    assert root.tag in ("{http://www.w3.org/2000/svg}svg", "svg"), f"root element is {root.tag}"
    return root


def check_pdf(data: bytes) -> tuple[int, list[tuple[float, float]]]:
    """PDF header and trailer; returns the page count (page objects, which must agree with /Count)
    and each page's MediaBox size in points."""
    assert data[:5] == b"%PDF-", f"not a PDF: starts {data[:8]!r}"
    assert b"%%EOF" in data[-1024:], "no %%EOF trailer"
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    counts = [int(c) for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data, re.S)]
    counts += [int(c) for c in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data, re.S)]
    assert pages >= 1, "no page objects"
    assert counts and max(counts) == pages, f"{pages} page objects but /Count says {counts}"
    boxes = [
        (float(x1) - float(x0), float(y1) - float(y0))
        for x0, y0, x1, y1 in re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    ]
    return pages, boxes


class _Resources(HTMLParser):
    """Collects every address the page would load (not plain hyperlinks), and its style sheets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.links: list[str] = []
        self.styles: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag, attrs):
        self._tag = tag
        a = dict(attrs)
        for name in ("src", "srcset", "data", "poster", "background"):
            if a.get(name):
                self.loads.append(a[name])
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_data(self, data):
        if self._tag == "style":
            self.styles.append(data)
            self.loads += re.findall(r"""(?:url\(|@import)\s*['"]?([^'")\s;]+)""", data)


def _is_remote(url: str) -> bool:
    u = url.strip().lower()
    return u.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))


def check_html(data: bytes, *, shared_js: bool = False) -> list[dict]:
    """A full page, plotly.js embedded exactly once (or, ``shared_js``, loaded once from ``plotly.min.js``
    in the page's own folder), nothing loaded from the network.

    Returns the figures drawn: one ``{"data": [...], "layout": {...}}`` per ``Plotly.newPlot`` call.
    """
    text = data.decode("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>"), "not a full HTML page"
    p = _Resources()
    p.feed(text)
    remote = [u for u in p.loads if _is_remote(u)]
    assert not remote, f"the page loads from the network: {remote}"
    sources = re.findall(r"""<script[^>]+src\s*=\s*["']([^"']*)["']""", text, re.I)
    if shared_js:
        assert sources == ["plotly.min.js"], f"scripts loaded: {sources} (expected plotly.min.js beside the page)"
        assert not re.findall(r"\*\s*plotly\.js v\d", text), "plotly.js embedded although shared"
    else:
        assert not sources, "a script is loaded from a file or address"
        assert len(re.findall(r"\*\s*plotly\.js v\d", text)) == 1, "plotly.js must be embedded exactly once"
    figures = []
    dec = json.JSONDecoder()
    for m in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", text):
        fig_data, end = dec.raw_decode(text, m.end())
        rest = re.match(r"\s*,\s*", text[end:])
        layout, _ = dec.raw_decode(text, end + rest.end())
        figures.append({"data": fig_data, "layout": layout})
    assert figures, "no figure is drawn"
    return figures


def figure_json(figure) -> dict:
    """The figure as Plotly encodes it into a page (numbers as typed arrays)."""
    return json.loads(figure.to_json())


def read_csv_exact(text: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows as text (numbers are compared after float(), exactly)."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    return rows[0], rows[1:]


def check_csv_round_trip(text: str, df: pd.DataFrame) -> None:
    """The CSV has the frame's columns and, cell by cell, the same numbers (exactly) and texts."""
    head, rows = read_csv_exact(text)
    assert head == [str(c) for c in df.columns], f"columns {head} != {list(df.columns)}"
    assert len(rows) == len(df), f"{len(rows)} rows, expected {len(df)}"
    for col_i, col in enumerate(df.columns):
        values = df[col].tolist()
        for row_i, (cell, v) in enumerate(zip((r[col_i] for r in rows), values, strict=True)):
            where = f"row {row_i}, column {col}"
            if isinstance(v, bool):
                assert cell == str(v), where
            elif isinstance(v, (int, float)):
                got = float(cell)
                assert (math.isnan(got) and math.isnan(v)) or got == v, f"{where}: {cell!r} != {v!r}"
                if isinstance(v, int):
                    assert cell == str(v), f"{where}: integer written as {cell!r}"
            elif isinstance(v, str):
                expected = "'" + v if v.startswith(("=", "+", "-", "@", "\t", "\r")) else v
                assert cell == expected, f"{where}: {cell!r} != {expected!r}"
            elif v is None or (isinstance(v, float) and math.isnan(v)):
                assert cell in ("", "nan"), where
            else:  # dates and the like: written as text
                assert cell == str(v), f"{where}: {cell!r} != {v!r}"
