"""Exceptions raised by adcore.

Every error adcore raises derives from :class:`AdcoreError`, so a caller can
catch them all at once; each also derives from the builtin exception a Python
user would expect (``ImportError`` for a missing plugin, ``ValueError`` for a
mismatched preparation).
"""

from __future__ import annotations

__all__ = [
    "AdcoreError",
    "BackendNotInstalledError",
    "NotSupportedError",
    "PrepMismatchError",
]


class AdcoreError(Exception):
    """Base class of every exception raised by adcore."""


class BackendNotInstalledError(AdcoreError, ImportError):
    """A backend was asked for whose plugin distribution is not installed."""


class NotSupportedError(AdcoreError, NotImplementedError):
    """A backend was asked for something it declares it cannot do."""


class PrepMismatchError(AdcoreError, ValueError):
    """A prepared operator was called with arguments its preparation does not fit."""
