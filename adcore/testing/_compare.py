"""Comparing results with references, and the exceptions a check raises."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._calls import to_numpy
from ._trees import is_tree, named_leaves, structures_differ

__all__ = ["CheckFailure", "SkipCheck", "assert_close", "tolerances"]


class CheckFailure(AssertionError):
    """A check found a backend doing something wrong; the message says what."""


class SkipCheck(Exception):
    """A check does not apply to this backend and scenario; the message says why."""


#: How many times its declared accuracy a backend's result may be off: the derivatives
#: of the suite's functions are of order one to ten.
ACCURACY_FACTOR = 10.0


def tolerances(x: Any, second_order: bool, backend: Any = None) -> tuple[float, float]:
    """``(rtol, atol)`` for results at ``x``: loose enough for central finite differences,
    tight enough that a wrong derivative never passes; wider where ``backend`` declares
    a larger error for this precision and order (``backend.accuracy(eps, order)``, such
    as one-sided finite differences in float32)."""
    dtype = np.dtype(_dtype_name(x)) if getattr(x, "dtype", None) is not None else np.dtype(float)
    if np.finfo(dtype).bits <= 32:  # float32, complex64 (and float16)
        tol = 1e-2 if second_order else 2e-3
    else:
        tol = 1e-4 if second_order else 1e-5
    if backend is not None:
        eps = float(np.finfo(dtype).eps)
        tol = max(tol, ACCURACY_FACTOR * backend.accuracy(eps, 2 if second_order else 1))
    return tol, tol


def _dtype_name(x: Any) -> str:
    # A TensorFlow DType prints as "<dtype: 'float32'>" but is named "float32".
    name = getattr(x.dtype, "name", None)
    if not isinstance(name, str):
        name = str(x.dtype)
    return name.rpartition(".")[2]  # "torch.float32" -> "float32"


def assert_close(got: Any, expected: Any, what: str, rtol: float, atol: float) -> None:
    """Raise ``CheckFailure`` naming ``what`` and the numbers that differ."""
    if is_tree(expected):  # a pytree result: its structure, then leaf by leaf
        if (why := structures_differ(got, expected)) is not None:
            raise CheckFailure(f"{what}: {why}")
        for (name, g), (_, e) in zip(named_leaves(got, what), named_leaves(expected, what)):
            assert_close(g, e, name, rtol, atol)
        return
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            raise CheckFailure(
                f"{what}: expected a tuple of {len(expected)}, got {type(got).__name__}"
                + (f" of {len(got)}" if isinstance(got, tuple) else "")
            )
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_close(g, e, f"{what}[{i}]", rtol, atol)
        return
    g, e = to_numpy(got), np.asarray(expected)
    if np.shape(g) != e.shape:
        raise CheckFailure(f"{what}: expected shape {e.shape}, got shape {np.shape(g)}")
    g = np.asarray(g, dtype=np.result_type(g, np.float64))
    e = e.astype(np.result_type(e, np.float64))
    bad = ~np.isclose(g, e, rtol=rtol, atol=atol)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0]) if e.ndim else ()
        raise CheckFailure(
            f"{what}: {int(bad.sum())} of {max(e.size, 1)} values differ (rtol={rtol}, atol={atol}); "
            f"first at index {idx}: got {g[idx]!r}, expected {e[idx]!r}; max abs difference "
            f"{float(np.max(np.abs(g - e))):.3g}"
        )
