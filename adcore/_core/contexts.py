"""Inactive arguments: ``Constant`` and ``Cache``."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

__all__ = ["Cache", "Constant", "Context"]

T = TypeVar("T")


class Context(Generic[T]):
    """An inactive argument passed to ``f`` after ``x`` (and after the tangents)."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.value is self.value  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), id(self.value)))


class Constant(Context[T]):
    """Read-only data for ``f``: never differentiated, never mutated by adcore.

    >>> import numpy as np, adcore as ad
    >>> ad.gradient(lambda x, a: (a * x**2).sum(), ad.AutoFiniteDiff(), np.ones(2),
    ...             ad.Constant(3.0)).round(4)
    array([6., 6.])
    """

    __slots__ = ()


class Cache(Context[T]):
    """Scratch space that ``f`` may overwrite; its content after a call is unspecified."""

    __slots__ = ()


def unwrap(contexts: tuple[Any, ...]) -> tuple[Any, ...]:
    """The values inside ``contexts``, in order. The operators' prepared calls write
    ``contexts and unwrap(contexts)``: with no contexts, the usual case, they pass the
    empty tuple they were given and save this call (some 40 ns of a few microseconds)."""
    return tuple([c.value for c in contexts])
