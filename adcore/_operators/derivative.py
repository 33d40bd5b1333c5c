"""derivative: ``f'(x)`` for a scalar ``x``, shaped like ``f(x)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.arrays import describe, is_scalar, ones_scalar, signature
from .._core.contexts import unwrap
from .._core.prep import Prep
from .._registry.namespace import array_namespace
from ..errors import ArgumentTypeError
from .common import check_out, fill, inplace, make_prep, prepare_native, routed, strict, validate
from .executors import AbstractDerivative, AbstractPushforward
from .primitives import pushforward_executor

__all__ = ["derivative", "derivative_executor", "prepare_derivative", "value_and_derivative"]

# --- public


def derivative(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Any:
    """derivative(f, backend, x, *contexts, prep=None, out=None, y=None) -> der

    The derivative of ``f`` at the scalar ``x``, shaped like ``f(x)``.

    >>> import adcore as ad
    >>> round(ad.derivative(lambda x: x ** 3, ad.AutoFiniteDiff(), 2.0), 6)
    12.0
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("derivative", out)
    if prep is None:
        prep = prepare_derivative(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "derivative"):  # no frame for a Prep
        prep.check("derivative", f, backend, x, contexts, None, y)
    der = prep.executor.derivative(x, contexts and unwrap(contexts), y)
    return der if out is None else fill(out, der)


def value_and_derivative(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Any]:
    """value_and_derivative(f, backend, x, *contexts, prep=None, out=None, y=None) -> (f(x), der)"""
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("derivative", out)
    if prep is None:
        prep = prepare_derivative(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "derivative"):  # no frame for a Prep
        prep.check("derivative", f, backend, x, contexts, None, y)
    value, der = prep.executor.value_and_derivative(x, contexts and unwrap(contexts), y)
    return value, (der if out is None else fill(out, der))


def prepare_derivative(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any, y: Any = None, strict: bool = True
) -> Prep:
    """prepare_derivative(f, backend, x, *contexts, y=None, strict=True) -> prep

    Preparation for ``derivative`` and ``value_and_derivative`` at any scalar ``x`` like this one.
    """
    validate("derivative", f, backend, x, contexts, y=y)
    require_scalar("derivative", x)
    executor = derivative_executor(backend, inplace(f, y), x, contexts, y)
    return make_prep("derivative", executor, f, backend, x, contexts, y=y, strict=strict)


def require_scalar(operator: str, x: Any) -> None:
    if not (is_scalar(x) or getattr(x, "shape", None) == ()):
        raise ArgumentTypeError(
            f"{operator} needs a scalar x (a Python float or a 0-d array), got "
            f"{describe(signature(x))}; for an array x use adcore.jacobian or adcore.gradient."
        )


# --- preparation


def derivative_executor(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any = None
) -> AbstractDerivative:
    """The backend's native derivative, else a pushforward along ``1``."""
    backend = routed(backend, "derivative")
    if "derivative" in backend.native:
        return prepare_native(backend, "derivative", f, x, contexts, y=y)
    one = ones_scalar(x, array_namespace(x))
    return DerivativeFromPushforward(pushforward_executor(backend, f, x, (one,), contexts, y), one)


# --- fallback: derivative from pushforward


class DerivativeFromPushforward(AbstractDerivative):
    def __init__(self, pushforward: AbstractPushforward, one: Any) -> None:
        self.pushforward, self.tx = pushforward, (one,)

    def value_and_derivative(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        value, (der,) = self.pushforward.value_and_pushforward(x, self.tx, contexts, y)
        return value, der

    def derivative(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self.pushforward.pushforward(x, self.tx, contexts, y)[0]
