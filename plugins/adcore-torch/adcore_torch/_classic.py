"""The classic autograd engine: the same functions as ``_func``, on ``torch.autograd.grad``.

It serves where torch.func cannot trace ``f``: an ``autograd.Function`` without
``setup_context``, a call to ``backward`` or ``torch.autograd.grad`` inside
``f``, a write into a tensor captured from outside. One forward pass records
the graph, then one backward pass per (co)tangent; a pushforward is the
derivative of a pullback with respect to its cotangent (the double-backward
trick), so ``f``'s operations must be twice differentiable there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ._convert import recording, tangent

# The gradient is classic autograd already, in ``_executors.Gradient``.
__all__ = ["grad_of", "hessian", "hvp", "jacobian", "pullback", "pushforward", "second_derivative"]

Fn = Callable[..., Any]


def grad_of(y: Any, x: Any, w: Any = None, *, create_graph: bool = False) -> Any:
    """``w J`` of ``y`` at the leaf ``x`` (``grad(y)`` for a scalar ``y``), zeros where
    ``y`` does not depend on ``x``; the graph is kept for further calls."""
    if not (isinstance(y, torch.Tensor) and y.requires_grad):
        return torch.zeros_like(x)
    (r,) = torch.autograd.grad(y, x, w, retain_graph=True, create_graph=create_graph,
                               allow_unused=True)
    return torch.zeros_like(x) if r is None else r


def _record(g: Fn, x: Any, c: Any) -> tuple[Any, Any]:
    """The leaf ``x`` and ``g``'s output with its graph."""
    leaf = x.detach().requires_grad_()
    with recording():
        return leaf, g(leaf, *c)


def _directional(y: Any, x: Any, *, create_graph: bool = False) -> Fn:
    """``t -> J t`` for ``y`` at ``x``: the pullback ``u -> u J`` is linear in ``u``,
    and its derivative along ``t`` is ``J t``."""
    u = torch.zeros_like(y, requires_grad=True)
    uJ = grad_of(y, x, u, create_graph=True)
    return lambda t: grad_of(uJ, u, t, create_graph=create_graph)


def pushforward(g: Fn) -> tuple[Fn, Fn]:
    def many(x: Any, tx: Any, *c: Any) -> Any:
        with torch.enable_grad():
            leaf, v = _record(g, x, c)
            along = _directional(v, leaf)
            return v.detach(), [along(t) for t in tx]

    return _first(many), many


def pullback(g: Fn) -> tuple[Fn, Fn]:
    def many(x: Any, ty: Any, *c: Any) -> Any:
        with torch.enable_grad():
            leaf, v = _record(g, x, c)
            return v.detach(), [grad_of(v, leaf, tangent(w, v)) for w in ty]

    return _first(many), many


def jacobian(g: Fn, forward: bool) -> tuple[Fn, Fn]:
    """Rows by pullbacks of the basis of ``y`` (columns by pushforwards if ``forward``)."""

    def with_value(x: Any, *c: Any) -> Any:
        with torch.enable_grad():
            leaf, v = _record(g, x, c)
            if forward:
                along = _directional(v, leaf)
                cols = [along(e) for e in _basis(x)]
                J = torch.stack(cols, -1) if cols else v.new_zeros((*v.shape, 0))
            else:
                rows = [grad_of(v, leaf, e) for e in _basis(v)]
                J = torch.stack(rows) if rows else x.new_zeros((0, *x.shape))
            return v.detach(), J.reshape(v.shape + x.shape)

    return lambda x, *c: with_value(x, *c)[1], with_value


def hessian(g: Fn, forward: bool) -> tuple[Fn, Fn]:
    """Rows: the pullbacks of the basis through the gradient, recorded with its own graph."""

    def full(x: Any, *c: Any) -> Any:
        with torch.enable_grad():
            leaf, v = _record(g, x, c)
            gr = grad_of(v, leaf, create_graph=True)
            rows = [grad_of(gr, leaf, e) for e in _basis(x)]
            H = torch.stack(rows) if rows else x.new_zeros((0, *x.shape))
            return v.detach(), gr.detach(), H.reshape(x.shape + x.shape)

    return lambda x, *c: full(x, *c)[2], full


def hvp(g: Fn, forward: bool) -> tuple[Fn, Fn]:
    def many(x: Any, tx: Any, *c: Any) -> Any:
        with torch.enable_grad():
            leaf, v = _record(g, x, c)
            gr = grad_of(v, leaf, create_graph=True)
            return gr.detach(), [grad_of(gr, leaf, t) for t in tx]

    return _first(many), many


def second_derivative(g: Fn) -> Fn:
    def full(x: Any, *c: Any) -> Any:
        with torch.enable_grad():
            leaf, v = _record(g, x, c)
            one = torch.ones_like(leaf)
            d = _directional(v, leaf, create_graph=True)(one)
            d2 = _directional(d, leaf)(one)
            return v.detach(), d.detach(), d2

    return full


def _first(many: Fn) -> Fn:
    def one(x: Any, t: Any, *c: Any) -> Any:
        v, results = many(x, (t,), *c)
        return v, results[0]

    return one


def _basis(v: Any) -> Any:
    """The standard basis of the space of ``v``, each element shaped like ``v``."""
    n = v.numel()
    return torch.eye(n, dtype=v.dtype, device=v.device).reshape(n, *v.shape)
