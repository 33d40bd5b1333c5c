"""Sparse results for ``jax.Array`` inputs: ``AutoSparse`` returns a ``BCOO``.

It is what JAX's own sparse Jacobians (asdex, sparsejac) return, built by the hook
``adcore_sparse_result``; JAX is imported here only once an ``x`` is one of its arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from adcore.extend import to_dense

__all__ = ["BCOOBuilder"]


class BCOOBuilder:
    """Builds a ``BCOO`` around the entries (sorted, unique indices), its ``(nnz, 2)`` index
    array made once per device (JAX arrays are immutable: every result may share it). The
    result is assembled as JAX unflattens one, with no validation of a pattern known valid.
    Its `todense` is registered with adcore.extend.to_dense, so that `out=` reads it."""

    def __init__(self, pattern: Any) -> None:
        import jax
        from jax.experimental.sparse import BCOO

        to_dense.register(BCOO)(BCOO.todense)

        m, n = pattern.shape
        rows = np.repeat(np.arange(m, dtype=np.int32), np.diff(pattern.indptr))
        self.indices = np.stack([rows, pattern.indices.astype(np.int32)], axis=1)
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
