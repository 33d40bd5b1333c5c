"""What AutoFiniteDiff checks: the active argument it accepts, the operators defined for a
complex ``x``, and results that the fixed step has visibly spoiled."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import ArgumentTypeError, NotSupportedError

if TYPE_CHECKING:
    from .backend import AutoFiniteDiff

__all__ = ["check_complex_x", "input_kind", "warn_if_lost"]

def input_kind(x: Any, operator: str) -> tuple[str, Any]:
    """``(kind, dtype)`` of the active argument: an array, a numpy or a Python scalar."""
    if isinstance(x, np.ndarray):
        kind, dtype = "array", x.dtype
    elif isinstance(x, np.generic):
        kind, dtype = "numpy", x.dtype
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        kind, dtype = "python", np.dtype(np.float64)
    else:
        raise ArgumentTypeError(
            f"{operator}: AutoFiniteDiff differentiates numpy arrays and Python floats; "
            f"x is a {type(x).__module__}.{type(x).__qualname__}."
        )
    if not np.issubdtype(dtype, np.inexact):
        raise ArgumentTypeError(
            f"{operator}: x has dtype {dtype}; finite differences need floating-point x, "
            "e.g. x.astype(float)."
        )
    return kind, dtype


#: The operators defined for complex x: a real-linear map has no complex Jacobian matrix.
_COMPLEX_X_OPERATORS = ("gradient", "pushforward")


def check_complex_x(backend: AutoFiniteDiff, operator: str, dtype: Any) -> None:
    if backend.method == "complex":
        raise NotSupportedError(
            f"{operator}: AutoFiniteDiff(method='complex') cannot differentiate a complex x "
            f"(dtype {dtype}): its imaginary step would mix with the imaginary part of x. "
            "Use method='central', 'forward' or 'backward', which perturb the real and "
            "imaginary parts of x in turn."
        )
    if operator not in _COMPLEX_X_OPERATORS:
        raise NotSupportedError(
            f"{operator}: AutoFiniteDiff does not define {operator} for a complex x (dtype "
            f"{dtype}): f is then a real-linear map, which no complex matrix represents in "
            "general. Use gradient (real-valued f), pushforward or pullback."
        )


def warn_if_lost(ev: Any, f0: np.ndarray, D: np.ndarray) -> None:
    """Warn where the fixed step gave a non-finite difference quotient of a finite f(x)."""
    if np.all(np.isfinite(D)) or not np.all(np.isfinite(f0)):
        return
    bad = int(np.size(D) - np.count_nonzero(np.isfinite(D)))
    warnings.warn(
        f"{ev.operator}: {bad} of {np.size(D)} finite differences are NaN or infinite although "
        "f(x) is finite: with the fixed step h of "
        f"AutoFiniteDiff(method={ev.method!r}), f is not finite at x + h (the step is "
        "relative to max(1, |x_i|), so a log, sqrt or pole near a small x_i is within reach), "
        "or x + h rounds to x (a step below the spacing of x's dtype). "
        "AutoFiniteDiff(step='adaptive') chooses a step per component, with an error estimate.",
        RuntimeWarning,
        stacklevel=2,
    )
