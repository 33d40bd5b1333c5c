"""Calling ``f`` at one point on a worker of an executor, plainly or tolerantly (at the far
points of the adaptive step), and owning what ``f`` returns."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

__all__ = ["owned", "task", "tolerant", "tolerant_task"]


def owned(fx: Any) -> Any:
    # f may return a view of its own state, which the next call would overwrite.
    return fx.copy() if isinstance(fx, np.ndarray) else fx


def tolerant(call: Callable[[], Any], yw: np.ndarray | None) -> Any:
    """``call()`` at a point of the adaptive ladder, NaN where f cannot be evaluated there."""
    try:
        value = call()
    except (ArithmeticError, ValueError):
        return np.nan
    return value if yw is None else yw


def tolerant_task(work: Callable[..., Any], x: Any, contexts: tuple[Any, ...]) -> Any:
    """``tolerant`` on a worker, whose numpy error state is its own."""
    with np.errstate(all="ignore"):
        return tolerant(partial(work, x, contexts), None)


def task(
    f: Callable[..., Any], private: tuple[int, ...], out: tuple[Any, ...] | None, x: Any,
    contexts: tuple[Any, ...],
) -> Any:
    """One evaluation on a worker: ``f(x, *contexts)``, or ``f(y, x, *contexts)`` into a new
    ``y`` of ``out = (shape, dtype)``. The ``Cache`` values at positions ``private`` are
    copied first, since concurrent calls of ``f`` would overwrite each other's scratch."""
    if private:
        contexts = tuple(copy.deepcopy(v) if i in private else v for i, v in enumerate(contexts))
    if out is None:
        return f(x, *contexts)
    y = np.empty(*out)
    f(y, x, *contexts)
    return y
