"""Sparsity patterns as scipy.sparse arrays: scipy itself, canonical patterns, their
entries, and how a sparse result fills an ``out=`` buffer (registered with
``adcore.extend.copy_into`` and ``to_dense`` when scipy is first imported)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.arrays import copy_into, to_dense
from ..errors import MissingDependencyError, ShapeError

__all__ = ["as_pattern", "copy_sparse", "entries", "scipy_sparse"]

_registered = False


def scipy_sparse() -> Any:
    """``scipy.sparse``, or an ImportError that says which extra brings it."""
    try:
        import scipy.sparse
    except ImportError as e:  # pragma: no cover - scipy is the [sparse] extra
        raise MissingDependencyError(
            "adcore.sparse needs scipy for its sparse results and colorings; install it with "
            "`pip install adcore[sparse]`."
        ) from e
    global _registered
    if not _registered:  # a sparse result can exist only once scipy is imported: here
        copy_into.register(scipy.sparse.sparray)(copy_sparse)
        copy_into.register(scipy.sparse.spmatrix)(copy_sparse)
        to_dense.register(scipy.sparse.sparray)(_toarray)
        to_dense.register(scipy.sparse.spmatrix)(_toarray)
        _registered = True
    return scipy.sparse


def _toarray(value: Any) -> np.ndarray:
    return value.toarray()  # type: ignore[no-any-return]


def as_pattern(pattern: Any, shape: tuple[int, int] | None = None, what: str = "pattern") -> Any:
    """``pattern`` (a scipy.sparse array or matrix, or anything numpy reads as a matrix) as a
    canonical boolean ``csr_array`` of its nonzeros."""
    sp = scipy_sparse()
    if (isinstance(pattern, sp.csr_array) and pattern.dtype == bool and pattern.has_canonical_format
            and (shape is None or pattern.shape == shape) and pattern.data.all()):
        return pattern  # a detector's own result: used as it is, never edited
    if sp.issparse(pattern):
        P = sp.csr_array(pattern, dtype=bool, copy=True)
    else:
        dense = np.asarray(pattern)
        if dense.ndim != 2:
            raise ShapeError(f"{what} must be a matrix, got an array of shape {dense.shape}")
        P = sp.csr_array(dense != 0)
    P.eliminate_zeros()
    P.sum_duplicates()
    P.sort_indices()
    if shape is not None and P.shape != shape:
        raise ShapeError(f"{what} has shape {P.shape}, but this function needs {shape}")
    return P


def entries(P: Any) -> tuple[np.ndarray, np.ndarray]:
    """The row and column of each stored entry of the csr array ``P``, in its order."""
    rows = np.repeat(np.arange(P.shape[0]), np.diff(P.indptr))
    return rows, P.indices.astype(np.int64)



def copy_sparse(out: Any, value: Any, what: str = "out") -> Any:
    """``out=`` for a sparse result: a dense array of its shape, or a sparse array with its
    very pattern, filled in place; returns ``out``."""
    sp = scipy_sparse()
    if sp.issparse(out):
        same = (out.format == "csr" and out.shape == value.shape
                and np.array_equal(out.indptr, value.indptr) and np.array_equal(out.indices, value.indices))
        if not same:
            raise ShapeError(
                f"`{what}` is a sparse array whose pattern differs from the result's; pass a "
                "result of an earlier call with the same preparation, or a dense array."
            )
        if out.dtype != value.dtype:
            raise ShapeError(f"`{what}` has dtype {out.dtype} but the result has dtype {value.dtype}")
        out.data[...] = value.data
        return out
    shape = getattr(out, "shape", None)
    if shape is None or tuple(shape) != value.shape:
        raise ShapeError(f"`{what}` must have shape {value.shape} to receive this result; got "
                         f"{shape}. Pass a dense array of that shape or an earlier result.")
    if out.dtype != value.dtype:
        raise ShapeError(f"`{what}` has dtype {out.dtype} but the result has dtype {value.dtype}")
    out[...] = 0
    rows, cols = entries(value)
    out[rows, cols] = value.data
    return out
