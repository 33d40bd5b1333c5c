"""AutoTorch's executors: the caller's arrays in and out around an engine's functions.

An executor converts ``x``, the tangents and the contexts to tensors
(``_convert``), calls functions that one engine built (``_func`` or
``_classic``, chosen in preparation), and converts the results back to the
family of ``x``. It runs them under ``torch.no_grad()``, so that no graph
reaches the caller, except inside an outer torch.func transform, which must see
through them. ``Gradient`` has its own fast path on classic autograd.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from adcore.extend import (
    AbstractGradient,
    AbstractHessian,
    AbstractHVP,
    AbstractJacobian,
    AbstractPullback,
    AbstractPushforward,
    AbstractSecondDerivative,
)

from ._convert import (
    Tensor,
    back,
    classic,
    contexts_to_torch,
    fill,
    grad_free,
    owned,
    refuse_under_classic,
    storages,
    tangent,
    to_torch,
    transform_running,
)

try:  # what torch.autograd.grad calls once it has checked its arguments
    from torch.autograd.graph import _engine_run_backward as _run_backward
except ImportError:  # pragma: no cover - torch before 2.3: the public path
    _run_backward = None

__all__ = ["HVP", "Gradient", "Hessian", "Jacobian", "Pullback", "Pushforward", "SecondDerivative"]

Fn = Callable[..., Any]
Tangents = tuple[Any, ...]


def _value(v: Any, x: Any, y: Any) -> Any:
    """The value of a call: the caller's buffer filled with it, for an in-place ``f``."""
    return back(v, x) if y is None else fill(y, v)


def _result(r: Tensor, x: Any, xt: Tensor) -> Any:
    """A derivative in the family and dtype of ``x``. Forward mode can promote: a 0-d
    float32 ``x`` times a Python float has a float64 tangent (torch 2.13)."""
    if r.dtype != xt.dtype and r.is_floating_point() and xt.is_floating_point():
        r = r.to(xt.dtype)
    return back(r, x)


def _matrix(J: Tensor, xt: Tensor, rows: int = -1) -> Tensor:
    """``J`` of shape ``y.shape + x.shape`` as the matrix ``(y.size, x.size)``; a vector
    ``x`` with a 2-d ``J`` (a vector ``y``) is one already, and reshape costs a microsecond."""
    if xt.ndim == 1 and J.ndim == 2:
        return J
    return J.reshape(rows, xt.numel())


def _stack(results: Any, empty: Tensor) -> Any:
    """The results stacked; for a batch of none (an empty x or y), ``empty``."""
    if isinstance(results, Tensor):
        return results
    return torch.stack(list(results)) if results else empty


class _Batched:
    """A batch of (co)tangents: ``one`` for a single one, ``many`` for more, in one call."""

    def __init__(self, one: Fn, many: Fn) -> None:
        self.one, self.many = one, many

    def _run(self, x: Any, tangents: Tangents, contexts: tuple[Any, ...], convert: Fn) -> Any:
        xt = to_torch(x)
        cs = contexts_to_torch(contexts)
        ts = tuple(convert(t, xt) for t in tangents)
        with grad_free():
            if len(ts) == 1:
                v, r = self.one(xt, ts[0], *cs)
                rs: Any = (r,)
            else:
                v, rs = self.many(xt, ts, *cs)
        taken = storages(xt, *ts, *cs)
        if isinstance(rs, Tensor):
            return xt, owned(v, taken), owned(rs, taken)
        return xt, owned(v, taken), tuple(owned(r, taken) for r in rs)

    #: Which the products are shaped like, for an empty batch: the value (pushforwards) or x.
    like_value = False

    def _run_stacked(self, x: Any, d: Any, contexts: tuple[Any, ...]) -> Any:
        xt, v, results = self._run(x, tuple(to_torch(d).unbind(0)), contexts, _keep)
        like = v if self.like_value else xt
        empty = like.new_zeros((0, *like.shape)) if isinstance(like, Tensor) else xt.new_zeros((0,))
        return v, _result(_stack(results, empty), x, xt)


def _keep(t: Any, x: Any) -> Any:
    return to_torch(t)


class Pushforward(_Batched, AbstractPushforward):
    like_value = True

    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        xt, v, results = self._run(x, tx, contexts, tangent)
        return _value(v, x, y), tuple(_result(r, x, xt) for r in results)

    def value_and_pushforward_stacked(
        self, x: Any, dx: Any, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Any]:
        v, dy = self._run_stacked(x, dx, contexts)
        return _value(v, x, y), dy

    def pushforward_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self.value_and_pushforward_stacked(x, dx, contexts, y)[1]


class Pullback(_Batched, AbstractPullback):
    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        # Cotangents that are Python numbers take the output's dtype, in the engine.
        xt, v, results = self._run(x, ty, contexts, _keep)
        return _value(v, x, y), tuple(_result(r, x, xt) for r in results)

    def value_and_pullback_stacked(
        self, x: Any, dy: Any, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Any]:
        v, dx = self._run_stacked(x, dy, contexts)
        return _value(v, x, y), dx


class HVP(_Batched, AbstractHVP):
    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> tuple[Any, Tangents]:
        xt, gr, results = self._run(x, tx, contexts, tangent)
        return _result(gr, x, xt), tuple(_result(r, x, xt) for r in results)

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        gr, dg = self._run_stacked(x, dx, contexts)
        return _result(gr, x, to_torch(x)), dg


class Gradient(AbstractGradient):
    """Classic autograd on a fresh leaf, the fastest eager path; torch.func inside a
    transform (classic autograd cannot see through one); the compiled function if any.

    The backward pass goes to autograd's engine with the cotangent ``1`` made once, in
    preparation: ``torch.autograd.grad`` would spend about as long as the engine itself,
    for a small ``f``, validating its arguments and making that ``1`` again.
    """

    def __init__(self, f: Fn, g: Fn, transformed: Fn, compiled: Fn | None, one: Tensor) -> None:
        # `g` is `f` wrapped for its Cache contexts; with no context at all it is `f`.
        self.f, self.g, self.transformed, self.compiled, self.one = f, g, transformed, compiled, one
        self.ones = storages(one)

    def gradient(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        if contexts or type(x) is not Tensor or transform_running() is not None or classic.depth:
            return self.value_and_gradient(x, contexts)[1]
        if self.compiled is not None:
            with torch.no_grad():
                return _fresh(self.compiled(x.detach())[1], self.ones)
        leaf = x.detach().requires_grad_()
        if torch.is_grad_enabled():
            return self._backward(self.f(leaf), leaf)
        with torch.enable_grad():
            return self._backward(self.f(leaf), leaf)

    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        xt = to_torch(x)
        cs = contexts_to_torch(contexts)
        if transform_running() is not None:  # inside an outer transform, nothing is the caller's
            v, g = self.transformed(xt, *cs)
            return back(v, x), back(g, x)
        if self.compiled is not None:
            refuse_under_classic()
            with torch.no_grad():
                v, g = self.compiled(xt.detach(), *cs)
        else:
            refuse_under_classic()
            leaf = xt.detach().requires_grad_()
            with torch.enable_grad():
                y = self.g(leaf, *cs)
                v, g = y.detach(), self._backward(y, leaf)
        taken = storages(xt, *cs)
        return back(owned(v, taken), x), back(_fresh(owned(g, taken), self.ones), x)

    def _backward(self, y: Any, leaf: Tensor) -> Tensor:
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        one = self.one
        if _run_backward is not None and y.device == one.device and type(leaf) is Tensor:
            (g,) = _run_backward((y,), (one,), False, False, (leaf,), True, accumulate_grad=False)
        else:
            (g,) = torch.autograd.grad(y, leaf, allow_unused=True)
        return torch.zeros_like(leaf) if g is None else _fresh(g, self.ones)


def _fresh(g: Tensor, ones: frozenset[int]) -> Tensor:
    """A gradient that autograd made of the cotangent ``1`` (``one.expand(x.shape)`` for
    ``f = x.sum()``) is a view of the prep's ``one``: the caller's copy of it."""
    if g.untyped_storage().data_ptr() in ones or 0 in g.stride():
        return g.clone()
    return g


class Jacobian(AbstractJacobian):
    def __init__(self, plain: Fn, with_value: Fn) -> None:
        self.plain, self.with_value = plain, with_value

    def jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        if y is not None:
            return self.value_and_jacobian(x, contexts, y)[1]
        xt = to_torch(x)
        cs = contexts_to_torch(contexts)
        with grad_free():
            J = self.plain(xt, *cs)
        return _result(_matrix(J, xt), x, xt)

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        xt = to_torch(x)
        cs = contexts_to_torch(contexts)
        with grad_free():
            v, J = self.with_value(xt, *cs)
        v = owned(v, storages(xt, *cs))
        return _value(v, x, y), _result(_matrix(J, xt, v.numel()), x, xt)


class Hessian(AbstractHessian):
    def __init__(self, plain: Fn, full: Fn) -> None:
        self.plain, self.full = plain, full

    def hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        xt = to_torch(x)
        cs = contexts_to_torch(contexts)
        with grad_free():
            H = self.plain(xt, *cs)
        n = xt.numel()
        return _result(_matrix(H, xt, n), x, xt)

    def value_gradient_and_hessian(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any, Any]:
        xt = to_torch(x)
        cs = contexts_to_torch(contexts)
        with grad_free():
            v, g, H = self.full(xt, *cs)
        n = xt.numel()
        taken = storages(xt, *cs)
        return back(owned(v, taken), x), _result(g, x, xt), _result(_matrix(H, xt, n), x, xt)


class SecondDerivative(AbstractSecondDerivative):
    def __init__(self, full: Fn) -> None:
        self.full = full

    def value_derivative_and_second_derivative(
        self, x: Any, contexts: tuple[Any, ...]
    ) -> tuple[Any, Any, Any]:
        xt = to_torch(x)
        cs = contexts_to_torch(contexts)
        with grad_free():
            v, d, d2 = self.full(xt, *cs)
        return back(owned(v, storages(xt, *cs)), x), _result(d, x, xt), _result(d2, x, xt)
