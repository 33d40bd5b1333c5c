"""AutoJAX's native first-order operators: derivative (``jax.jvp``), gradient
(``jax.grad``), jacobian (``jax.jacfwd`` or ``jax.jacrev``), each call one
(jitted) JAX call.

Each ``_name(call, ...)`` builds the function that ``Setup.method`` jits and
caches, with the arguments of the executor method it serves: ``(x, contexts[,
y])``, ``contexts`` the tuple of the contexts' values and ``y`` None;
``call(x, c)`` is ``f(x, *c)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from adcore.extend import AbstractDerivative, AbstractGradient, AbstractJacobian

from ._engine import Setup, bind
from ._traced import Call, Sharded, jvps, scalar, vjps, with_aux

__all__ = ["Derivative", "Gradient", "Jacobian"]

# --- derivative, gradient, jacobian


def _derivative(call: Call, mode: str | None, with_value: bool) -> Callable[..., Any]:
    def fn(x: Any, c: tuple[Any, ...], y: None = None) -> Any:
        g = lambda x: call(x, c)
        if mode == "reverse":
            der, value = jax.jacrev(with_aux(g), has_aux=True)(x)
        else:
            value, der = jax.jvp(g, (x,), (jnp.ones_like(x),))
        return (value, der) if with_value else der

    return fn


class Derivative(AbstractDerivative):
    """``jax.jvp`` along 1 (``jax.jacrev`` with ``mode="reverse"``)."""

    def __init__(self, s: Setup) -> None:
        self.f = s.f
        self._value = s.method(_derivative, s.mode, True)
        self._plain = s.method(_derivative, s.mode, False)
        bind(self, value_and_derivative=self._value, derivative=self._plain)

    def value_and_derivative(self, x: Any, contexts: Any, y: Any = None) -> Any:
        return self._value(x, contexts, y)

    def derivative(self, x: Any, contexts: Any, y: Any = None) -> Any:
        return self._plain(x, contexts, y)


def _gradient(call: Call, mode: str | None, with_value: bool, complex_x: bool) -> Callable[..., Any]:
    def fn(x: Any, c: tuple[Any, ...]) -> Any:
        g = lambda x: scalar(call(x, c))
        if complex_x:
            # jax.grad gives the conjugate of the direction of steepest ascent (and jacfwd
            # refuses a complex x): one reverse pass, conjugated.
            value, grad = jax.value_and_grad(g)(x)
            grad = jax.tree_util.tree_map(jnp.conj, grad)
            return (value, grad) if with_value else grad
        if mode == "forward":
            grad, value = jax.jacfwd(with_aux(g), has_aux=True)(x)
            return (value, grad) if with_value else grad
        return jax.value_and_grad(g)(x) if with_value else jax.grad(g)(x)

    return fn


class Gradient(AbstractGradient):
    """``jax.grad`` (``jax.jacfwd`` with ``mode="forward"``)."""

    def __init__(self, s: Setup) -> None:
        self.f = s.f
        self._value = s.method(_gradient, s.mode, True, s.complex)
        self._plain = s.method(_gradient, s.mode, False, s.complex)
        bind(self, value_and_gradient=self._value, gradient=self._plain)

    def value_and_gradient(self, x: Any, contexts: Any) -> Any:
        return self._value(x, contexts)

    def gradient(self, x: Any, contexts: Any) -> Any:
        return self._plain(x, contexts)


def _jacobian(call: Call, mode: str | None, with_value: bool, devices: Any = None) -> Callable[..., Any]:
    def fn(x: Any, c: tuple[Any, ...], y: None = None) -> Any:
        g = lambda x: call(x, c)
        out = jax.eval_shape(g, x)  # at trace time only, when jitted
        forward = x.size <= out.size if mode is None else mode == "forward"
        if devices is not None and not (jnp.iscomplexobj(x) or jnp.iscomplexobj(out)):
            value, J = _sharded_jacobian(g, x, out, forward, devices)
            return (value, J) if with_value else J
        jac = jax.jacfwd if forward else jax.jacrev
        if with_value:
            J, value = jac(with_aux(g), has_aux=True)(x)
        else:
            J = jac(g)(x)
        J = jnp.reshape(J, (out.size, x.size))
        return (value, J) if with_value else J

    return fn


def _sharded_jacobian(g: Callable[[Any], Any], x: Any, out: Any, forward: bool,
                      devices: tuple[Any, ...]) -> tuple[Any, Any]:
    """The Jacobian as the products along a basis (of x's space forward, of f(x)'s reverse),
    the batch split across ``devices``: ``AutoJAX(shard=True)``."""
    n, m = x.size, out.size
    size, shape = (n, x.shape) if forward else (m, out.shape)
    basis = jnp.reshape(jnp.eye(size, dtype=out.dtype if not forward else x.dtype), (size, *shape))
    value, rows = Sharded(jvps if forward else vjps, devices)(g, x, basis)
    rows = jnp.reshape(rows, (size, m if forward else n))
    return value, rows.T if forward else rows


class Jacobian(AbstractJacobian):
    """``jax.jacfwd`` when ``x`` is no larger than ``f(x)``, else ``jax.jacrev`` (or as
    ``mode`` says): the matrix ``(y.size, x.size)``."""

    def __init__(self, s: Setup) -> None:
        self.f = s.f
        self._value = s.method(_jacobian, s.mode, True, s.devices)
        self._plain = s.method(_jacobian, s.mode, False, s.devices)
        bind(self, value_and_jacobian=self._value, jacobian=self._plain)

    def value_and_jacobian(self, x: Any, contexts: Any, y: Any = None) -> Any:
        return self._value(x, contexts, y)

    def jacobian(self, x: Any, contexts: Any, y: Any = None) -> Any:
        return self._plain(x, contexts, y)
