"""Batches of tangents: stacking, unstacking, and the gather of a compressed product.

The executors' default stacked and gathered forms (``executors.py``) and the
fallbacks built on them go through these helpers; values stay in the namespace of
the engine that computed them (under an outer trace: its traced values).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._registry.namespace import array_namespace

__all__ = ["Gather", "stack", "unstack"]


def unstack(d: Any) -> tuple[Any, ...]:
    """The stacked tangents ``d`` of shape ``(k, *shape)`` as a tuple of ``k``."""
    return tuple(d[i] for i in range(d.shape[0]))


def stack(ts: tuple[Any, ...], like: Any, shape: tuple[int, ...] | None = None) -> Any:
    """The tuple ``ts`` stacked along a new first axis; for an empty ``ts``, an empty stack of
    ``shape``-shaped arrays in ``like``'s namespace and dtype (``shape`` given)."""
    if not ts:  # no tangents at all: the basis of an empty x or y
        xp = array_namespace(like)  # the dtype and device of `like`
        if shape is not None:
            return xp.reshape(xp.reshape(like, (-1,))[:0], (0, *shape))
        return xp.expand_dims(xp.zeros_like(like), axis=0)[:0]
    # The results' namespace first: under an outer engine's trace they are its traced
    # values (autograd boxes, JAX tracers), which numpy's stack would silently detach.
    return array_namespace(*ts, like).stack(ts)


class Gather:
    """``products`` flattened in C order and read at the numpy integer array ``index`` (of any
    shape), an entry equal to the number of products reading zero."""

    def __init__(self, index: Any) -> None:
        self.index, self.top = index, int(index.max()) if index.size else -1
        self.device, self.on_device = None, None

    def __call__(self, products: Any) -> Any:
        if isinstance(products, np.ndarray):
            flat = products.reshape(-1)
            if self.top >= flat.size:
                flat = np.concatenate([flat, np.zeros(1, flat.dtype)])
            return np.take(flat, self.index)
        from array_api_compat import device  # off `import adcore`'s path

        xp = array_namespace(products)
        flat = xp.reshape(products, (-1,))
        where = device(flat)
        if self.top >= flat.shape[0]:
            flat = xp.concat([flat, xp.zeros((1,), dtype=flat.dtype, device=where)])
        if self.on_device is None or self.device != where:  # the positions copied once per device
            self.device, self.on_device = where, xp.asarray(self.index.reshape(-1), device=where)
        return xp.reshape(xp.take(flat, self.on_device), self.index.shape)
