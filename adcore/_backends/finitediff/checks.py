"""What AutoFiniteDiff checks: the active argument it accepts, the operators defined for a
complex ``x``, and results that the fixed step has visibly spoiled."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import ArgumentTypeError, NotSupportedError
from .steps import relative_step

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


#: The differences count as lost in rounding where the rounding error of f (of the two values
#: each subtracts) is above this share of the largest of them: the derivative's largest
#: component is then that much rounding error, and every smaller one more. Or above 100
#: times the share the step is chosen for at unit scale, where that is larger (one-sided
#: float32: 7%; float16). Differences within that rounding itself (a few units in the last
#: place of f) do not count: an extremum of f, where the change is O(h**2), gives them too.
LOST = 1e-2


def warn_if_lost(ev: Any, f0: np.ndarray, D: np.ndarray, F: np.ndarray | None = None) -> None:
    """Warn where the fixed step gave a non-finite difference quotient of a finite f(x), or,
    given the values ``F`` of f at the points (``(n, points per quotient, *f0.shape)``),
    where their differences are lost in rounding (see ``LOST``). That is checked at the 1st,
    2nd, 4th, 8th... result of the prep (a few microseconds each, a third of a prepared
    gradient's own cost at n=3: on the hot path, not at every call)."""
    if not np.all(np.isfinite(D)):
        if np.all(np.isfinite(f0)):
            _warn_nan(ev, D)
        return
    if F is None or ev.complex:
        return
    ev.results = k = ev.results + 1
    if k & (k - 1):  # not a power of two
        return
    bound = _bound(ev, f0.dtype)
    if bound is None:
        return
    # One-sided stencils subtract f(x); central ones their two points, in pairs.
    diff = F - f0 if ev.method != "central" else F[:, 0::2] - F[:, 1::2]
    largest = np.abs(diff).max(initial=0.0)
    lost = bound * np.abs(f0).max(initial=0.0)  # the rounding of f over the share
    share = _SHARES[bound]
    if lost * share < largest < lost:
        _warn_rounding(ev, lost * share, float(largest), share)


#: ``(method, step, dtype of x, dtype of f) -> bound``: the largest difference below
#: ``bound * |f(x)|`` is lost (None for an f of integers); ``_SHARES[bound]``, its share.
_BOUNDS: dict[tuple[Any, ...], float | None] = {}
_SHARES: dict[float, float] = {}


def _bound(ev: Any, fdtype: Any) -> float | None:
    key = (ev.method, ev.step, ev.xdtype, fdtype)
    if key in _BOUNDS:
        return _BOUNDS[key]
    bound = None
    if np.issubdtype(fdtype, np.inexact):
        eps = 2 * float(np.finfo(fdtype).eps)  # the rounding of two values of f, relative
        share = max(LOST, 100 * eps / relative_step(ev.method, ev.step, ev.xdtype, 1))
        bound = eps / share
        _SHARES[bound] = share
    _BOUNDS[key] = bound
    return bound


def _warn_nan(ev: Any, D: np.ndarray) -> None:
    bad = int(np.size(D) - np.count_nonzero(np.isfinite(D)))
    warnings.warn(
        f"{ev.operator}: {bad} of {np.size(D)} finite differences are NaN or infinite although "
        "f(x) is finite: with the fixed step h of "
        f"AutoFiniteDiff(method={ev.method!r}), f is not finite at x + h (the step is "
        "relative to max(1, |x_i|), so a log, sqrt or pole near a small x_i is within reach), "
        "or x + h rounds to x (a step below the spacing of x's dtype). "
        "AutoFiniteDiff(step='adaptive') chooses a step per component, with an error estimate.",
        RuntimeWarning,
        stacklevel=3,
    )


def _warn_rounding(ev: Any, rounding: float, largest: float, share: float) -> None:
    """``rounding``: that of f(x), ``largest``: the largest difference."""
    warnings.warn(
        f"{ev.operator}: the finite differences are lost in rounding: the largest change of f "
        f"over the fixed step h of AutoFiniteDiff(method={ev.method!r}) is {largest:.3g}, "
        f"against a rounding error of {rounding:.3g} in f(x) at its size: more than "
        f"{share:.0%} of every derivative is rounding error. f is large against its changes "
        "(a constant added to it, a sum of many terms, float32): "
        "AutoFiniteDiff(step='adaptive') chooses a step per component, with an error "
        "estimate; or subtract the constant part of f, or compute f in float64. (Near an "
        "extremum of f, where every derivative is small, only their relative error is "
        "large; their absolute error, about eps * |f| / h, may be fine there.)",
        RuntimeWarning,
        stacklevel=3,
    )
