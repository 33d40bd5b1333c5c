"""hessian: the matrix ``(x.size, x.size)`` of second derivatives of a scalar function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.arrays import basis
from .._core.contexts import unwrap
from .._core.prep import Prep
from .._registry.namespace import array_namespace
from ..errors import NotSupportedError
from .common import ARRAY, LIKE, check_out, fill, make_prep, prepare_native, routed, strict, validate
from .executors import AbstractHessian
from .hvp import hvp_executor
from .tree_executor import prepare_tree
from .trees import is_tree
from .values import caches_of, call_f

__all__ = ["hessian", "hessian_executor", "prepare_hessian", "value_gradient_and_hessian"]

# --- public


def hessian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Any:
    """hessian(f, backend, x, *contexts, prep=None, out=None) -> H

    The Hessian of the scalar function ``f`` at ``x``: a matrix ``(x.size, x.size)``.

    >>> import numpy as np, adcore as ad
    >>> ad.hessian(lambda x: x[0] * x[1], ad.AutoFiniteDiff(), np.ones(2)).round(3)
    array([[0., 1.],
           [1., 0.]])
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("hessian", out)
    if prep is None:
        prep = prepare_hessian(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "hessian"):  # no frame for a Prep
        prep.check("hessian", f, backend, x, contexts, None, y)
    H = prep.executor.hessian(x, contexts and unwrap(contexts))
    return H if out is None else fill(out, H)


def value_gradient_and_hessian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Any, Any]:
    """value_gradient_and_hessian(f, backend, x, *contexts, prep=None, out=None) -> (f(x), grad, H)

    ``out`` is a pair of buffers ``(grad, H)``.
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("hessian", out, (LIKE, ARRAY))
    if prep is None:
        prep = prepare_hessian(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "hessian"):  # no frame for a Prep
        prep.check("hessian", f, backend, x, contexts, None, y)
    value, grad, H = prep.executor.value_gradient_and_hessian(x, contexts and unwrap(contexts))
    if out is None:
        return value, grad, H
    return (value, *fill(out, (grad, H), (LIKE, ARRAY)))


def prepare_hessian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any, y: Any = None, strict: bool = True
) -> Prep:
    """prepare_hessian(f, backend, x, *contexts, strict=True) -> prep"""
    if is_tree(x):
        return prepare_tree("hessian", lambda g, v, _: hessian_executor(backend, g, v, contexts),
                            f, backend, x, contexts, y=y, strict=strict)
    validate("hessian", f, backend, x, contexts, y=y)
    executor = hessian_executor(backend, f, x, contexts)
    return make_prep("hessian", executor, f, backend, x, contexts, strict=strict)


# --- preparation


def hessian_executor(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...]
) -> AbstractHessian:
    """The backend's native Hessian, else one batch of hvps along the basis of ``x``."""
    backend = routed(backend, "hessian")
    if "hessian" in backend.native:
        return prepare_native(backend, "hessian", f, x, contexts)
    if "complex" in str(getattr(x, "dtype", "")):
        raise NotSupportedError(
            f"hessian: {backend!r} gives no Hessian of a complex x (dtype {x.dtype}): that of a "
            "real f of complex x is a real-linear map, which no complex matrix represents in "
            "general. Use hvp, or differentiate with respect to the real and imaginary parts: "
            "pass np.concatenate([x.real, x.imag]) and rebuild x inside f.")
    return HessianFromHVP(backend, f, x, contexts)


# --- fallback: hessian from hvps over the basis


class HessianFromHVP(AbstractHessian):
    def __init__(self, backend: Any, f: Callable[..., Any], x: Any, contexts: Any) -> None:
        self.f, self.xp, self.caches = f, array_namespace(x), caches_of(contexts)
        self.dx = basis(x, self.xp)
        self.n = self.dx.shape[0]
        # An empty x has no basis: prepare for one (empty) tangent, called with none.
        tx = tuple(self.dx[i] for i in range(self.n)) or (self.xp.zeros_like(x),)
        self.hvp = hvp_executor(backend, f, x, tx, contexts)

    def value_gradient_and_hessian(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any, Any]:
        grad, H = self._gradient_and_hessian(x, contexts)
        return call_f(self.f, x, contexts, self.caches), grad, H

    def hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self._matrix(self.hvp.hvp_stacked(x, self.dx, contexts))

    def _gradient_and_hessian(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        grad, dg = self.hvp.gradient_and_hvp_stacked(x, self.dx, contexts)
        return grad, self._matrix(dg)

    def _matrix(self, dg: Any) -> Any:
        # Row i of dg is H @ e_i, column i of H. In dg's own namespace (under an outer trace
        # it holds the tracer's values), with permute_dims: TensorFlow's tensors have no .T.
        xp = array_namespace(dg)
        return xp.permute_dims(xp.reshape(dg, (self.n, self.n)), (1, 0))
