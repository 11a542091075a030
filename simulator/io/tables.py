"""Tables out of the model: CSV text that is safe to open in a spreadsheet.

Every CSV the command line or the app writes goes through :func:`rows_to_csv`:
text cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return are prefixed with ``'`` so a spreadsheet shows them as text instead of
running them as formulas (OWASP, "CSV Injection"). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "rows_to_csv"]

#: Leading characters that make a spreadsheet treat a text cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(x: Any) -> Any:
    """Make one cell safe for spreadsheets.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(1)"), neutralise_cell(-3), neutralise_cell("AC/DC")
    ("'=HYPERLINK(1)", -3, 'AC/DC')
    """
    if isinstance(x, str) and x.startswith(FORMULA_PREFIXES):
        return "'" + x
    return x


def rows_to_csv(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *, bom: bool = False
) -> str:
    r"""Render rows as CSV text.

    Parameters
    ----------
    rows : sequence of mappings
        One mapping per row; missing cells are empty.
    columns : sequence of str, optional
        Column order (default: the first row's keys). Names should carry units
        (``price_usd``, ``size_mb``).
    bom : bool
        Start with a UTF-8 byte-order mark (for spreadsheets that need it).

    Returns
    -------
    str

    Examples
    --------
    >>> rows_to_csv([{"name": "@x", "price_usd": 0.12}])
    "name,price_usd\n'@x,0.12\n"
    """
    cols = list(columns or (rows[0].keys() if rows else []))
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([neutralise_cell(c) for c in cols])
    for r in rows:
        w.writerow([neutralise_cell(r.get(c)) for c in cols])
    return buf.getvalue()
