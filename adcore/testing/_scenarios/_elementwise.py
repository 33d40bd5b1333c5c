"""Elementwise functions with their first and second derivatives by hand.

The building blocks of generated scenarios (``adcore.testing.strategies``): each
``f(xp, x)`` is backend-agnostic, ``d1``/``d2`` are numpy closed forms. All are
smooth everywhere and of moderate size on ``[-2, 2]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ELEMENTWISE", "Elementwise"]


@dataclass(frozen=True)
class Elementwise:
    """``g`` applied elementwise: ``f(xp, x)``, with ``d1 = g'`` and ``d2 = g''`` in numpy."""

    name: str
    f: Callable[[Any, Any], Any]
    d1: Callable[[Any], Any]
    d2: Callable[[Any], Any]


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + np.exp(-x))


ELEMENTWISE = (
    Elementwise("sin", lambda xp, x: xp.sin(x), np.cos, lambda x: -np.sin(x)),
    Elementwise("cos", lambda xp, x: xp.cos(x), lambda x: -np.sin(x), lambda x: -np.cos(x)),
    Elementwise("exp", lambda xp, x: xp.exp(x), np.exp, np.exp),
    Elementwise(
        "tanh", lambda xp, x: xp.tanh(x),
        lambda x: 1 - np.tanh(x) ** 2, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
    ),
    Elementwise("square", lambda xp, x: x * x, lambda x: 2 * x, lambda x: 2 + 0 * x),
    Elementwise("cube", lambda xp, x: x * x * x, lambda x: 3 * x**2, lambda x: 6 * x),
    Elementwise(
        "softplus", lambda xp, x: xp.log(1 + xp.exp(x)),
        _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
    ),
    Elementwise(
        "gauss", lambda xp, x: xp.exp(-x * x / 2),
        lambda x: -x * np.exp(-(x**2) / 2), lambda x: (x**2 - 1) * np.exp(-(x**2) / 2),
    ),
)
