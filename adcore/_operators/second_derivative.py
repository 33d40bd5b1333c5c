"""second_derivative: ``f''(x)`` for a scalar ``x``, shaped like ``f(x)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.contexts import unwrap
from .._core.prep import Prep
from .common import ARRAY, check_out, fill, levels, make_prep, prepare_native, routed, strict, validate
from .derivative import derivative_executor, require_scalar
from .executors import AbstractDerivative, AbstractSecondDerivative

__all__ = [
    "prepare_second_derivative",
    "second_derivative",
    "second_derivative_executor",
    "value_derivative_and_second_derivative",
]

# --- public


def second_derivative(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Any:
    """second_derivative(f, backend, x, *contexts, prep=None, out=None) -> der2

    The second derivative of ``f`` at the scalar ``x``, shaped like ``f(x)``.

    >>> import adcore as ad
    >>> round(ad.second_derivative(lambda x: x ** 3, ad.AutoFiniteDiff(), 2.0), 3)
    12.0
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("second_derivative", out)
    if prep is None:
        prep = prepare_second_derivative(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "second_derivative"):  # no frame for a Prep
        prep.check("second_derivative", f, backend, x, contexts, None, y)
    der2 = prep.executor.second_derivative(x, contexts and unwrap(contexts))
    return der2 if out is None else fill(out, der2)


def value_derivative_and_second_derivative(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Any, Any]:
    """value_derivative_and_second_derivative(f, backend, x, *contexts, prep=None, out=None)
    -> (f(x), der, der2); ``out`` is a pair of buffers ``(der, der2)``."""
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("second_derivative", out, (ARRAY, ARRAY))
    if prep is None:
        prep = prepare_second_derivative(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "second_derivative"):  # no frame for a Prep
        prep.check("second_derivative", f, backend, x, contexts, None, y)
    value, der, der2 = prep.executor.value_derivative_and_second_derivative(x, contexts and unwrap(contexts))
    if out is None:
        return value, der, der2
    return (value, *fill(out, (der, der2), (ARRAY, ARRAY)))


def prepare_second_derivative(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any, y: Any = None, strict: bool = True
) -> Prep:
    """prepare_second_derivative(f, backend, x, *contexts, strict=True) -> prep"""
    validate("second_derivative", f, backend, x, contexts, y=y)
    require_scalar("second_derivative", x)
    executor = second_derivative_executor(backend, f, x, contexts)
    return make_prep("second_derivative", executor, f, backend, x, contexts, strict=strict)


# --- preparation


def second_derivative_executor(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...]
) -> AbstractSecondDerivative:
    """The backend's native second derivative, else the outer derivative of the inner one."""
    backend = routed(backend, "second_derivative")
    if "second_derivative" in backend.native:
        return prepare_native(backend, "second_derivative", f, x, contexts)
    outer, inner = levels(backend, "second_derivative")
    return SecondDerivativeFromDerivatives(outer, inner, f, x, contexts)


# --- fallback: second derivative from nested derivatives


class SecondDerivativeFromDerivatives(AbstractSecondDerivative):
    def __init__(self, outer: Any, inner: Any, f: Callable[..., Any], x: Any, contexts: Any) -> None:
        self.inner: AbstractDerivative = derivative_executor(inner, f, x, contexts)
        derivative = self.inner.derivative
        self.outer = derivative_executor(outer, lambda x, *c: derivative(x, c), x, contexts)

    def value_derivative_and_second_derivative(
        self, x: Any, contexts: tuple[Any, ...]
    ) -> tuple[Any, Any, Any]:
        value, der = self.inner.value_and_derivative(x, contexts)
        return value, der, self.outer.derivative(x, contexts)

    def second_derivative(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.outer.derivative(x, contexts)
