"""gradient: the gradient of a scalar function, shaped like ``x``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.arrays import describe, ones_scalar, signature
from .._core.contexts import unwrap
from .._core.prep import Prep
from .._registry.namespace import array_namespace
from ..errors import ShapeError
from .common import LIKE, check_out, fill, make_prep, prepare_native, routed, strict, validate
from .complex import is_complex
from .executors import AbstractGradient, AbstractJacobian, AbstractPullback
from .primitives import jacobian_from_pushforward, output, pullback_executor
from .tree_executor import prepare_tree
from .trees import is_tree

__all__ = ["gradient", "gradient_executor", "prepare_gradient", "value_and_gradient"]

# --- public


def gradient(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Any:
    """gradient(f, backend, x, *contexts, prep=None, out=None) -> grad

    The gradient of the scalar function ``f`` at ``x``, like ``x``.

    >>> import numpy as np, adcore as ad
    >>> ad.gradient(lambda x: (x ** 2).sum(), ad.AutoFiniteDiff(), np.array([1.0, 2.0])).round(6)
    array([2., 4.])
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("gradient", out, LIKE)
    if prep is None:
        prep = prepare_gradient(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "gradient"):  # no frame for a Prep
        prep.check("gradient", f, backend, x, contexts, None, y)
    grad = prep.executor.gradient(x, contexts and unwrap(contexts))
    return grad if out is None else fill(out, grad, LIKE)


def value_and_gradient(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Any]:
    """value_and_gradient(f, backend, x, *contexts, prep=None, out=None) -> (f(x), grad)"""
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("gradient", out, LIKE)
    if prep is None:
        prep = prepare_gradient(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "gradient"):  # no frame for a Prep
        prep.check("gradient", f, backend, x, contexts, None, y)
    value, grad = prep.executor.value_and_gradient(x, contexts and unwrap(contexts))
    return value, (grad if out is None else fill(out, grad, LIKE))


def prepare_gradient(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any, y: Any = None, strict: bool = True
) -> Prep:
    """prepare_gradient(f, backend, x, *contexts, strict=True) -> prep

    Preparation for ``gradient`` and ``value_and_gradient`` at any ``x`` like this one.
    """
    if is_tree(x):
        return prepare_tree("gradient", lambda g, v, _: gradient_executor(backend, g, v, contexts),
                            f, backend, x, contexts, y=y, strict=strict)
    validate("gradient", f, backend, x, contexts, y=y)
    executor = gradient_executor(backend, f, x, contexts)
    return make_prep("gradient", executor, f, backend, x, contexts, strict=strict)


# --- preparation


def gradient_executor(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...]
) -> AbstractGradient:
    """The backend's native gradient, else a pullback of the cotangent ``1``, else
    the one-row Jacobian from a batch of pushforwards."""
    backend = routed(backend, "gradient")
    if "gradient" in backend.native:
        return prepare_native(backend, "gradient", f, x, contexts)
    value = output(f, x, contexts)
    if getattr(value, "shape", ()) != ():
        raise ShapeError(non_scalar_message(describe(signature(value))))
    if "reverse" in backend.modes or is_complex(x):  # complex: the adjoint of pushforwards
        xp = array_namespace(x)
        one = ones_scalar(x, xp)
        if is_complex(x):  # the cotangent of a real f: real, as f(x)
            one = xp.real(one)
        return GradientFromPullback(pullback_executor(backend, f, x, (one,), contexts), one)
    return GradientFromJacobian(jacobian_from_pushforward(backend, f, x, contexts), x)


# --- fallback: gradient from pullback


class GradientFromPullback(AbstractGradient):
    def __init__(self, pullback: AbstractPullback, one: Any) -> None:
        self.pullback, self.ty = pullback, (one,)

    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        value, (grad,) = self.pullback.value_and_pullback(x, self.ty, contexts)
        return value, grad

    def gradient(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.pullback.pullback(x, self.ty, contexts)[0]


# --- fallback: gradient from pushforwards


class GradientFromJacobian(AbstractGradient):
    def __init__(self, jacobian: AbstractJacobian, x: Any) -> None:
        self.jacobian, self.shape = jacobian, x.shape

    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        value, J = self.jacobian.value_and_jacobian(x, contexts)
        return value, self._shaped(J)

    def gradient(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self._shaped(self.jacobian.jacobian(x, contexts))

    def _shaped(self, J: Any) -> Any:
        # In J's own namespace: under an outer trace (an hvp nesting this gradient) J holds
        # the tracer's values, whatever the x this was prepared with.
        return array_namespace(J).reshape(J, self.shape)


def non_scalar_message(what: str) -> str:
    return (
        f"gradient needs a scalar function, but f(x) is {what}; use adcore.jacobian "
        "for array-valued functions, or reduce the output (e.g. .sum())."
    )
