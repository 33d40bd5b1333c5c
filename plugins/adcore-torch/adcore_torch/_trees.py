"""AutoTorch's gradient over a pytree ``x`` (``dict(model.named_parameters())``): classic
autograd on the leaves themselves, as ``torch.autograd.grad(loss, params)`` is called.

The core hands a pytree ``x`` to the operators AutoTorch declares in ``pytrees``, with a
prep that checks its structure. A leaf that autograd already tracks as a leaf (a model's
parameter) is differentiated as it is, never modified: ``torch.autograd.grad`` writes no
``.grad``. Any other leaf is detached into a fresh leaf, and ``f`` gets the pytree rebuilt
with those. numpy leaves give numpy results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import optree
import torch
from torch import Tensor

from adcore.errors import ShapeError
from adcore.extend import AbstractGradient

try:  # what torch.autograd.grad calls once it has checked its arguments
    from torch.autograd.graph import _engine_run_backward as _run_backward
except ImportError:  # pragma: no cover - torch before 2.3: the public path
    _run_backward = None

from ._convert import back, contexts_to_torch, refuse_under_classic, to_torch, traceable, transform_running

__all__ = ["TreeGradient", "is_tree"]

_NAMESPACE = "adcore"  # the optree namespace the core flattens pytrees with


def is_tree(x: Any) -> bool:
    """Whether ``x`` is a pytree rather than one array or number."""
    return not isinstance(x, (Tensor, np.ndarray, np.generic, float, int, complex))


class TreeGradient(AbstractGradient):
    """The gradient of a scalar ``f`` over the leaves of a pytree ``x``."""

    def __init__(self, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...]) -> None:
        from adcore import Cache

        self.f = f
        self.g = traceable(f, [isinstance(c, Cache) for c in contexts])
        # a dict of tensors, the usual parameters: its values in the prepared order, no flattening
        self.keys = tuple(x) if type(x) is dict and all(isinstance(v, Tensor) for v in x.values()) else None
        leaves, self.treedef = optree.tree_flatten(x, namespace=_NAMESPACE)
        self.host = not isinstance(leaves[0], Tensor)
        self.engine = "classic autograd"
        first = to_torch(leaves[0])
        self.one = torch.ones((), dtype=first.dtype, device=first.device)

    def gradient(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.value_and_gradient(x, contexts)[1]

    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        keys = self.keys
        if keys is not None and type(x) is dict:
            leaves = [x[k] for k in keys]
        else:
            leaves = optree.tree_leaves(x, namespace=_NAMESPACE)
        ts = [to_torch(leaf) for leaf in leaves] if self.host else leaves
        cs = contexts_to_torch(contexts)
        if transform_running() is not None:  # inside an outer torch.func transform
            grads, value = torch.func.grad_and_value(self._on_leaves(cs), argnums=0)(ts)
            return value, self._tree(list(grads), leaves)
        refuse_under_classic()
        inputs = [t if t.requires_grad and t.is_leaf else t.detach().requires_grad_() for t in ts]
        tree = x if all(map(_same, inputs, leaves)) else self._tree(inputs, None)
        with torch.enable_grad():
            y = self.g(tree, *cs)
        if not isinstance(y, Tensor) or y.shape != ():
            raise ShapeError(f"gradient needs a scalar function, but f(x) is {_describe(y)}; use "
                             "adcore.jacobian for array-valued functions, or reduce the output.")
        if not y.requires_grad:
            grads: list[Any] = [None] * len(inputs)
        elif _run_backward is not None and y.dtype == self.one.dtype and y.device == self.one.device:
            # what torch.autograd.grad calls once it has checked its arguments
            grads = list(_run_backward((y,), (self.one,), False, False, tuple(inputs), True,
                                       accumulate_grad=False))
        else:
            grads = list(torch.autograd.grad(y, inputs, allow_unused=True))
        one = self.one.data_ptr()
        grads = [torch.zeros_like(i) if g is None else _own(g, one) for g, i in zip(grads, inputs)]
        value = y.detach() if y.grad_fn is not None and not y._is_view() else y.detach().clone()
        return (back(value, leaves[0]) if self.host else value), self._tree(grads, leaves)

    def _on_leaves(self, cs: tuple[Any, ...]) -> Callable[[list[Tensor]], Any]:
        return lambda ts: self.g(self._tree(ts, None), *cs)

    def _tree(self, values: list[Any], leaves: list[Any] | None) -> Any:
        if leaves is not None and self.host:
            values = [back(v, leaf) for v, leaf in zip(values, leaves)]
        if self.keys is not None:
            return dict(zip(self.keys, values))
        return optree.tree_unflatten(self.treedef, values)


def _same(t: Tensor, leaf: Any) -> bool:
    return t is leaf


def _own(g: Tensor, one: int) -> Tensor:
    """``g``, the caller's own: autograd's results are fresh, but for the cotangent ``1``
    itself (``f = x`` for a 0-d ``x``) or made ``x.shape`` by ``expand`` (``f = x.sum()``)."""
    return g.clone() if 0 in g.stride() or g.data_ptr() == one else g


def _describe(y: Any) -> str:
    shape = getattr(y, "shape", None)
    return f"of shape {tuple(shape)}" if shape is not None else f"a {type(y).__qualname__}"
