"""Calling ``f`` on a worker of an executor: one task evaluates a chunk of points, plainly or
tolerantly (at the far points of the adaptive step); and owning what ``f`` returns."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["chunk_task", "owned"]


def owned(fx: Any) -> Any:
    # f may return a view of its own state, which the next call would overwrite.
    return fx.copy() if isinstance(fx, np.ndarray) else fx


def chunk_task(
    f: Callable[..., Any], private: tuple[int, ...], out: tuple[Any, ...] | None, kind: str,
    rows: tuple[Any, ...], tolerant: bool, X: np.ndarray, contexts: tuple[Any, ...],
) -> np.ndarray:
    """``F[k] = f(X[k], *contexts)`` for the points ``X`` of one chunk, on a worker; ``F`` has
    ``rows = (shape, dtype)`` per point, as the caller's buffer does.

    ``kind`` says what ``f`` takes (``"array"``, ``"numpy"`` or ``"python"`` scalar); with
    ``out = (shape, dtype)``, ``f(y, x, *contexts)`` writes into a ``y`` of this task. The
    ``Cache`` values at positions ``private`` are copied once per task, since concurrent
    tasks would overwrite each other's scratch. ``tolerant``: where ``f`` fails with an
    arithmetic or domain error the value is NaN, and numpy's warnings are silenced (the
    worker's error state is its own)."""
    if private:
        contexts = tuple(copy.deepcopy(v) if i in private else v for i, v in enumerate(contexts))
    if not X.flags.writeable:  # received read-only from a transport: f gets writable arrays
        X = X.copy()
    F = np.empty((len(X), *rows[0]), rows[1])
    y = None if out is None else np.empty(*out)
    lead = () if y is None else (y,)
    errors = (ArithmeticError, ValueError) if tolerant else ()
    with np.errstate(all="ignore") if tolerant else contextlib.nullcontext():
        for k in range(len(X)):
            x = X[k, ...] if kind == "array" else (X[k].item() if kind == "python" else X[k])
            try:
                value = f(*lead, x, *contexts)
            except errors:
                F[k] = np.nan
                continue
            F[k] = value if y is None else y
    return F
