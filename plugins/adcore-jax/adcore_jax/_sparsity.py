"""``JaxprSparsityDetector``: global sparsity patterns read from the jaxpr of ``f``."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, final

import numpy as np

from adcore import Cache
from adcore.errors import ArgumentTypeError, MissingDependencyError, ShapeError
from adcore.extend import AbstractSparsityDetector

__all__ = ["JaxprSparsityDetector"]


@final
@dataclass(frozen=True)
class JaxprSparsityDetector(AbstractSparsityDetector):
    """JaxprSparsityDetector(): the global pattern, from the jaxpr of ``f`` traced at ``x``.

    ``f`` is traced once with ``jax.make_jaxpr`` (at the shape and dtype of ``x``), and
    every equation of the jaxpr says which input elements each element of its outputs
    depends on: ``jax.lax`` operations, ``jax.numpy`` functions, ``jnp.where``,
    ``lax.cond`` (either branch), loops, convolutions, ``jax.jit``, ``jax.checkpoint``
    and ``custom_jvp``/``custom_vjp`` functions are followed (the latter twice: the
    function itself, for finite differences, and the derivative JAX computes through
    their rules, traced with ``jax.vjp``, joined). The pattern holds at every ``x``, for
    the contexts ``f`` was traced with: contexts are closed over as constants, so that
    indices and conditions computed from them are followed as given. A primitive it
    does not know makes each of its outputs depend on all of its inputs (with a
    warning naming it); loops it cannot unroll give a superset (see the plugin's
    README). ``f`` that JAX cannot trace (control flow on values of ``x``, numpy
    functions) raises ``adcore.sparse.TracingError``.

    The Hessian pattern is the Jacobian pattern of ``jax.grad(f)``, symmetrized.

    >>> import jax, jax.numpy as jnp, numpy as np
    >>> from adcore_jax import JaxprSparsityDetector
    >>> f = lambda x: jnp.diff(x) * jax.lax.cummax(x)[1:]
    >>> JaxprSparsityDetector().jacobian_sparsity(f, np.ones(3)).toarray().astype(int)
    array([[1, 1, 0],
           [1, 1, 1]])
    """

    def jacobian_sparsity(
        self, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...] = (), *, y: Any = None
    ) -> Any:
        return _pattern(f, x, contexts, y, hessian=False)

    def hessian_sparsity(self, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...] = ()) -> Any:
        P = _pattern(f, x, contexts, None, hessian=True)
        P = (P + P.T).tocsr()
        P.sort_indices()
        return P


def _pattern(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any, *, hessian: bool) -> Any:
    import jax
    import jax.numpy as jnp

    try:
        import scipy.sparse as sp
    except ImportError as e:  # pragma: no cover - scipy is adcore's [sparse] extra
        raise MissingDependencyError("JaxprSparsityDetector needs scipy for its patterns; install it with "
                          "`pip install adcore[sparse]`.") from e

    from adcore.extend import with_scratch

    from ._scratch import Scratch, make
    from ._sparsity_rules import propagate

    shape = tuple(np.shape(x))
    dtype = np.dtype(getattr(x, "dtype", np.float64))
    if not np.issubdtype(dtype, np.inexact):
        dtype = np.dtype(np.float64)
    values = [c.value for c in contexts]

    def into(x: Any, *c: Any) -> Any:  # an in-place f, given a writable y
        buffer = Scratch(jnp.zeros(np.shape(y), x.dtype))
        f(buffer, x, *c)
        return buffer.value

    scratched = with_scratch(f if y is None else into, [isinstance(c, Cache) for c in contexts], make)

    def call(x: Any) -> Any:
        return scratched(x, *values)

    def scalar(x: Any) -> Any:
        out = call(x)
        if int(np.size(out)) != 1:
            raise ShapeError(f"hessian needs a scalar function, but f(x) has shape {np.shape(out)}; "
                             "use jacobian for array-valued functions.")
        return jnp.reshape(out, ())

    n = int(np.prod(shape, dtype=np.int64))
    with jax.enable_x64(dtype.itemsize >= 8):
        try:
            closed, out = jax.make_jaxpr(jax.grad(scalar) if hessian else call, return_shape=True)(
                jax.ShapeDtypeStruct(shape, dtype))
        except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
                jax.errors.TracerIntegerConversionError) as e:
            from adcore.sparse import TracingError

            raise TracingError(
                f"JaxprSparsityDetector could not trace f with jax.make_jaxpr ({type(e).__name__}): "
                "f must be written with jax.numpy (or adcore.array_namespace(x)), with jnp.where or "
                "jax.lax.cond for control flow on values. Detect the pattern at one point with "
                "DenseSparsityDetector(backend) instead."
            ) from e
        leaves = jax.tree_util.tree_leaves(out)
        if len(leaves) != 1:
            raise ArgumentTypeError(f"jacobian_sparsity needs f(x) to be one array, got {len(leaves)} arrays "
                                    f"({jax.tree_util.tree_structure(out)}).")
        [(P, _)] = propagate(closed.jaxpr, list(closed.consts), [(_identity(n), None)], n)
        rows = int(np.prod(leaves[0].shape, dtype=np.int64))
        if not hessian and _has_custom_rules(closed.jaxpr):
            spec = jax.ShapeDtypeStruct(shape, dtype)
            P = _union(P, _through_rules(call, spec, jax.ShapeDtypeStruct(leaves[0].shape, leaves[0].dtype)))
    return sp.csr_array((rows, n), dtype=bool) if P is None else P


def _identity(n: int) -> Any:
    import scipy.sparse as sp

    return sp.csr_array((np.ones(n, bool), np.arange(n), np.arange(n + 1)), shape=(n, n))


def _union(P: Any, Q: Any) -> Any:
    return Q if P is None else P if Q is None else P + Q


def _has_custom_rules(jaxpr: Any, names: tuple[str, ...] = ("custom_jvp_call", "custom_vjp_call")) -> bool:
    from jax.extend.core import subjaxprs

    return any(e.primitive.name in names for e in jaxpr.eqns) or any(
        _has_custom_rules(inner, names) for inner in subjaxprs(jaxpr))


def _through_rules(call: Callable[..., Any], x: Any, y: Any) -> Any:
    """The pattern of the Jacobian as JAX computes it, through custom derivative rules: that of
    the cotangent in in the cotangent out (``jax.vjp``), transposed, or where JAX cannot pull
    back (a while loop), of the tangent out in the tangent in (``jax.jvp``)."""
    import jax

    from ._sparsity_rules import propagate

    try:
        closed = jax.make_jaxpr(lambda x, ct: jax.vjp(call, x)[1](ct)[0])(x, y)
        width, transposed = int(np.prod(y.shape, dtype=np.int64)), True
    except (TypeError, ValueError):
        closed = jax.make_jaxpr(lambda x, t: jax.jvp(call, (x,), (t,))[1])(x, x)
        width, transposed = int(np.prod(x.shape, dtype=np.int64)), False
        if _has_custom_rules(closed.jaxpr, ("custom_lin",)):  # a custom_vjp rule inside a while loop
            warnings.warn("JaxprSparsityDetector could not differentiate f through its custom_vjp "
                          "rules: the pattern is that of f itself.", stacklevel=4)
            return None
    [(P, _)] = propagate(closed.jaxpr, list(closed.consts), [(None, None), (_identity(width), None)], width)
    if P is None or not transposed:
        return P
    P = P.T.tocsr()
    P.sort_indices()
    return P
