"""Errors of a live class.

Each is a ``ValueError`` (the CLI prints it on one line and exits 2) whose message says what was
wrong and what is allowed, and never contains a secret.
"""

from __future__ import annotations

__all__ = ["LiveError", "InputError", "AccessDenied", "RateLimited", "ClassStateError"]


class LiveError(ValueError):
    """Any refusal of a live-class operation."""


class InputError(LiveError):
    """A text field that is too long, empty or not of the allowed form (the message names the field)."""


class AccessDenied(LiveError):
    """A code, link or token that does not open what it was used for (wrong, forged, replayed, removed)."""


class RateLimited(LiveError):
    """Too many wrong secrets, tokens or codes from one place in a short time."""


class ClassStateError(LiveError):
    """An operation the class's state does not allow now (closed, joining locked, exercise not live...)."""
