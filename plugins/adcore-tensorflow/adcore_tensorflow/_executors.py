"""The prepared operators of ``AutoTensorFlow``: inputs to tensors, a kernel, results back.

numpy arrays and Python floats go in as tensors of their dtype (float64 for a
Python float) and their results come back as numpy (a Python float for a result
like a Python float ``x``); ``tf.Tensor`` and ``tf.Variable`` give tensors. The
family is read at each call, not at preparation: under an outer tape or
accumulator (``SecondOrder``, adcore called inside a TensorFlow computation) an
executor prepared on numpy receives tensors, and must return them unconverted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

from adcore.extend import (
    AbstractGradient,
    AbstractHessian,
    AbstractHVP,
    AbstractJacobian,
    AbstractPullback,
    AbstractPushforward,
    AbstractSecondDerivative,
)

from . import _kernels as K
from ._kernels import Kernels

Tangents = tuple[Any, ...]
Contexts = tuple[Any, ...]

_TENSORS = (tf.Tensor, tf.Variable)


def _dtype(x: Any) -> Any:
    return tf.float64 if isinstance(x, (float, int)) else tf.as_dtype(x.dtype)


def _tensor(v: Any, dtype: Any) -> Any:
    """``v`` as a tensor: numpy arrays keep their dtype, Python numbers take ``dtype``."""
    if isinstance(v, tf.Tensor):
        return v
    if isinstance(v, (float, int)):
        return tf.constant(v, dtype=dtype)
    return tf.convert_to_tensor(v)


def _tensors(vs: Tangents, dtype: Any) -> Tangents:
    return tuple([_tensor(v, dtype) for v in vs])


def _same(t: Any) -> Any:
    return t


def _numpy(t: Any) -> Any:
    return t.numpy()


def _float(t: Any) -> Any:
    return float(t.numpy())


def _converters(x: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """``(out, like_x)``: what turns a result back into the family of ``x``; ``like_x``
    for results like ``x`` (a Python float for a Python float), ``out`` for the others."""
    if isinstance(x, _TENSORS):
        return _same, _same
    return _numpy, (_float if isinstance(x, (float, int)) else _numpy)


def size_of_value(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...]) -> int:
    """The number of elements of ``f(x)``, from one evaluation."""
    y = f(_tensor(x, _dtype(x)), *(c.value for c in contexts))
    n = 1
    for d in getattr(y, "shape", ()):
        n *= int(d)
    return n


# --- primitives


class Pushforward(AbstractPushforward):
    def __init__(self, kernels: Kernels, x: Any) -> None:
        self.kernel, self.dtype = kernels.bind(K.jvp, tangents=True), _dtype(x)
        self.result = kernels.bind(K.jvp, tangents=True, output=1)

    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: Contexts, y: Any = None
    ) -> tuple[Any, Tangents]:
        value, ty = self.kernel(_tensor(x, self.dtype), _tensors(tx, self.dtype), contexts)
        out = _converters(x)[0]
        return out(value), tuple([out(t) for t in ty])

    def pushforward(self, x: Any, tx: Tangents, contexts: Contexts, y: Any = None) -> Tangents:
        ty = self.result(_tensor(x, self.dtype), _tensors(tx, self.dtype), contexts)
        out = _converters(x)[0]
        return tuple([out(t) for t in ty])


class Pullback(AbstractPullback):
    def __init__(self, kernels: Kernels, x: Any) -> None:
        self.kernel, self.dtype = kernels.bind(K.vjp, tangents=True), _dtype(x)
        self.result = kernels.bind(K.vjp, tangents=True, output=1)

    def _run(self, x: Any, ty: Tangents, contexts: Contexts) -> tuple[Any, Tangents]:
        return self.kernel(_tensor(x, self.dtype), _tensors(ty, self.dtype), contexts)

    def _result(self, x: Any, ty: Tangents, contexts: Contexts) -> Tangents:
        return self.result(_tensor(x, self.dtype), _tensors(ty, self.dtype), contexts)

    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: Contexts, y: Any = None
    ) -> tuple[Any, Tangents]:
        value, tx = self._run(x, ty, contexts)
        out, like_x = _converters(x)
        return out(value), tuple([like_x(t) for t in tx])

    def pullback(self, x: Any, ty: Tangents, contexts: Contexts, y: Any = None) -> Tangents:
        like_x = _converters(x)[1]
        return tuple([like_x(t) for t in self._result(x, ty, contexts)])


class SamePointPullback(Pullback):
    """Eager: the first call's persistent tape is kept, later calls only run backward passes."""

    def __init__(self, kernels: Kernels, x: Any) -> None:
        self.f, self.dtype = kernels.f, _dtype(x)
        self.recorded: tuple[Any, Any, Any] | None = None

    def _run(self, x: Any, ty: Tangents, contexts: Contexts) -> tuple[Any, Tangents]:
        if self.recorded is None:
            xt = _tensor(x, self.dtype)
            self.recorded = (xt, *K.record(self.f, xt, contexts, persistent=True))
        xt, tape, value = self.recorded
        return value, K.pull(tape, value, xt, _tensors(ty, self.dtype))

    def _result(self, x: Any, ty: Tangents, contexts: Contexts) -> Tangents:
        return self._run(x, ty, contexts)[1]


# --- first order


class Gradient(AbstractGradient):
    def __init__(self, kernels: Kernels, x: Any, *, forward: bool) -> None:
        self.dtype, self.forward = _dtype(x), forward
        if forward:
            self.kernel = kernels.bind(K.jacobian_forward, vectorized=kernels.jit)
        else:
            self.kernel = kernels.bind(K.gradient)
            self.result = kernels.bind(K.gradient, output=1)

    def _run(self, x: Any, contexts: Contexts) -> tuple[Any, Any]:
        xt = _tensor(x, self.dtype)
        value, grad = self.kernel(xt, contexts)
        if self.forward:  # the one row of the Jacobian
            K.require_scalar(value)
            grad = tf.reshape(grad, xt.shape)
        return value, grad

    def value_and_gradient(self, x: Any, contexts: Contexts) -> tuple[Any, Any]:
        value, grad = self._run(x, contexts)
        out, like_x = _converters(x)
        return out(value), like_x(grad)

    def gradient(self, x: Any, contexts: Contexts) -> Any:
        if self.forward:
            return _converters(x)[1](self._run(x, contexts)[1])
        return _converters(x)[1](self.result(_tensor(x, self.dtype), contexts))


class Jacobian(AbstractJacobian):
    def __init__(self, kernels: Kernels, x: Any, *, forward: bool) -> None:
        kernel = K.jacobian_forward if forward else K.jacobian_reverse
        self.kernel, self.dtype = kernels.bind(kernel, vectorized=kernels.jit), _dtype(x)
        self.result = kernels.bind(kernel, vectorized=kernels.jit, output=1)

    def value_and_jacobian(self, x: Any, contexts: Contexts, y: Any = None) -> tuple[Any, Any]:
        value, J = self.kernel(_tensor(x, self.dtype), contexts)
        out = _converters(x)[0]
        return out(value), out(J)

    def jacobian(self, x: Any, contexts: Contexts, y: Any = None) -> Any:
        return _converters(x)[0](self.result(_tensor(x, self.dtype), contexts))


# --- second order


class SecondDerivative(AbstractSecondDerivative):
    def __init__(self, kernels: Kernels, x: Any) -> None:
        self.kernel, self.dtype = kernels.bind(K.second_derivative), _dtype(x)
        self.result = kernels.bind(K.second_derivative, output=2)

    def value_derivative_and_second_derivative(
        self, x: Any, contexts: Contexts
    ) -> tuple[Any, Any, Any]:
        value, der, der2 = self.kernel(_tensor(x, self.dtype), contexts)
        out = _converters(x)[0]
        return out(value), out(der), out(der2)

    def second_derivative(self, x: Any, contexts: Contexts) -> Any:
        return _converters(x)[0](self.result(_tensor(x, self.dtype), contexts))


class HVP(AbstractHVP):
    def __init__(self, kernels: Kernels, x: Any, *, forward: bool = False) -> None:
        kernel = K.hvp_forward if forward else K.hvp_reverse
        self.kernel = kernels.bind(kernel, tangents=True)
        self.result = kernels.bind(kernel, tangents=True, output=1)
        self.dtype = _dtype(x)

    def _run(self, x: Any, tx: Tangents, contexts: Contexts) -> tuple[Any, Tangents]:
        return self.kernel(_tensor(x, self.dtype), _tensors(tx, self.dtype), contexts)

    def _result(self, x: Any, tx: Tangents, contexts: Contexts) -> Tangents:
        return self.result(_tensor(x, self.dtype), _tensors(tx, self.dtype), contexts)

    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: Contexts) -> tuple[Any, Tangents]:
        grad, tg = self._run(x, tx, contexts)
        like_x = _converters(x)[1]
        return like_x(grad), tuple([like_x(t) for t in tg])

    def hvp(self, x: Any, tx: Tangents, contexts: Contexts) -> Tangents:
        like_x = _converters(x)[1]
        return tuple([like_x(t) for t in self._result(x, tx, contexts)])


class SamePointHVP(HVP):
    """Eager: the first call's recording of the gradient is kept for every later batch."""

    def __init__(self, kernels: Kernels, x: Any) -> None:
        self.f, self.dtype = kernels.f, _dtype(x)
        self.recorded: tuple[Any, Any, Any] | None = None

    def _run(self, x: Any, tx: Tangents, contexts: Contexts) -> tuple[Any, Tangents]:
        if self.recorded is None:
            xt = _tensor(x, self.dtype)
            outer, _, grad = K.record_gradient(self.f, xt, contexts, persistent=True)
            self.recorded = (xt, outer, grad)
        xt, outer, grad = self.recorded
        return grad, K.pull(outer, grad, xt, _tensors(tx, self.dtype))

    def _result(self, x: Any, tx: Tangents, contexts: Contexts) -> Tangents:
        return self._run(x, tx, contexts)[1]


class Hessian(AbstractHessian):
    def __init__(self, kernels: Kernels, x: Any, *, forward: bool) -> None:
        kernel = K.hessian_forward if forward else K.hessian_reverse
        self.kernel, self.dtype = kernels.bind(kernel, vectorized=kernels.jit), _dtype(x)
        self.result = kernels.bind(kernel, vectorized=kernels.jit, output=2)

    def value_gradient_and_hessian(self, x: Any, contexts: Contexts) -> tuple[Any, Any, Any]:
        value, grad, H = self.kernel(_tensor(x, self.dtype), contexts)
        out, like_x = _converters(x)
        return out(value), like_x(grad), out(H)

    def hessian(self, x: Any, contexts: Contexts) -> Any:
        return _converters(x)[0](self.result(_tensor(x, self.dtype), contexts))
