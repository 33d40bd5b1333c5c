"""Sparse results in the array family of ``x``.

numpy ``x`` gets a ``scipy.sparse.csr_array`` (:meth:`Plan.csr`); a ``jax.Array`` a
``jax.experimental.sparse.BCOO``, the sparse format that JAX's own sparse
Jacobians (asdex, sparsejac) return; another family, for want of a sparse format
every engine shares, the dense matrix. JAX is imported here only once ``x`` is one
of its arrays, so JAX is loaded already.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._core.arrays import family

__all__ = ["sparse_builder"]


def sparse_builder(plan: Any, x: Any) -> Callable[[Any], Any] | None:
    """``build(values)``: the result holding the pattern's entries ``values`` (in the order of
    its csr arrays), in the family of ``x``; None where that family gets a dense result."""
    if isinstance(x, np.ndarray):
        return plan.csr  # type: ignore[no-any-return]
    if family(x) == "jax":
        return _BCOO(plan)
    return None


class _BCOO:
    """Builds a ``BCOO`` around the entries (sorted, unique indices), its ``(nnz, 2)`` index
    array made once per device (JAX arrays are immutable: every result may share it). The
    result is assembled as JAX unflattens one, with no validation of a pattern known valid."""

    def __init__(self, plan: Any) -> None:
        import jax
        from jax.experimental.sparse import BCOO

        m, n = plan.shape
        rows = np.repeat(np.arange(m, dtype=np.int32), np.diff(plan.indptr))
        self.indices = np.stack([rows, plan.indices.astype(np.int32)], axis=1)
        template = BCOO((np.zeros(len(rows), np.float32), self.indices), shape=(m, n),
                        indices_sorted=True, unique_indices=True)
        self.treedef = jax.tree_util.tree_structure(template)
        self.on: dict[Any, Any] = {}  # device-placed indices, by sharding
        self._last: tuple[Any, Any] = (None, None)  # the sharding of the last call's, and them
        self._tracer, self._put, self._asarray = jax.core.Tracer, jax.device_put, jax.numpy.asarray

    def __call__(self, values: Any) -> Any:
        if isinstance(values, self._tracer):  # inside another transformation
            return self.treedef.unflatten((values, self._asarray(self.indices)))
        sharding = values.sharding
        last, indices = self._last
        if sharding is not last:  # JAX hands a compiled call's results the same sharding object
            indices = self.on.get(sharding)
            if indices is None:
                devices = values.devices()
                where = sharding if len(devices) == 1 else next(iter(devices))
                indices = self.on[sharding] = self._put(self.indices, where)
            self._last = (sharding, indices)
        return self.treedef.unflatten((values, indices))
