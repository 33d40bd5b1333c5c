"""The torch.func engine: each operator as one composition of torch.func transforms.

Every builder takes ``g(x, *contexts)`` (see ``_convert.traceable``) and returns
plain functions of tensors, which ``compile=True`` hands to ``torch.compile``
whole. A batch of tangents is one call: ``vmap`` over ``jvp`` (or over the
function ``vjp`` returns), the value computed once (``out_dims=None``).
``_classic`` builds the same functions on classic autograd.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch.func import grad, grad_and_value, jacfwd, jacrev, jvp, vjp, vmap

from ._convert import quiet_torch_internals, tangent

__all__ = ["gradient", "hessian", "hvp", "jacobian", "pullback", "pushforward", "second_derivative"]

Fn = Callable[..., Any]


def _start_forward_mode() -> None:
    """Run forward-mode AD once: torch's first use of it scripts decompositions with the
    deprecated ``torch.jit.script``, and under ``-W error`` every ``jvp`` would fail until
    a first one succeeds."""
    with quiet_torch_internals():
        jvp(torch.sin, (torch.zeros(()),), (torch.ones(()),))


_start_forward_mode()


def gradient(g: Fn) -> Fn:
    """``(x, *c) -> (f(x), grad)``."""
    gv = grad_and_value(g)

    def value_and_gradient(x: Any, *c: Any) -> Any:
        gr, v = gv(x, *c)
        return v, gr

    return value_and_gradient


def pushforward(g: Fn) -> tuple[Fn, Fn]:
    """``one(x, t, *c) -> (f(x), J t)`` and ``many(x, tx, *c) -> (f(x), stacked J t)``."""

    def one(x: Any, t: Any, *c: Any) -> Any:
        return jvp(lambda x: g(x, *c), (x,), (t,))

    def many(x: Any, tx: Any, *c: Any) -> Any:
        push = lambda t: jvp(lambda x: g(x, *c), (x,), (t,))
        return vmap(push, out_dims=(None, 0))(torch.stack(tx))

    return one, many


def pullback(g: Fn) -> tuple[Fn, Fn]:
    """``one(x, w, *c) -> (f(x), w J)`` and ``many(x, ty, *c) -> (f(x), stacked w J)``."""

    def one(x: Any, w: Any, *c: Any) -> Any:
        v, pull = vjp(lambda x: g(x, *c), x)
        return v, pull(tangent(w, v))[0]

    def many(x: Any, ty: Any, *c: Any) -> Any:
        v, pull = vjp(lambda x: g(x, *c), x)
        return v, vmap(pull)(torch.stack([tangent(w, v) for w in ty]))[0]

    return one, many


def jacobian(g: Fn, forward: bool) -> tuple[Fn, Fn]:
    """``plain(x, *c) -> J`` and ``with_value(x, *c) -> (f(x), J)``, J of shape ``y.shape + x.shape``."""
    transform = jacfwd if forward else jacrev
    plain = transform(g)

    def twice(x: Any, *c: Any) -> Any:
        v = g(x, *c)
        return v, v

    both = transform(twice, has_aux=True)

    def with_value(x: Any, *c: Any) -> Any:
        if x.numel() == 0:  # torch.func's jacfwd indexes a basis that an empty x lacks
            v = g(x, *c)
            return v, x.new_zeros(v.shape + x.shape)
        J, v = both(x, *c)
        return v, J

    return lambda x, *c: with_value(x, *c)[1] if x.numel() == 0 else plain(x, *c), with_value


def hessian(g: Fn, forward: bool) -> tuple[Fn, Fn]:
    """``plain(x, *c) -> H`` and ``full(x, *c) -> (f(x), grad, H)``: forward over reverse
    (``torch.func.hessian``) unless ``forward`` is False."""
    outer = jacfwd if forward else jacrev
    plain = outer(jacrev(g))
    gv = grad_and_value(g)

    def grad_with_aux(x: Any, *c: Any) -> Any:
        gr, v = gv(x, *c)
        return gr, (v, gr)

    both = outer(grad_with_aux, has_aux=True)

    def full(x: Any, *c: Any) -> Any:
        if x.numel() == 0:  # torch.func's jacfwd indexes a basis that an empty x lacks
            return g(x, *c), torch.zeros_like(x), x.new_zeros(x.shape + x.shape)
        H, (v, gr) = both(x, *c)
        return v, gr, H

    return lambda x, *c: full(x, *c)[2] if x.numel() == 0 else plain(x, *c), full


def hvp(g: Fn, forward: bool) -> tuple[Fn, Fn]:
    """``one(x, t, *c) -> (grad, H t)`` and ``many(x, tx, *c) -> (grad, stacked H t)``:
    the pushforward of the gradient, or its pullback (H is symmetric) if not ``forward``."""
    gradient_of = grad(g)
    if forward:

        def one(x: Any, t: Any, *c: Any) -> Any:
            return jvp(lambda x: gradient_of(x, *c), (x,), (t,))

        def many(x: Any, tx: Any, *c: Any) -> Any:
            push = lambda t: jvp(lambda x: gradient_of(x, *c), (x,), (t,))
            return vmap(push, out_dims=(None, 0))(torch.stack(tx))

        return one, many

    def one_reverse(x: Any, t: Any, *c: Any) -> Any:
        gr, pull = vjp(lambda x: gradient_of(x, *c), x)
        return gr, pull(t)[0]

    def many_reverse(x: Any, tx: Any, *c: Any) -> Any:
        gr, pull = vjp(lambda x: gradient_of(x, *c), x)
        return gr, vmap(pull)(torch.stack(tx))[0]

    return one_reverse, many_reverse


def second_derivative(g: Fn) -> Fn:
    """``full(x, *c) -> (f(x), f'(x), f''(x))`` for a 0-d ``x``: a pushforward of a pushforward."""

    def full(x: Any, *c: Any) -> Any:
        one = torch.ones_like(x)

        def derivative_with_value(x: Any) -> Any:
            v, d = jvp(lambda x: g(x, *c), (x,), (one,))
            return d, v

        d, d2, v = jvp(derivative_with_value, (x,), (one,), has_aux=True)
        return v, d, d2

    return full
