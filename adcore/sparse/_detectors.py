"""Sparsity detectors: which entries of a Jacobian or Hessian may be nonzero.

Every detector answers ``jacobian_sparsity(f, x, contexts, y=None)`` and
``hessian_sparsity(f, x, contexts)`` with a boolean ``scipy.sparse.csr_array``
of shape ``(y.size, x.size)`` or ``(x.size, x.size)``; ``contexts`` are
``adcore.Constant``/``adcore.Cache`` objects, as ``f`` receives them unwrapped.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, final

import numpy as np

from .._core.backend import AbstractBackend
from .._core.contexts import Cache, Context
from .._operators.hessian import hessian
from .._operators.jacobian import jacobian
from .._registry.convert import to_numpy
from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from ._patterns import as_pattern, scipy_sparse
from ._sets import expand
from ._tracer import Trace, Tracer, TracingError

__all__ = [
    "AbstractSparsityDetector",
    "DenseSparsityDetector",
    "KnownHessianSparsity",
    "KnownJacobianSparsity",
    "TracerSparsityDetector",
]

Contexts = tuple[Context[Any], ...]


class AbstractSparsityDetector(ABC):
    """Finds the sparsity pattern of a Jacobian or a Hessian; subclass it to add a detector.

    ``jacobian_sparsity`` must return a pattern that contains every entry that can be
    nonzero where the prepared operator will be used: the sparse operators read only
    the entries of the pattern, and an entry left out is silently lost.
    """

    @abstractmethod
    def jacobian_sparsity(
        self, f: Callable[..., Any], x: Any, contexts: Contexts = (), *, y: Any = None
    ) -> Any:
        """jacobian_sparsity(f, x, contexts=(), *, y=None) -> csr_array of bool, (y.size, x.size)"""

    @abstractmethod
    def hessian_sparsity(self, f: Callable[..., Any], x: Any, contexts: Contexts = ()) -> Any:
        """hessian_sparsity(f, x, contexts=()) -> csr_array of bool, (x.size, x.size), symmetric"""


# --- tracing


@final
@dataclass(frozen=True)
class TracerSparsityDetector(AbstractSparsityDetector):
    """TracerSparsityDetector(): the global pattern, by running ``f`` once on tracers.

    The tracers carry, for every element, the set of inputs it depends on (and, for
    Hessians, the pairs of inputs that interact nonlinearly) through numpy functions,
    ufuncs and the array API, without any AD engine. The pattern holds at every ``x``
    (for the constants and contexts ``f`` was traced with). Control flow on values of
    ``x`` raises ``adcore.sparse.TracingError``: use ``DenseSparsityDetector`` there.

    >>> import numpy as np, adcore as ad
    >>> P = ad.TracerSparsityDetector().jacobian_sparsity(lambda x: x[1:] * x[:-1], np.ones(3))
    >>> P.toarray().astype(int)
    array([[1, 1, 0],
           [0, 1, 1]])
    """

    def jacobian_sparsity(
        self, f: Callable[..., Any], x: Any, contexts: Contexts = (), *, y: Any = None
    ) -> Any:
        trace, out = _run(f, x, contexts, y, hessian=False)
        sp = scipy_sparse()
        n = trace.n
        if not isinstance(out, Tracer):
            return sp.csr_array((int(np.size(out)), n), dtype=bool)
        pos, vals = expand(out._deps.g, out._rows)
        index = np.int32 if max(n, vals.size) < 2**31 else np.int64
        indptr = np.zeros(out.size + 1, index)
        np.cumsum(np.bincount(pos, minlength=out.size), out=indptr[1:])
        return sp.csr_array((np.ones(vals.size, bool), vals.astype(index), indptr), shape=(out.size, n))

    def hessian_sparsity(self, f: Callable[..., Any], x: Any, contexts: Contexts = ()) -> Any:
        trace, out = _run(f, x, contexts, None, hessian=True)
        sp = scipy_sparse()
        n = trace.n
        if int(np.size(out)) != 1:
            raise ShapeError(
                f"hessian needs a scalar function, but f(x) has shape {np.shape(out)}; use "
                "jacobian for array-valued functions."
            )
        if not isinstance(out, Tracer):
            return sp.csr_array((n, n), dtype=bool)
        _, codes = expand(out._deps.h, out._rows)  # type: ignore[arg-type]
        i, j = codes // n, codes % n
        rows, cols = np.concatenate([i, j[i != j]]), np.concatenate([j, i[i != j]])
        P = sp.coo_array((np.ones(rows.size, bool), (rows, cols)), shape=(n, n)).tocsr()
        P.sort_indices()
        return P


def _dtype_of(x: Any) -> Any:
    dtype = x.dtype
    try:
        return np.dtype(dtype)
    except TypeError:  # an engine's dtype object, named as numpy names it (tf.float64, torch.float32)
        return np.dtype(getattr(dtype, "name", None) or str(dtype).rpartition(".")[2])


def _run(f: Callable[..., Any], x: Any, contexts: Contexts, y: Any, *, hessian: bool) -> Any:
    shape = tuple(np.shape(x))
    trace = Trace(int(np.prod(shape, dtype=np.int64)), hessian)
    xt = trace.tracer(np.arange(trace.n, dtype=np.int64).reshape(shape), _dtype_of(x))
    # Scratch space must take traced values: each Cache array becomes a traced buffer.
    values = [trace.constant(np.shape(c.value), _dtype_of(c.value))
              if isinstance(c, Cache) and hasattr(c.value, "shape") else c.value for c in contexts]
    try:
        if y is None:
            out = f(xt, *values)
        else:
            out = trace.constant(np.shape(y), _dtype_of(y))
            f(out, xt, *values)
    except TracingError:
        raise
    except (TypeError, ValueError) as e:
        if "setting an array element with a sequence" in str(e):
            raise TracingError(
                f"f writes a traced value into a numpy array ({e}): allocate that buffer with "
                "xp.zeros_like(x) or xp.empty_like(x), so that it can hold traced values, or "
                "detect the pattern at one point with DenseSparsityDetector(backend)."
            ) from e
        if "sparsity tracer" in str(e):
            raise TracingError(
                f"TracerSparsityDetector could not follow f: {type(e).__name__}: {e}. Detect the "
                "pattern at one point with DenseSparsityDetector(backend) instead."
            ) from e
        raise
    if isinstance(out, Tracer) and out._trace is not trace:
        raise TracingError("f returned a tracer of another detection")
    return trace, out


# --- one dense evaluation


@final
@dataclass(frozen=True)
class DenseSparsityDetector(AbstractSparsityDetector):
    """DenseSparsityDetector(backend, atol=0.0): the local pattern, from one dense
    Jacobian (or Hessian) computed with ``backend`` at the ``x`` of preparation.

    Entries with ``|value| > atol`` are kept. The pattern is local: an entry that
    happens to vanish at that ``x`` is left out, and later calls elsewhere lose it.
    With finite differences, whose structural zeros of a Hessian carry rounding
    noise, give an ``atol`` above that noise (e.g. ``1e-6``).
    """

    backend: Any
    atol: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.backend, AbstractBackend):
            raise ArgumentTypeError(f"DenseSparsityDetector: `backend` must be an adcore backend, got "
                                    f"{self.backend!r}")
        if not self.atol >= 0:
            raise ArgumentError(f"DenseSparsityDetector(atol={self.atol!r}): atol must be >= 0")

    def jacobian_sparsity(
        self, f: Callable[..., Any], x: Any, contexts: Contexts = (), *, y: Any = None
    ) -> Any:
        J = jacobian(f, self.backend, x, *contexts, **({} if y is None else {"y": y}))
        return self._pattern(J)

    def hessian_sparsity(self, f: Callable[..., Any], x: Any, contexts: Contexts = ()) -> Any:
        return self._pattern(hessian(f, self.backend, x, *contexts))

    def _pattern(self, M: Any) -> Any:
        return as_pattern(np.abs(to_numpy(M)) > self.atol)


# --- patterns given


@final
@dataclass(frozen=True, eq=False)
class KnownJacobianSparsity(AbstractSparsityDetector):
    """KnownJacobianSparsity(pattern): the Jacobian pattern you give, shape ``(y.size, x.size)``:
    a scipy.sparse array or matrix, or a dense array whose nonzeros mark the entries."""

    pattern: Any

    def __repr__(self) -> str:
        return f"KnownJacobianSparsity(<{_describe(self.pattern)}>)"

    def jacobian_sparsity(
        self, f: Callable[..., Any], x: Any, contexts: Contexts = (), *, y: Any = None
    ) -> Any:
        P = as_pattern(self.pattern, what="KnownJacobianSparsity's pattern")
        if P.shape[1] != int(np.size(x)):
            raise ShapeError(
                f"KnownJacobianSparsity's pattern has {P.shape[1]} columns, but x has {np.size(x)} "
                "elements; its shape must be (y.size, x.size)."
            )
        return P

    def hessian_sparsity(self, f: Callable[..., Any], x: Any, contexts: Contexts = ()) -> Any:
        raise ArgumentTypeError("KnownJacobianSparsity gives a Jacobian pattern; for hessian use "
                                "KnownHessianSparsity(pattern).")


@final
@dataclass(frozen=True, eq=False)
class KnownHessianSparsity(AbstractSparsityDetector):
    """KnownHessianSparsity(pattern): the symmetric Hessian pattern you give, ``(x.size, x.size)``."""

    pattern: Any

    def __repr__(self) -> str:
        return f"KnownHessianSparsity(<{_describe(self.pattern)}>)"

    def jacobian_sparsity(
        self, f: Callable[..., Any], x: Any, contexts: Contexts = (), *, y: Any = None
    ) -> Any:
        raise ArgumentTypeError("KnownHessianSparsity gives a Hessian pattern; for jacobian use "
                                "KnownJacobianSparsity(pattern).")

    def hessian_sparsity(self, f: Callable[..., Any], x: Any, contexts: Contexts = ()) -> Any:
        n = int(np.size(x))
        P = as_pattern(self.pattern, (n, n), "KnownHessianSparsity's pattern")
        if (P != P.T).nnz:
            raise ArgumentError("KnownHessianSparsity's pattern must be symmetric.")
        return P


def _describe(pattern: Any) -> str:
    shape = getattr(pattern, "shape", None) or np.shape(pattern)
    nnz = getattr(pattern, "nnz", None)
    if nnz is None:
        nnz = int(np.count_nonzero(np.asarray(pattern)))
    return f"{'x'.join(map(str, shape))} pattern, {nnz} nonzeros"
