"""Memory layouts of ``x``: the same values, laid out in strides a backend must read right.

A layout scenario carries the tag ``"layout:<name>"``; its ``x`` is the numpy view the
layout makes, and the suite builds that view again, in each array family, around a
fresh copy of the values (``build``). A family without the strides a layout needs
(torch has no negative strides) gets the values in a layout it has: the
operations are the array API's, so nothing here names an engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["LAYOUTS", "build", "layout_of"]

_PREFIX = "layout:"


def _fortran(values: np.ndarray, convert: Callable[[np.ndarray], Any], xp: Any) -> Any:
    """Fortran order: the transpose of a C-ordered transpose."""
    axes = tuple(reversed(range(values.ndim)))
    return xp.permute_dims(convert(np.ascontiguousarray(np.transpose(values))), axes)


def _strided(values: np.ndarray, convert: Callable[[np.ndarray], Any], xp: Any) -> Any:
    """Every other element of the last axis; NaN between, for a backend that reads the gaps."""
    n = values.shape[-1]
    wide = np.full((*values.shape[:-1], 2 * n), np.nan, dtype=values.dtype)
    wide[..., ::2] = values
    return convert(wide)[..., ::2]


def _reversed(values: np.ndarray, convert: Callable[[np.ndarray], Any], xp: Any) -> Any:
    """Negative strides on every axis."""
    flipped = convert(np.ascontiguousarray(np.flip(values)))
    try:
        return flipped[(slice(None, None, -1),) * values.ndim]
    except (ValueError, IndexError, TypeError):  # a family without negative strides
        return xp.flip(flipped)


LAYOUTS: dict[str, Callable[[np.ndarray, Callable[[np.ndarray], Any], Any], Any]] = {
    "fortran": _fortran,
    "strided": _strided,
    "reversed": _reversed,
}


def layout_of(tags: tuple[str, ...]) -> str | None:
    """The layout a scenario's tags name, if any."""
    for tag in tags:
        if tag.startswith(_PREFIX):
            return tag[len(_PREFIX):]
    return None


def build(name: str, values: Any, convert: Callable[[np.ndarray], Any], xp: Any) -> Any:
    """``values`` (a numpy array of any layout) in the layout ``name``, made of arrays that
    ``convert`` builds from C-ordered numpy ones, with the operations of ``xp``."""
    return LAYOUTS[name](np.ascontiguousarray(values), convert, xp)
