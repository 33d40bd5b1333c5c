"""jacobian: the matrix ``(y.size, x.size)`` of an array function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._core.arrays import basis, copy_into, family, is_scalar, writable_numpy
from .._core.contexts import unwrap
from .executors import AbstractJacobian, AbstractPullback, AbstractPushforward
from .._registry.namespace import array_namespace
from .._core.prep import Prep
from ..errors import NotSupportedError
from .common import make_prep, validate

__all__ = ["jacobian", "jacobian_executor", "prepare_jacobian", "value_and_jacobian"]

# --- public


def jacobian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Any:
    """jacobian(f, backend, x, *contexts, prep=None, out=None, y=None) -> J

    The Jacobian of ``f`` at ``x``, a matrix of shape ``(y.size, x.size)`` whose
    rows and columns follow the C order of ``y`` and ``x``.

    >>> import numpy as np, adcore as ad
    >>> ad.jacobian(lambda x: x[::-1] * 2, ad.AutoFiniteDiff(), np.ones(2)).round(6)
    array([[0., 2.],
           [2., 0.]])
    """
    if prep is None:
        prep = prepare_jacobian(f, backend, x, *contexts, y=y)
    elif prep.strict:
        prep.check("jacobian", f, backend, x, contexts, None, y)
    J = prep.executor.jacobian(x, contexts and unwrap(contexts), y)
    return J if out is None else copy_into(out, J)


def value_and_jacobian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Any]:
    """value_and_jacobian(f, backend, x, *contexts, prep=None, out=None, y=None) -> (f(x), J)

    >>> import numpy as np, adcore as ad
    >>> value, J = ad.value_and_jacobian(lambda x: 3 * x, ad.AutoFiniteDiff(), np.ones(1))
    >>> value, J.round(6)
    (array([3.]), array([[3.]]))
    """
    if prep is None:
        prep = prepare_jacobian(f, backend, x, *contexts, y=y)
    elif prep.strict:
        prep.check("jacobian", f, backend, x, contexts, None, y)
    value, J = prep.executor.value_and_jacobian(x, contexts and unwrap(contexts), y)
    return value, (J if out is None else copy_into(out, J))


def prepare_jacobian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any, y: Any = None, strict: bool = True
) -> Prep:
    """prepare_jacobian(f, backend, x, *contexts, y=None, strict=True) -> prep

    Preparation for ``jacobian`` and ``value_and_jacobian`` at any ``x`` like this one.
    """
    validate("jacobian", f, backend, x, contexts, y=y)
    if is_scalar(x):
        raise TypeError("jacobian: x must be an array; for a scalar x use adcore.derivative.")
    executor = jacobian_executor(backend, f, x, contexts, y)
    return make_prep("jacobian", executor, f, backend, x, contexts, y=y, strict=strict)


# --- preparation


def jacobian_executor(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any = None
) -> AbstractJacobian:
    """The backend's native Jacobian, else one built from its primitives:
    batched pushforwards when ``x`` is smaller than ``y``, pullbacks otherwise."""
    if "jacobian" in backend.native:
        return backend.prepare_jacobian(f, x, contexts, y=y)
    forward, reverse = "forward" in backend.modes, "reverse" in backend.modes
    if not (forward or reverse):
        raise NotSupportedError(f"jacobian: {backend!r} declares neither pushforward nor pullback.")
    y0 = None
    if forward and reverse and backend.mode is None:
        y0 = _output(f, x, contexts, y)
        forward = _size(x) <= _size(y0)
    elif forward and reverse:
        forward = backend.mode == "forward"
    if forward:
        return jacobian_from_pushforward(backend, f, x, contexts, y)
    return jacobian_from_pullback(backend, f, x, contexts, y, y0)


def _output(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any) -> Any:
    """``f(x)`` once, to learn the shape of the output (a copy of ``y`` if in-place)."""
    if y is None:
        return f(x, *unwrap(contexts))
    f(y, x, *unwrap(contexts))
    return y


def _size(v: Any) -> int:
    n = 1
    for d in getattr(v, "shape", ()):
        n *= int(d)
    return n


# --- fallback: jacobian from pushforward


def jacobian_from_pushforward(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any = None
) -> AbstractJacobian:
    from .pushforward import pushforward_executor

    xp = array_namespace(x)
    dx = basis(x, xp)
    n = dx.shape[0]
    pushforward = pushforward_executor(backend, f, x, tuple(dx[i] for i in range(n)), contexts, y)
    if type(pushforward).gathered_pushforward is AbstractPushforward.gathered_pushforward:
        return JacobianFromPushforward(pushforward, dx, xp)
    # The engine fuses products and gather in one call (it compiles): the gather that
    # reads the stacked columns as the matrix J replaces a transposition of its own.
    m = _size(_output(f, x, contexts, y))
    index = np.ascontiguousarray(np.arange(n * m).reshape(n, m).T)
    return JacobianFromGather(pushforward, dx, index, family(x) == "numpy")


class JacobianFromPushforward(AbstractJacobian):
    """Columns of J: one batch of pushforwards along the basis of x."""

    def __init__(self, pushforward: AbstractPushforward, dx: Any, xp: Any) -> None:
        self.pushforward, self.dx, self.xp, self.n = pushforward, dx, xp, dx.shape[0]

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        value, dy = self.pushforward.value_and_pushforward_stacked(x, self.dx, contexts, y)
        return value, self._columns(dy)

    def jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self._columns(self.pushforward.pushforward_stacked(x, self.dx, contexts, y))

    def _columns(self, dy: Any) -> Any:
        # In dy's own namespace (under an outer trace it holds the tracer's values), with
        # permute_dims: TensorFlow's tensors have no .T.
        xp = array_namespace(dy)
        return xp.permute_dims(_matrix(xp, dy, self.n), (1, 0))


class JacobianFromGather(AbstractJacobian):
    """Columns of J: the pushforwards along the basis of x, read as a matrix, in one call."""

    def __init__(self, pushforward: AbstractPushforward, dx: Any, index: Any, numpy: bool) -> None:
        self._plain = pushforward.gathered_pushforward(dx, index)
        self._value = pushforward.gathered_pushforward(dx, index, with_value=True)
        self._read = writable_numpy if numpy else None  # for numpy x the engine may give its own array

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        value, J = self._value(x, contexts, y)
        return value, (J if self._read is None else self._read(J))

    def jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        J = self._plain(x, contexts, y)
        return J if self._read is None else self._read(J)


# --- fallback: jacobian from pullback


def jacobian_from_pullback(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any = None,
    y0: Any = None,
) -> AbstractJacobian:
    from .pullback import pullback_executor

    y0 = _output(f, x, contexts, y) if y0 is None else y0
    if is_scalar(y0):
        xp = array_namespace(x)
        dy = xp.ones((1,), dtype=xp.float64)
        ty: tuple[Any, ...] = (1.0,)
    else:
        xp = array_namespace(y0)
        dy = basis(y0, xp)
        ty = tuple(dy[i] for i in range(dy.shape[0]))
    return JacobianFromPullback(pullback_executor(backend, f, x, ty, contexts, y), dy, xp)


class JacobianFromPullback(AbstractJacobian):
    """Rows of J: one batch of pullbacks along the basis of y."""

    def __init__(self, pullback: AbstractPullback, dy: Any, xp: Any) -> None:
        self.pullback, self.dy, self.xp, self.m = pullback, dy, xp, dy.shape[0]

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        value, dx = self.pullback.value_and_pullback_stacked(x, self.dy, contexts, y)
        return value, _matrix(self.xp, dx, self.m)


def _matrix(xp: Any, d: Any, rows: int) -> Any:
    """Stacked products ``(rows, *shape)`` as a matrix ``(rows, size)``. Reshaped only
    when not one already: on an engine that runs eagerly (JAX outside jit), every
    operation is a dispatch that costs as much as a small Jacobian."""
    return d if len(d.shape) == 2 else xp.reshape(d, (rows, -1))
