"""Reading a student's number and marking it against the model's, exactly (decimal arithmetic).

Examples
--------
>>> parse_answer("$0.52")
Decimal('0.52')
>>> parse_answer("1.65 trillion")
Decimal('1650000000000.00')
>>> parse_answer("28,47")
Traceback (most recent call last):
...
simulator.live.errors.InputError: answer must be a number such as 0.52, 28.5, -1.004, 17,700,000 or 1.65 trillion (a comma only between groups of three digits), got '28,47'
>>> mark(Decimal("0.52"), Decimal("0.52"), Decimal("0.005"), relative=False)
True
>>> mark(Decimal("28.9"), Decimal("28.47"), Decimal("0.01"), relative=True)
False
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from simulator.live.errors import InputError

__all__ = ["ANSWER_MAX_CHARS", "parse_answer", "mark", "to_decimal"]

#: Longest answer accepted [characters]: "1,650,000,000,000.00 USD" is 24; room for spaces and a unit.
ANSWER_MAX_CHARS = 40
#: Words a number may end with, and what they multiply it by.
_SCALE = {"k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "mn": 10**6, "bn": 10**9, "billion": 10**9,
          "trillion": 10**12}
#: Units and signs a student may type around the number (ignored).
_DECOR = re.compile(r"^[\s$]*|[\s%×x]*(usd|dollars?|downloads?( a year)?)?[\s%×x]*$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d{1,3})?$")
_ALLOWED = ("a number such as 0.52, 28.5, -1.004, 17,700,000 or 1.65 trillion (a comma only between groups of "
            "three digits)")


def _shown(text: str) -> str:
    return repr(text if len(text) <= ANSWER_MAX_CHARS else text[:ANSWER_MAX_CHARS] + "…")


def parse_answer(text: str) -> Decimal:
    """Return a student's answer as an exact decimal.

    Accepts a sign, thousands separators (commas between groups of three), a decimal point, an
    exponent, a leading ``$``, a trailing ``%``, ``×`` or unit, and a scale word (``k``, ``million``,
    ``bn``, ``trillion``).

    Raises
    ------
    InputError
        Naming the field, the value and what is allowed.
    """
    if not isinstance(text, str) or len(text) > ANSWER_MAX_CHARS:
        raise InputError(f"answer must be at most {ANSWER_MAX_CHARS} characters, got {_shown(str(text))}")
    t = text.strip()
    scale = 1
    words = t.rsplit(None, 1)
    if len(words) == 2 and words[1].lower() in _SCALE:
        t, scale = words[0], _SCALE[words[1].lower()]
    elif t[-1:].lower() in ("k", "m") and t[:-1].strip()[-1:].isdigit():
        t, scale = t[:-1], _SCALE[t[-1].lower()]
    t = _DECOR.sub("", t).replace(" ", "")
    if not t or not _NUMBER.match(t) or not any(c.isdigit() for c in t):
        raise InputError(f"answer must be {_ALLOWED}, got {_shown(text)}")
    try:
        return Decimal(t.replace(",", "")) * scale
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise InputError(f"answer must be {_ALLOWED}, got {_shown(text)}") from None


def to_decimal(x: Decimal | float | int | str) -> Decimal:
    """Return an exact decimal of a model value (a float is taken at its shortest repr, as it prints)."""
    return x if isinstance(x, Decimal) else Decimal(repr(x) if isinstance(x, float) else str(x))


def mark(value: Decimal, expected: Decimal, tolerance: Decimal, *, relative: bool) -> bool:
    """Whether ``value`` is within ``tolerance`` of ``expected`` (a share of ``|expected|`` when relative)."""
    allowed = tolerance * abs(expected) if relative else tolerance
    return abs(value - expected) <= allowed
