"""AutoSparse's prepared operators: one batch of compressed evaluations, then a gather.

A :class:`SparseJacobian` pushes the column seeds forward and/or pulls the row
seeds back in one batched call of the dense backend's executor; a
:class:`SparseHessian` takes one batch of hvps along the seeds. Their prep,
:class:`SparsePrep`, exposes the pattern and the coloring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from .._core.contexts import Context
from .._core.prep import Prep
from .._operators.executors import AbstractHessian, AbstractJacobian
from .._operators.hvp import hvp_executor
from .._operators.primitives import pullback_executor, pushforward_executor
from .._operators.values import caches_of, call_f, output
from .._registry.namespace import array_namespace
from ..errors import NotSupportedError, ShapeError
from ._coloring import Coloring
from ._decompression import Plan
from ._results import sparse_builder

__all__ = ["SparseHessian", "SparseJacobian", "SparsePrep"]

Contexts = tuple[Context[Any], ...]


def _seeds(S: np.ndarray, like: Any, shape: tuple[int, ...], dtype: Any = None) -> Any:
    """The seed rows ``S`` as stacked tangents of ``shape`` in ``like``'s family and dtype."""
    if S.shape[0] == 0:  # nothing to compute but the value: one zero seed
        S = np.zeros((1, S.shape[1]))
    dtype = getattr(like, "dtype", np.float64) if dtype is None else dtype
    if isinstance(like, np.ndarray) or not hasattr(like, "shape"):
        return S.astype(dtype).reshape((S.shape[0], *shape))
    from array_api_compat import device  # off the import path of adcore.sparse

    xp = array_namespace(like)
    return xp.reshape(xp.asarray(S, dtype=dtype, device=device(like)), (S.shape[0], *shape))


def _size(v: Any) -> int:
    return int(np.prod(np.shape(v), dtype=np.int64))


def _flat(v: Any, numpy: bool) -> Any:
    return v.reshape(-1) if numpy else array_namespace(v).reshape(v, (-1,))


class _Sparse:
    prep_class: ClassVar[type] = Prep
    plan: Plan

    @property
    def coloring(self) -> Coloring:
        return self.plan.coloring

    def _decompress(self, parts: list[Any]) -> Any:
        if self.numpy:
            compressed = parts[0] if len(parts) == 1 else np.concatenate(parts)
        else:
            xp = array_namespace(parts[0])
            compressed = parts[0] if len(parts) == 1 else xp.concat(parts)
        if compressed.shape[0] != self.expected:
            raise ShapeError(
                f"the compressed evaluations hold {compressed.shape[0]} values where the sparsity "
                f"pattern of shape {self.plan.shape} expects {self.expected}: the pattern does not "
                "fit f (a KnownJacobianSparsity of the wrong shape?)."
            )
        xp = None if self.numpy else array_namespace(compressed)
        return self.plan.decompress(compressed, xp, self.build)


class SparseJacobian(_Sparse, AbstractJacobian):
    """One batch of pushforwards along the column seeds and/or pullbacks along the row seeds.

    With one kind of seeds (a column or a row coloring), a call is one gathered call of the
    dense backend's executor (``gathered_pushforward``/``gathered_pullback``: the batch and
    the read of the entries, which an engine that compiles makes one call), then for numpy
    ``x`` a ``csr_array`` around the values. A bidirectional coloring needs both executors:
    their products are joined, then gathered here.
    """

    def __init__(self, dense: Any, f: Callable[..., Any], x: Any, contexts: Contexts, y: Any,
                 plan: Plan) -> None:
        self.plan, self.numpy, self.build = plan, isinstance(x, np.ndarray), sparse_builder(plan, x)
        if not self.numpy and plan.solver is not None:
            raise NotSupportedError("decompression='substitution' works for numpy inputs only")
        m, n = plan.shape
        y0 = output(f, x, contexts, y)
        if _size(y0) != m or _size(x) != n:
            raise ShapeError(
                f"f maps {_size(x)} inputs to {_size(y0)} outputs, but its sparsity pattern has shape "
                f"{plan.shape}: the pattern does not fit f (a KnownJacobianSparsity of the wrong shape?)."
            )
        kc, kr = plan.column_seeds.shape[0], plan.row_seeds.shape[0]
        use_rows = plan.coloring.kind == "row" or (plan.coloring.kind == "bidirectional" and kr > 0)
        use_cols = not use_rows or kc > 0
        self.expected = kc * m + kr * n
        self.pushforward = self.pullback = None
        if use_cols:
            self.dx = _seeds(plan.column_seeds, x, tuple(np.shape(x)))
            tx = tuple(self.dx[i] for i in range(self.dx.shape[0]))
            self.pushforward = pushforward_executor(dense, f, x, tx, contexts, y)
        if use_rows:
            if isinstance(y0, (float, int)):
                self.dy = _seeds(plan.row_seeds, x, (), np.asarray(y0).dtype)
                ty: tuple[Any, ...] = tuple(float(v) for v in plan.row_seeds[:, 0]) or (0.0,)
            else:
                self.dy = _seeds(plan.row_seeds, y0, tuple(np.shape(y0)))
                ty = tuple(self.dy[i] for i in range(self.dy.shape[0]))
            self.pullback = pullback_executor(dense, f, x, ty, contexts, y)
        if kc + kr == 0:  # an empty pattern: the one zero seed evaluates nothing to read
            self.expected = self.dx.shape[0] * m if use_cols else self.dy.shape[0] * n
        self._run = self._run_with_value = None
        if not (use_cols and use_rows):
            self._run = self._gathered(False)

    def _gathered(self, with_value: bool) -> Callable[..., Any]:
        """The one executor's gathered call: the entries of the pattern, or the dense matrix
        for a family without a sparse result."""
        if self.pushforward is not None:
            gathered, seeds, size = self.pushforward.gathered_pushforward, self.dx, self.plan.shape[0]
        else:
            gathered, seeds, size = self.pullback.gathered_pullback, self.dy, self.plan.shape[1]
        index = self.plan.index if self.build is not None else self.plan.dense_index(seeds.shape[0] * size)
        return gathered(seeds, index, with_value)  # type: ignore[no-any-return]

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        if self._run is not None:
            if self._run_with_value is None:
                self._run_with_value = self._gathered(True)
            value, values = self._run_with_value(x, contexts, y)
            return value, (values if self.build is None else self.build(values))
        value, dy = self.pushforward.value_and_pushforward_stacked(x, self.dx, contexts, y)  # type: ignore[union-attr]
        dx = self.pullback.pullback_stacked(x, self.dy, contexts, y)  # type: ignore[union-attr]
        return value, self._decompress([_flat(dy, self.numpy), _flat(dx, self.numpy)])

    def jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        if self._run is not None:
            values = self._run(x, contexts, y)
            return values if self.build is None else self.build(values)
        dy = self.pushforward.pushforward_stacked(x, self.dx, contexts, y)  # type: ignore[union-attr]
        dx = self.pullback.pullback_stacked(x, self.dy, contexts, y)  # type: ignore[union-attr]
        return self._decompress([_flat(dy, self.numpy), _flat(dx, self.numpy)])


class SparseHessian(_Sparse, AbstractHessian):
    """One batch of hvps along the seeds of a star or acyclic coloring."""

    def __init__(self, dense: Any, f: Callable[..., Any], x: Any, contexts: Contexts, plan: Plan) -> None:
        self.f, self.plan, self.numpy = f, plan, isinstance(x, np.ndarray)
        self.caches = caches_of(contexts)
        self.build = sparse_builder(plan, x)
        if not self.numpy and plan.solver is not None:
            raise NotSupportedError("decompression='substitution' works for numpy inputs only")
        self.dx = _seeds(plan.column_seeds, x, tuple(np.shape(x)))
        tx = tuple(self.dx[i] for i in range(self.dx.shape[0]))
        self.hvp = hvp_executor(dense, f, x, tx, contexts)
        self.expected = self.dx.shape[0] * plan.shape[1]

    def value_gradient_and_hessian(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any, Any]:
        grad, dg = self.hvp.gradient_and_hvp_stacked(x, self.dx, contexts)
        return call_f(self.f, x, contexts, self.caches), grad, self._decompress([_flat(dg, self.numpy)])

    def hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        dg = self.hvp.hvp_stacked(x, self.dx, contexts)
        return self._decompress([_flat(dg, self.numpy)])


# --- the prep of a sparse operator


class SparsePrep(Prep):
    """A ``Prep`` of ``AutoSparse``'s ``jacobian`` or ``hessian``, with what it found."""

    __slots__ = ()

    @property
    def coloring(self) -> Coloring:
        """The :class:`Coloring`: its kind, colors and pattern."""
        return self.executor.coloring  # type: ignore[no-any-return]

    @property
    def sparsity_pattern(self) -> Any:
        """The pattern detected: a boolean ``scipy.sparse.csr_array``."""
        return self.coloring.pattern

    @property
    def ncolors(self) -> int:
        """The number of compressed evaluations (pushforwards, pullbacks or hvps) per call."""
        return self.coloring.ncolors

    @property
    def colors(self) -> Any:
        """The color of each column (each row for a reverse-mode Jacobian); for ``MixedMode``
        the pair ``(row_colors, column_colors)``, ``-1`` marking those in no seed."""
        return self.coloring.colors

    def __repr__(self) -> str:
        P = self.sparsity_pattern
        return (f"{super().__repr__()[:-1]}; {self.ncolors} colors ({self.coloring.kind}) for a "
                f"{P.shape[0]}x{P.shape[1]} pattern with {P.nnz} nonzeros>")


_Sparse.prep_class = SparsePrep
