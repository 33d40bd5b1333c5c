"""Exceptions raised by adcore.

Every error adcore raises derives from :class:`AdcoreError`, so a caller can
catch them all at once; each also derives from the builtin exception a Python
user would expect (``ImportError`` for a missing plugin, ``ValueError`` for a
mismatched preparation or a buffer of the wrong shape, ``TypeError`` for an
argument of the wrong type).

```text
AdcoreError
├── ArgumentError (ValueError)         an argument's value cannot be used
│   ├── ShapeError                     shapes (or dtypes) that do not fit
│   └── PrepMismatchError              a call that does not fit its preparation
├── ArgumentTypeError (TypeError)      an argument, or what f returns, of the wrong type
├── BackendNotInstalledError (ImportError)
├── MissingDependencyError (ImportError)   an extra's package (scipy, pandas) is missing
├── NotSupportedError (NotImplementedError)
└── PluginError                        a plugin failed while adcore asked it something
```
"""

from __future__ import annotations

__all__ = [
    "AdcoreError",
    "ArgumentError",
    "ArgumentTypeError",
    "BackendNotInstalledError",
    "MissingDependencyError",
    "NotSupportedError",
    "PluginError",
    "PrepMismatchError",
    "ShapeError",
]


class AdcoreError(Exception):
    """Base class of every exception raised by adcore."""

    # Exception's own __init__ (ValueError's and TypeError's are the same function under
    # another name): a tracer that rebuilds an exception raised in a compiled function from
    # its message, as autograph does only where __init__ is Exception's, then re-raises
    # this class rather than an error of its own.
    __init__ = Exception.__init__


class ArgumentError(AdcoreError, ValueError):
    """An argument has a value adcore cannot use (an option, a tangent, a buffer)."""


class ShapeError(ArgumentError):
    """Shapes or dtypes that do not fit: a buffer ``out=`` or ``y``, a tangent not like
    ``x``, a function that is not scalar where a scalar is needed."""


class ArgumentTypeError(AdcoreError, TypeError):
    """An argument of a type adcore cannot use, or a function ``f`` that returns one."""


class BackendNotInstalledError(AdcoreError, ImportError):
    """A backend was asked for whose plugin distribution is not installed."""

    __init__ = ImportError.__init__  # its own: it takes name= and path=


class MissingDependencyError(AdcoreError, ImportError):
    """A package that an optional feature needs (an extra: ``adcore[sparse]``) is missing."""

    __init__ = ImportError.__init__


class NotSupportedError(AdcoreError, NotImplementedError):
    """A backend was asked for something it declares it cannot do."""


class PrepMismatchError(ArgumentError):
    """A prepared operator was called with arguments its preparation does not fit."""


class PluginError(AdcoreError):
    """A plugin raised while adcore asked one of its hooks, and nothing else answered."""
