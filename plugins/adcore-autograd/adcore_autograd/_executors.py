"""The prepared operators of ``AutoAutograd``, on autograd's ``make_vjp`` and ``make_jvp``.

Reverse mode traces ``f`` once per call and pulls back every cotangent of a
batch (or every row of a basis) through that trace; forward mode traces once
per tangent. Second order nests them, reverse over reverse as autograd's own
``hessian`` and ``make_hvp`` do, or forward over reverse.

Results keep the type of ``x``: a Python float for a Python float, an array of
the dtype of ``x`` for an array (autograd returns numpy scalars for 0-d arrays).
Under an outer trace (adcore called inside a function that autograd
differentiates, or ``SecondOrder`` of two autograd backends) the results are
autograd's boxes, left as they are, and every array operation is
``autograd.numpy``'s, so that the outer trace sees through this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd.core import make_jvp, make_vjp
from autograd.extend import Box, vspace
from autograd.tracer import getval

from adcore.errors import ShapeError
from adcore.extend import (
    AbstractGradient,
    AbstractHessian,
    AbstractHVP,
    AbstractJacobian,
    AbstractPullback,
    AbstractPushforward,
)

Tangents = tuple[Any, ...]
Contexts = tuple[Any, ...]


def _bind(f: Callable[..., Any], contexts: Contexts) -> Callable[[Any], Any]:
    return (lambda x: f(x, *contexts)) if contexts else f


def _caster(x: Any) -> Callable[[Any], Any]:
    """What turns a result like ``x`` into exactly the type and dtype of ``x``."""
    if not isinstance(x, np.ndarray):
        scalar = complex if isinstance(x, complex) else float
        return lambda r: r if isinstance(r, Box) else scalar(r)
    dtype = x.dtype
    return lambda r: _as_dtype(r, dtype)


def _as_dtype(r: Any, dtype: Any) -> Any:
    """``r`` as an array of ``dtype``; a box (under an outer trace) as it is."""
    if (type(r) is np.ndarray and r.dtype == dtype) or isinstance(r, Box):
        return r
    return np.asarray(r, dtype=dtype)


def _like_value(r: Any, value: Any) -> Any:
    """A tangent like ``f(x)``: of its dtype, an array where ``f(x)`` is one."""
    if type(value) is np.ndarray and type(r) is not np.ndarray and not isinstance(r, Box):
        return np.asarray(r, dtype=value.dtype)
    return r


def _owned(r: Any, args: tuple[Any, ...]) -> Any:
    """``r``, copied where it may share memory with one of ``args``: autograd hands back
    ``x`` (or a view of it) for an ``f`` that returns it, and a tangent for a linear ``f``,
    and a result is the caller's own (SPEC 10). A bounds check, for fresh results."""
    if type(r) is np.ndarray and any(type(a) is np.ndarray and np.may_share_memory(r, a)
                                     for a in args):
        return r.copy()
    return r


def _adjoint(vjp: Callable[[Any], Any], x: Any) -> Callable[[Any], Any]:
    """``vjp`` as the adjoint of ``J`` for the real inner product ``Re(vdot(u, v))``: for a
    complex ``x`` autograd's vjp is the transpose ``J^T w``, so conjugate on both sides
    (SPEC 10: the gradient of ``|z|**2`` is ``2z``)."""
    if not np.iscomplexobj(x):
        return vjp
    return lambda t: anp.conj(vjp(anp.conj(t)))


def _basis(shape: tuple[int, ...], dtype: Any) -> Any:
    """The standard basis of arrays of ``shape``, stacked: ``(size, *shape)``."""
    n = int(np.prod(shape))
    return np.eye(n, dtype=dtype).reshape(n, *shape)


def _require_scalar(value: Any) -> None:
    if getattr(value, "shape", ()) != ():
        raise ShapeError(
            f"gradient needs a scalar function, but f(x) has shape {value.shape}; use "
            "adcore.jacobian for array-valued functions, or reduce the output (e.g. .sum())."
        )


def _gradient_of(f: Callable[[Any], Any], values: list[Any]) -> Callable[[Any], Any]:
    """``x -> grad f(x)`` built from ``make_vjp``, differentiable again; ``f(x)`` goes to ``values``."""

    def grad(x: Any) -> Any:
        vjp, value = make_vjp(f, x)
        _require_scalar(value)
        values.append(value)
        return vjp(vspace(value).ones())

    return grad


# --- primitives


class Pullback(AbstractPullback):
    """One trace of ``f`` per call; each cotangent is one backward pass through it."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        self.f, self.cast = f, _caster(x)
        self.adjoint = _adjoint if np.iscomplexobj(x) else (lambda vjp, x: vjp)

    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: Contexts, y: Any = None
    ) -> tuple[Any, Tangents]:
        vjp, value = make_vjp(_bind(self.f, contexts), x)
        vjp = self.adjoint(vjp, x)
        cast, args = self.cast, (x, *contexts, *ty)
        return _owned(value, args), tuple([_owned(cast(vjp(t)), args) for t in ty])


class SamePointPullback(Pullback):
    """The trace at the prepared point, kept: later calls only run backward passes."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        super().__init__(f, x)
        self.trace: tuple[Any, Any] | None = None

    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: Contexts, y: Any = None
    ) -> tuple[Any, Tangents]:
        if self.trace is None:
            vjp, value = make_vjp(_bind(self.f, contexts), x)
            self.trace = self.adjoint(vjp, x), value
        vjp, value = self.trace
        cast, args = self.cast, (x, *contexts, *ty)
        # The value kept with the trace is returned at every call: each gets a copy.
        value = value.copy() if type(value) is np.ndarray else value
        return _owned(value, args), tuple([_owned(cast(vjp(t)), args) for t in ty])


class Pushforward(AbstractPushforward):
    """Forward mode: one trace of ``f`` per tangent."""

    def __init__(self, f: Callable[..., Any]) -> None:
        self.f = f

    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: Contexts, y: Any = None
    ) -> tuple[Any, Tangents]:
        if not tx or np.size(x) == 0:
            # No tangent (the basis of an empty x), or nothing to differentiate: autograd
            # would warn that the output is independent of x, rightly.
            value = _owned(_bind(self.f, contexts)(x), (x, *contexts))
            return value, tuple(_like_value(anp.zeros(np.shape(value)), value) for _ in tx)
        jvp = make_jvp(_bind(self.f, contexts), x)
        pairs = [jvp(t) for t in tx]
        value, args = pairs[-1][0], (x, *contexts, *tx)
        return _owned(value, args), tuple([_owned(_like_value(ty, value), args) for _, ty in pairs])


# --- first order


class Gradient(AbstractGradient):
    """Reverse mode, as ``autograd.value_and_grad``."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        self.f, self.cast = f, _caster(x)
        if np.iscomplexobj(x):  # autograd's gradient is the conjugate of steepest ascent
            self.cast = lambda r, cast=self.cast: cast(anp.conj(r))

    def value_and_gradient(self, x: Any, contexts: Contexts) -> tuple[Any, Any]:
        vjp, value = make_vjp(_bind(self.f, contexts), x)
        _require_scalar(value)
        args = (x, *contexts)
        return _owned(value, args), _owned(self.cast(vjp(vspace(value).ones())), args)


class ForwardJacobian(AbstractJacobian):
    """Columns from pushforwards along the basis of ``x``."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        self.f, self.dtype = f, x.dtype
        self.basis = _basis(x.shape, x.dtype)

    def value_and_jacobian(self, x: Any, contexts: Contexts, y: Any = None) -> tuple[Any, Any]:
        if not len(self.basis):  # an empty x: no column, and no pushforward to give f(x)
            value = _owned(_bind(self.f, contexts)(x), (x, *contexts))
            return value, np.zeros((np.size(value), 0), dtype=self.dtype)
        jvp = make_jvp(_bind(self.f, contexts), x)
        pairs = [jvp(e) for e in self.basis]
        value = _owned(pairs[0][0], (x, *contexts))
        J = anp.stack([col for _, col in pairs], axis=-1)
        return value, _as_dtype(anp.reshape(J, (-1, len(self.basis))), self.dtype)


class ForwardGradient(AbstractGradient):
    """``mode="forward"``: the one row of the forward Jacobian."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        self.jacobian, self.shape = ForwardJacobian(f, np.asarray(x)), np.shape(x)
        self.cast = _caster(x)

    def value_and_gradient(self, x: Any, contexts: Contexts) -> tuple[Any, Any]:
        value, J = self.jacobian.value_and_jacobian(x, contexts)
        _require_scalar(value)
        return value, self.cast(anp.reshape(J, self.shape))


class ReverseJacobian(AbstractJacobian):
    """Rows from one trace pulled back along the basis of ``f(x)``, as ``autograd.jacobian``."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        self.f, self.n, self.dtype = f, x.size, x.dtype
        self.basis: Any = None

    def value_and_jacobian(self, x: Any, contexts: Contexts, y: Any = None) -> tuple[Any, Any]:
        vjp, value = make_vjp(_bind(self.f, contexts), x)
        basis = self.basis
        if basis is None or basis.shape[1:] != np.shape(value):
            basis = self.basis = _basis(np.shape(value), anp.result_type(value))
        rows = [vjp(e) for e in basis]
        J = anp.stack(rows) if rows else np.zeros((0, self.n), dtype=self.dtype)
        return _owned(value, (x, *contexts)), _as_dtype(anp.reshape(J, (len(basis), self.n)), self.dtype)


# --- second order


class HVP(AbstractHVP):
    """Reverse over reverse, as ``autograd.make_hvp``: one trace of the gradient per call."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        self.f, self.cast = f, _caster(x)

    def _trace(self, x: Any, contexts: Contexts) -> tuple[Any, Any]:
        return make_vjp(_gradient_of(_bind(self.f, contexts), []), x)

    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: Contexts) -> tuple[Any, Tangents]:
        hvp, grad = self._trace(x, contexts)
        cast, args = self.cast, (x, *contexts, *tx)
        return _owned(cast(grad), args), tuple([_owned(cast(hvp(t)), args) for t in tx])


class SamePointHVP(HVP):
    """The trace of the gradient at the prepared point, kept for every later call."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        super().__init__(f, x)
        self.trace: tuple[Any, Any] | None = None

    def _trace(self, x: Any, contexts: Contexts) -> tuple[Any, Any]:
        if self.trace is None:
            self.trace = super()._trace(x, contexts)
        hvp, grad = self.trace  # the gradient kept is returned at every call: each gets a copy
        return hvp, (grad.copy() if type(grad) is np.ndarray else grad)


class ForwardOverReverseHVP(AbstractHVP):
    """``mode="forward"``: the pushforward of the gradient, one trace per tangent."""

    def __init__(self, f: Callable[..., Any], x: Any) -> None:
        self.f, self.cast = f, _caster(x)

    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: Contexts) -> tuple[Any, Tangents]:
        grad_fn = _gradient_of(_bind(self.f, contexts), [])
        if not tx:
            return _owned(self.cast(grad_fn(x)), (x, *contexts)), ()
        jvp = make_jvp(grad_fn, x)
        pairs = [jvp(t) for t in tx]
        cast, args = self.cast, (x, *contexts, *tx)
        return _owned(cast(pairs[-1][0]), args), tuple([_owned(cast(h), args) for _, h in pairs])


class Hessian(AbstractHessian):
    """The Jacobian of the gradient: rows by reverse over reverse (``autograd.hessian``),
    or columns forward over reverse."""

    def __init__(self, f: Callable[..., Any], x: Any, *, forward: bool) -> None:
        self.f, self.forward, self.dtype = f, forward, x.dtype
        self.basis, self.n = _basis(x.shape, x.dtype), x.size

    def value_gradient_and_hessian(self, x: Any, contexts: Contexts) -> tuple[Any, Any, Any]:
        values: list[Any] = []
        grad_fn = _gradient_of(_bind(self.f, contexts), values)
        if not self.n:  # an empty x: no row, and no product to give f(x)
            empty = np.zeros((0, 0), dtype=self.dtype)
            return getval(_bind(self.f, contexts)(x)), np.zeros_like(x), empty
        if self.forward:
            jvp = make_jvp(grad_fn, x)
            pairs = [jvp(e) for e in self.basis]
            grad, H = pairs[0][0], anp.stack([col for _, col in pairs], axis=-1)
        else:
            hvp, grad = make_vjp(grad_fn, x)
            H = anp.stack([hvp(e) for e in self.basis])
        H = anp.reshape(H, (self.n, self.n))
        value = _owned(getval(values[0]), (x, *contexts))
        return value, _as_dtype(grad, self.dtype), _as_dtype(H, self.dtype)
