"""AutoJAX's second-order executors, each call one (jitted) JAX call.

- hvp: forward over reverse, ``jax.jvp`` of ``jax.grad``, vmapped over a batch
  of tangents (reverse over reverse, a vjp of the gradient, with
  ``mode="reverse"``); same point: ``jax.linearize`` of the gradient, kept;
- hessian: ``jax.jacfwd`` of ``jax.grad``, that is ``jax.hessian``
  (``jax.jacrev`` of it with ``mode="reverse"``);
- second derivative: ``jax.jvp`` of ``jax.jvp``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from adcore.extend import AbstractHessian, AbstractHVP, AbstractSecondDerivative

from ._engine import Setup, bind, host
from ._traced import Call, Sharded, apply_linear, jvps, like, scalar, stack, vjps

__all__ = ["HVP", "Hessian", "LinearizedHVP", "SecondDerivative"]

# --- hvp


def _hvp(call: Call, mode: str | None, with_gradient: bool, stacked: bool,
         devices: Any = None) -> Callable[..., Any]:
    def fn(x: Any, tx: Any, c: tuple[Any, ...]) -> Any:
        grad = jax.grad(lambda x: scalar(call(x, c), "hvp"))
        if not stacked and len(tx) == 1 and mode != "reverse":
            g, t = jax.jvp(grad, (x,), (like(tx[0], x),))
            hv: Any = (t,)
        else:
            dx = like(tx, x) if stacked else stack(tx, x)
            if devices is not None:
                # H is symmetric: the pullback of the gradient is H @ t too
                g, dh = Sharded(vjps if mode == "reverse" else jvps, devices)(grad, x, dx)
            elif mode == "reverse":
                g, vjp = jax.vjp(grad, x)  # H is symmetric: the pullback of the gradient is H @ t
                dh = jax.vmap(lambda t: vjp(t)[0])(dx)
            else:
                g, dh = jvps(grad, x, dx)
            hv = dh if stacked else tuple(dh)
        return (g, hv) if with_gradient else hv

    return fn


class HVP(AbstractHVP):
    """Forward over reverse: ``jax.jvp(jax.grad(f), (x,), (t,))``, one call per batch."""

    def __init__(self, s: Setup) -> None:
        self.f = s.f  # the built functions hold it weakly
        self._gradient_tuple = s.method(_hvp, s.mode, True, False, s.devices)
        self._tuple = s.method(_hvp, s.mode, False, False, s.devices)
        self._gradient_stacked = s.method(_hvp, s.mode, True, True, s.devices)
        bind(self, gradient_and_hvp=self._gradient_tuple, hvp=self._tuple,
             gradient_and_hvp_stacked=self._gradient_stacked)

    def gradient_and_hvp(self, x: Any, tx: Any, contexts: Any) -> Any:
        return self._gradient_tuple(x, tx, contexts)

    def hvp(self, x: Any, tx: Any, contexts: Any) -> Any:
        return self._tuple(x, tx, contexts)

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: Any) -> Any:
        return self._gradient_stacked(x, dx, contexts)


def _linearize_gradient(call: Call, mode: str | None) -> Callable[..., Any]:
    def fn(x: Any, c: tuple[Any, ...]) -> Any:
        grad = jax.grad(lambda x: scalar(call(x, c), "hvp"))
        if mode == "reverse":
            g, vjp = jax.vjp(grad, x)
            return g, jax.tree_util.Partial(lambda t, vjp: vjp(t)[0], vjp=vjp)
        return jax.linearize(grad, x)

    return fn


class LinearizedHVP(AbstractHVP):
    """Same point: the gradient linearized once at preparation (``jax.linearize``, or
    ``jax.vjp`` with ``mode="reverse"``); each call applies the linear map H."""

    def __init__(self, s: Setup, x: Any) -> None:
        self.f = s.f
        self._g, self._lin = s.fn(_linearize_gradient, s.mode)(x, s.values)
        self._tuple = s.fn(apply_linear, False)
        self._stacked = s.fn(apply_linear, True)

    def gradient_and_hvp(self, x: Any, tx: Any, contexts: Any) -> Any:
        return host(x, (self._g, self._tuple(self._lin, tx)))

    def hvp(self, x: Any, tx: Any, contexts: Any) -> Any:
        return host(x, self._tuple(self._lin, tx))

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: Any) -> Any:
        return host(x, (self._g, self._stacked(self._lin, dx)))


# --- hessian


def _hessian(call: Call, mode: str | None, with_value: bool, devices: Any = None) -> Callable[..., Any]:
    def fn(x: Any, c: tuple[Any, ...]) -> Any:
        g = lambda x: scalar(call(x, c), "hessian")
        outer = jax.jacrev if mode == "reverse" else jax.jacfwd
        n = x.size
        if devices is not None:
            # hvps along a basis, the batch split across the devices (AutoJAX(shard=True)):
            # columns of H forward as jax.jacfwd gives them, rows in reverse as jax.jacrev does
            basis = jnp.reshape(jnp.eye(n, dtype=x.dtype), (n, *x.shape))
            products = Sharded(vjps if mode == "reverse" else jvps, devices)
            _, lines = products(jax.grad(g), x, basis)
            H = jnp.reshape(lines, (n, n))
            H = H if mode == "reverse" else H.T
            return (*jax.value_and_grad(g)(x), H) if with_value else H
        if not with_value:
            return jnp.reshape(outer(jax.grad(g))(x), (n, n))

        def gradient(x: Any) -> Any:
            value, grad = jax.value_and_grad(g)(x)
            return grad, (value, grad)

        H, (value, grad) = outer(gradient, has_aux=True)(x)
        return value, grad, jnp.reshape(H, (n, n))

    return fn


class Hessian(AbstractHessian):
    """``jax.hessian``: ``jax.jacfwd(jax.grad(f))`` (``jax.jacrev`` outside with ``mode="reverse"``)."""

    def __init__(self, s: Setup) -> None:
        self.f = s.f
        self._value = s.method(_hessian, s.mode, True, s.devices)
        self._plain = s.method(_hessian, s.mode, False, s.devices)
        bind(self, value_gradient_and_hessian=self._value, hessian=self._plain)

    def value_gradient_and_hessian(self, x: Any, contexts: Any) -> Any:
        return self._value(x, contexts)

    def hessian(self, x: Any, contexts: Any) -> Any:
        return self._plain(x, contexts)


# --- second derivative


def _second_derivative(call: Call, with_values: bool) -> Callable[..., Any]:
    def fn(x: Any, c: tuple[Any, ...]) -> Any:
        one = jnp.ones_like(x)

        def derivative(x: Any) -> Any:
            value, der = jax.jvp(lambda x: call(x, c), (x,), (one,))
            return der, value

        der, der2, value = jax.jvp(derivative, (x,), (one,), has_aux=True)
        return (value, der, der2) if with_values else der2

    return fn


class SecondDerivative(AbstractSecondDerivative):
    """``jax.jvp`` of ``jax.jvp``: forward over forward, the cheapest for a scalar ``x``."""

    def __init__(self, s: Setup) -> None:
        self.f = s.f
        self._values = s.method(_second_derivative, True)
        self._plain = s.method(_second_derivative, False)
        bind(self, value_derivative_and_second_derivative=self._values,
             second_derivative=self._plain)

    def value_derivative_and_second_derivative(self, x: Any, contexts: Any) -> Any:
        return self._values(x, contexts)

    def second_derivative(self, x: Any, contexts: Any) -> Any:
        return self._plain(x, contexts)
