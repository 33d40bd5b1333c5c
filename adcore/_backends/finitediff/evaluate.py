"""``AutoFiniteDiff``: finite differences in plain numpy, the backend that needs no engine.

Every prepared operator owns one private working copy of ``x``. It perturbs one
or two coordinates of that copy in place (``xw[i] = xi + h; f(xw); xw[i] = xi``),
or writes ``x + s * t`` into it for a direction ``t``, evaluates ``f`` there and
combines the values into difference quotients. Nothing of size ``n * n`` is
allocated except a result that has that size (Jacobian, Hessian), and ``x``
itself is never written. With ``executor=``, the same points are copied out and
evaluated with ``executor.map`` instead, each with its own copy of ``x``.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from numbers import Real
from typing import Any, ClassVar, final

import numpy as np

from .._backend import AbstractBackend
from .._contexts import Cache, Context
from .._executors import (
    AbstractDerivative,
    AbstractGradient,
    AbstractHessian,
    AbstractHVP,
    AbstractJacobian,
    AbstractPushforward,
    AbstractSecondDerivative,
)
from ..errors import NotSupportedError

__all__ = ["AutoFiniteDiff"]

Contexts = tuple[Context[Any], ...]
_METHODS = ("forward", "backward", "central", "complex")
#: Offsets of the real methods' stencil points, in units of the step.
_OFFSETS = {"forward": (1,), "backward": (-1,), "central": (1, -1)}

# --- the backend


@final
@dataclass(frozen=True, repr=False)
class AutoFiniteDiff(AbstractBackend):
    """AutoFiniteDiff(method="central", step=None, executor=None): finite differences.

    Args:
        method: ``"forward"`` or ``"backward"`` (error O(h), ``n + 1`` calls of ``f``
            per gradient), ``"central"`` (O(h**2), ``2n + 1`` calls), or ``"complex"``
            (the complex step: ``f`` is called at ``x + i*h`` and must be complex
            analytic; nearly exact first derivatives for ``n + 1`` calls).
        step: the relative step ``h``, the perturbation of ``x[i]`` being
            ``h * max(1, |x[i]|)``; ``None`` picks the step that balances truncation
            against rounding for the method, the dtype and the derivative's order
            (with eps of x's dtype: sqrt(eps) one-sided and cbrt(eps) central for first
            derivatives, eps**(1/3) and eps**(1/4) for second ones; 1e-20 in double and
            1e-10 in single precision for the imaginary step). A given step serves every
            operator; for ``"complex"`` it is the imaginary step.
        executor: a ``concurrent.futures.Executor``; when given, ``f`` is evaluated
            at the perturbed points in parallel with ``executor.map`` (``f`` must then
            be thread-safe, or picklable for a process pool).

    >>> import numpy as np, adcore as ad
    >>> ad.derivative(lambda x: x**3, ad.AutoFiniteDiff(method="complex"), 2.0)
    12.0
    >>> ad.gradient(lambda x: (x**2).sum(), ad.AutoFiniteDiff(), np.array([1.0, 2.0])).round(6)
    array([2., 4.])
    """

    method: str = "central"
    step: float | None = None
    executor: Executor | None = None

    name: ClassVar[str] = "finitediff"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    native: ClassVar[frozenset[str]] = frozenset(
        {"derivative", "gradient", "jacobian", "second_derivative", "hvp", "hessian"}
    )
    inplace: ClassVar[bool] = True
    contexts: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    array_families: ClassVar[frozenset[str]] = frozenset({"numpy"})

    def __post_init__(self) -> None:
        if not isinstance(self.method, str) or self.method not in _METHODS:
            raise ValueError(
                f"AutoFiniteDiff(method={self.method!r}): method must be one of "
                f"{', '.join(map(repr, _METHODS))}."
            )
        step = self.step
        if step is not None:
            if isinstance(step, bool) or not isinstance(step, Real):
                raise TypeError(
                    f"AutoFiniteDiff(step={step!r}): step must be a positive float (a relative "
                    "step such as 1e-6) or None for a step chosen per method and dtype."
                )
            if not (math.isfinite(step) and step > 0):
                raise ValueError(
                    f"AutoFiniteDiff(step={step!r}): step must be positive and finite; "
                    "pass None for a step chosen per method and dtype."
                )
            object.__setattr__(self, "step", float(step))
        if self.executor is not None and not isinstance(self.executor, Executor):
            raise TypeError(
                f"AutoFiniteDiff(executor={self.executor!r}): executor must be a "
                "concurrent.futures.Executor, e.g. ThreadPoolExecutor() (or "
                "ProcessPoolExecutor() for a picklable f), or None to evaluate f serially."
            )

    def __repr__(self) -> str:
        args = [] if self.method == "central" else [f"method={self.method!r}"]
        if self.step is not None:
            args.append(f"step={self.step!r}")
        if self.executor is not None:
            args.append(f"executor={self.executor!r}")
        return f"AutoFiniteDiff({', '.join(args)})"

    def prepare_pushforward(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts,
        *, y: Any = None, same_point: bool = False,
    ) -> AbstractPushforward:
        # Nothing worth caching depends on x alone: the steps depend on the tangents too.
        return _Pushforward(_Evaluator(self, f, x, contexts, y, "pushforward"))

    def prepare_derivative(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractDerivative:
        return _Derivative(_Evaluator(self, f, x, contexts, y, "derivative", scalar_x=True))

    def prepare_gradient(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractGradient:
        return _Gradient(_Evaluator(self, f, x, contexts, None, "gradient"))

    def prepare_jacobian(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractJacobian:
        return _Jacobian(_Evaluator(self, f, x, contexts, y, "jacobian"))

    def prepare_second_derivative(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractSecondDerivative:
        return _SecondDerivative(
            _Evaluator(self, f, x, contexts, None, "second_derivative", scalar_x=True)
        )

    def prepare_hvp(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts,
        *, same_point: bool = False,
    ) -> AbstractHVP:
        return _HVP(_Evaluator(self, f, x, contexts, None, "hvp"))

    def prepare_hessian(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractHessian:
        return _Hessian(_Evaluator(self, f, x, contexts, None, "hessian"))


# --- steps


def _relative_step(method: str, step: float | None, dtype: Any, order: int) -> float:
    """The relative step of the real perturbations that estimate a derivative of ``order``.

    A difference quotient with truncation error O(h**p) for a derivative of order q
    divides rounding errors of size eps * |f| by h**q; the sum is least at
    h ~ eps ** (1 / (p + q)): sqrt(eps) for forward and backward first derivatives,
    cbrt(eps) for central ones, eps ** (1/3) one-sided and eps ** (1/4) central for
    second derivatives. The complex method's real steps difference first derivatives
    that the complex step makes exact (p = 2, q = 1): cbrt(eps).
    """
    if step is not None and method != "complex":
        return step
    eps = float(np.finfo(dtype).eps)
    if method == "complex":
        return eps ** (1 / 3)
    p = 2 if method == "central" else 1
    return eps ** (1 / (p + order))


def _imaginary_step(step: float | None, dtype: Any) -> float:
    """The complex step: ``Im f(x + ih) / h`` subtracts nothing, so there is no rounding
    term to balance and the step only has to make the O(h**2) truncation vanish next to
    eps while ``h * f'(x)`` stays far above underflow: 1e-20 in double (and extended)
    precision, 1e-10 in single and half precision (which are evaluated in complex64)."""
    if step is not None:
        return step
    return 1e-20 if float(np.finfo(dtype).eps) < 1e-10 else 1e-10


def _direction_steps(
    rel: float, x0: np.ndarray, T: np.ndarray, acc: Any, dtype: Any
) -> tuple[Any, Any]:
    """``(s, S)``: a step per direction ``T[k]`` and the perturbations ``S[k] = s[k] * T[k]``
    in ``dtype``.

    ``s`` makes the largest perturbation ``rel * max(1, |x_i|)`` on the coordinates
    that ``T[k]`` weighs most, which is the coordinate rule when ``T[k]`` is a basis
    vector; a zero direction gets any step and yields an exact zero.
    """
    A = np.abs(T.astype(acc))
    tmax = A.max(axis=1, initial=0)
    tmax[tmax == 0] = 1
    weight = (A * np.abs(x0.astype(acc))).max(axis=1, initial=0) / tmax
    s = rel * np.maximum(weight, 1) / tmax
    return s, (s[:, None] * T).astype(dtype)


def _column(d: np.ndarray, ndim: int) -> np.ndarray:
    """``d`` of shape ``(n,)`` shaped to broadcast against values of shape ``(n, *y.shape)``."""
    return d.reshape(d.shape + (1,) * ndim)


# --- points: generators that set up the working copy, yielding once per point


def _coordinate_points(flat: np.ndarray, x0: list[Any], cols: list[list[Any]]) -> Iterator[None]:
    """Set coordinate ``i`` to each ``col[i]`` in turn, then restore it to ``x0[i]``."""
    if len(cols) == 1:
        for i, (xi, v) in enumerate(zip(x0, cols[0], strict=True)):
            flat[i] = v
            yield
            flat[i] = xi
        return
    for i, xi in enumerate(x0):
        for col in cols:
            flat[i] = col[i]
            yield
        flat[i] = xi


def _based_points(
    flat: np.ndarray, bases: list[np.ndarray], colsets: list[list[list[Any]]], with_base: bool
) -> Iterator[None]:
    """For each base point: the base itself (``with_base``), then its coordinate points."""
    for base, cols in zip(bases, colsets, strict=True):
        flat[...] = base
        if with_base:
            yield
        yield from _coordinate_points(flat, base.tolist(), cols)


def _direction_points(
    flat: np.ndarray, x0: np.ndarray, S: np.ndarray, offsets: tuple[Any, ...]
) -> Iterator[None]:
    """``x0 + o * S[k]`` for each direction and offset; an imaginary offset sets ``Im``."""
    for d in S:
        for o in offsets:
            if o == 1j:
                flat.imag = d
            elif o == 1:
                np.add(x0, d, out=flat)
            else:
                np.subtract(x0, d, out=flat)
            yield


def _move_points(
    flat: np.ndarray, x0: list[Any], moves: list[tuple[tuple[int, Any], ...]]
) -> Iterator[None]:
    """Set the ``(i, value)`` pairs of each move, then restore those coordinates."""
    for move in moves:
        for i, v in move:
            flat[i] = v
        yield
        for i, _ in move:
            flat[i] = x0[i]


def _task(
    f: Callable[..., Any], private: tuple[int, ...], out: tuple[Any, ...] | None, x: Any,
    contexts: tuple[Any, ...],
) -> Any:
    """One evaluation on a worker: ``f(x, *contexts)``, or ``f(y, x, *contexts)`` into a new
    ``y`` of ``out = (shape, dtype)``. The ``Cache`` values at positions ``private`` are
    copied first, since concurrent calls of ``f`` would overwrite each other's scratch."""
    if private:
        contexts = tuple(copy.deepcopy(v) if i in private else v for i, v in enumerate(contexts))
    if out is None:
        return f(x, *contexts)
    y = np.empty(*out)
    f(y, x, *contexts)
    return y


# --- evaluation


class _Evaluator:
    """Calls ``f`` at points set up in a private working copy of ``x``; the kernels of
    every operator live here and return their results in working precision."""

    def __init__(
        self, backend: AutoFiniteDiff, f: Callable[..., Any], x: Any,
        contexts: Contexts, y: Any, operator: str, *, scalar_x: bool = False,
    ) -> None:
        self.f, self.operator = f, operator
        self.method, self.step, self.pool = backend.method, backend.step, backend.executor
        self.complex = self.method == "complex"
        self.kind, self.xdtype = _input_kind(x, operator)
        self.shape = np.shape(x)
        if scalar_x and self.shape != ():
            raise ValueError(
                f"{operator} differentiates a function of a scalar, but x has shape "
                f"{self.shape}; use jacobian or pushforward for an array x."
            )
        wdtype = np.result_type(self.xdtype, np.complex64) if self.complex else self.xdtype
        self.xw = np.zeros(self.shape, wdtype)
        # The dtype of imaginary steps: float16 has no complex type and runs in complex64,
        # whose float32 parts hold a step that float16 would flush to zero.
        self.tdtype = self.xw.real.dtype
        self.flat = self.xw.reshape(-1)
        self.n = self.flat.size
        self.acc = np.result_type(self.xdtype, np.float64)
        self.yw: np.ndarray | None = None
        if y is not None:
            if not isinstance(y, np.ndarray):
                raise TypeError(
                    f"{operator}: the output buffer y of an in-place f(y, x) must be a numpy "
                    f"array for {backend!r}, got {type(y).__name__}."
                )
            ydtype = np.result_type(y.dtype, np.complex64) if self.complex else y.dtype
            self.yw = np.empty(y.shape, ydtype)
        self.cache_positions = tuple(i for i, c in enumerate(contexts) if isinstance(c, Cache))
        self._buffers: dict[tuple[Any, ...], np.ndarray] = {}

    # --- calling f

    def _arg(self) -> Any:
        if self.kind == "array":
            return self.xw
        return self.xw.item() if self.kind == "python" else self.xw[()]

    def _value_arg(self, x: Any) -> Any:
        return float(x) if self.kind == "python" else x

    def load(self, x: Any) -> np.ndarray:
        """Copy ``x`` into the working copy; return ``x`` flat in its dtype (read-only)."""
        x0 = np.asarray(x, dtype=self.xdtype).reshape(-1)
        if x0.size != self.n:
            raise ValueError(f"{self.operator}: x has {x0.size} elements, prepared for {self.n}")
        self.flat[...] = x0
        return x0

    def evaluate(
        self, x: Any, c: tuple[Any, ...], y: Any, points: Iterator[None], npoints: int,
        scalar: bool = False,
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """``(value, f0, F)``: ``f(x)`` as returned, as an array, and ``F[k] = f(point k)``."""
        if self.yw is not None and y is None:
            raise ValueError(
                f"{self.operator} was prepared for an in-place f(y, x) and needs the output "
                "buffer: pass y=."
            )
        if self.pool is not None:
            return self._evaluate_parallel(self.pool, x, c, y, points, npoints, scalar)
        if self.yw is None:
            fx = self.f(self._value_arg(x), *c)
            value = fx.copy() if isinstance(fx, np.ndarray) else fx
        else:
            self.f(y, self._value_arg(x), *c)
            value = y
        f0 = self._check(value, scalar)
        F = self._buffer(npoints, f0)
        f, xw, yw = self.f, self.xw, self.yw
        if yw is None and self.kind == "array":
            for k, _ in enumerate(points):
                F[k] = f(xw, *c)
        elif yw is None:
            for k, _ in enumerate(points):
                F[k] = f(self._arg(), *c)
        else:
            for k, _ in enumerate(points):
                f(yw, self._arg(), *c)
                F[k] = yw
        return value, f0, F

    def _evaluate_parallel(
        self, pool: Executor, x: Any, c: tuple[Any, ...], y: Any, points: Iterator[None],
        npoints: int, scalar: bool,
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        snap = self.xw.copy if self.kind == "array" else self._arg
        xs = [snap() for _ in points]
        pos = self.cache_positions
        if self.yw is None:
            task = value_task = partial(_task, self.f, pos, None)
        else:
            task = partial(_task, self.f, pos, (self.yw.shape, self.yw.dtype))
            value_task = partial(_task, self.f, pos, (y.shape, y.dtype))
        future = pool.submit(value_task, self._value_arg(x), c)
        outs = list(pool.map(task, xs, itertools.repeat(c)))
        fx = future.result()
        if self.yw is None:
            value = fx.copy() if isinstance(fx, np.ndarray) else fx
        else:
            y[...] = fx
            value = y
        f0 = self._check(value, scalar)
        F = self._buffer(npoints, f0)
        for k, out in enumerate(outs):
            F[k] = out
        return value, f0, F

    def _check(self, value: Any, scalar: bool) -> np.ndarray:
        f0 = np.asarray(value)
        if scalar and f0.ndim != 0:
            raise ValueError(
                f"{self.operator} needs a scalar function, but f(x) is an array of shape "
                f"{f0.shape}; use adcore.jacobian for array-valued functions, or reduce the "
                "output (e.g. .sum())."
            )
        if not np.issubdtype(f0.dtype, np.number):
            raise TypeError(f"{self.operator}: f(x) must be numeric, got {f0.dtype} values")
        if self.complex and np.iscomplexobj(f0):
            # A complex dtype is fine (f may compute in a complex scratch buffer), as long
            # as f is real on real points; otherwise Im f(x + ih) mixes in Im f(x).
            if np.any(f0.imag):
                raise NotSupportedError(
                    "AutoFiniteDiff(method='complex') needs a function that is real at real x, "
                    "but f(x) has a nonzero imaginary part; use another method for "
                    "complex-valued functions."
                )
            f0 = f0.real
        return f0

    def _buffer(self, npoints: int, f0: np.ndarray) -> np.ndarray:
        dtype = np.result_type(f0.dtype, self.acc)
        if self.complex:
            dtype = np.result_type(dtype, np.complex64)
        key = (npoints, f0.shape, dtype)
        if key not in self._buffers:
            self._buffers[key] = np.empty((npoints, *f0.shape), dtype)
        return self._buffers[key]

    # --- results

    def like_x(self, r: np.ndarray) -> Any:
        """``r`` (shaped like ``x``) in ``x``'s dtype and kind: array, numpy or Python scalar."""
        dtype = np.result_type(self.xdtype, np.complex64) if np.iscomplexobj(r) else self.xdtype
        r = r.astype(dtype, copy=False)
        if self.kind == "array":
            return r
        return r.item() if self.kind == "python" else r[()]

    def dtype_like(self, value: Any) -> Any:
        """The dtype of results like ``f(x)``: its own, or ``x``'s if it is not inexact."""
        dtype = np.result_type(value)
        if self.complex and np.issubdtype(dtype, np.complexfloating):
            dtype = np.zeros((), dtype).real.dtype
        return dtype if np.issubdtype(dtype, np.inexact) else self.xdtype

    def like_y(self, r: np.ndarray, value: Any) -> Any:
        """``r`` (shaped like ``f(x)``) in the dtype and kind of ``value = f(x)``."""
        dtype = self.dtype_like(value)
        if np.iscomplexobj(r):
            dtype = np.result_type(dtype, np.complex64)
        r = r.astype(dtype, copy=False)
        if isinstance(value, np.ndarray):
            return r
        return r[()] if isinstance(value, np.generic) else r.item()

    def tangents(self, tx: tuple[Any, ...]) -> np.ndarray:
        """The tangents ``tx`` (each like ``x``) as the rows of one ``(k, n)`` array."""
        T = np.empty((len(tx), self.n), self.xdtype)
        for k, t in enumerate(tx):
            if np.shape(t) != self.shape:
                raise ValueError(
                    f"{self.operator}: tangent {k} has shape {np.shape(t)}, but x has shape "
                    f"{self.shape}; each tangent must be like x."
                )
            T[k] = np.asarray(t, dtype=self.xdtype).reshape(-1)
        return T

    # --- kernels

    def _stencil(self, x0: np.ndarray, rel: float) -> tuple[list[list[Any]], Any]:
        """``(cols, combine)``: the coordinate points of first derivatives at ``x0``, and
        ``combine(F, fx)`` that turns their values ``F[i, col]`` into ``D[i] = df/dx_i``."""
        scale = np.maximum(np.abs(x0), 1)
        if self.complex:
            t = _imaginary_step(self.step, self.xdtype) * scale.astype(self.tdtype)
            return [(x0 + 1j * t).tolist()], (
                lambda F, fx: F[:, 0].imag / _column(t.astype(self.acc), fx.ndim)
            )
        h = (rel * scale).astype(self.xdtype)
        points = [x0 + o * h for o in _OFFSETS[self.method]]
        # The actual steps, exactly: x0 + h rounds, and its distance to x0 is what counts.
        d = [p.astype(self.acc) - x0.astype(self.acc) for p in points]
        if len(points) == 1:
            return [points[0].tolist()], (
                lambda F, fx: (F[:, 0] - fx) / _column(d[0], fx.ndim)
            )
        return [p.tolist() for p in points], (
            lambda F, fx: (F[:, 0] - F[:, 1]) / _column(d[0] - d[1], fx.ndim)
        )

    def first_order(self, x: Any, c: tuple[Any, ...], y: Any, scalar: bool = False) -> Any:
        """``(value, D)``: ``D[i]`` is ``df/dx_i``, of shape ``(n, *f(x).shape)``."""
        x0 = self.load(x)
        cols, combine = self._stencil(x0, _relative_step(self.method, self.step, self.xdtype, 1))
        points = _coordinate_points(self.flat, x0.tolist(), cols)
        value, f0, F = self.evaluate(x, c, y, points, self.n * len(cols), scalar)
        return value, combine(F.reshape(self.n, len(cols), *f0.shape), f0)

    def directional(self, x: Any, T: np.ndarray, c: tuple[Any, ...], y: Any) -> Any:
        """``(value, D)``: ``D[k]`` is the derivative of ``f`` along ``T[k]`` (flat)."""
        x0 = self.load(x)
        if self.complex:
            t = _imaginary_step(self.step, self.xdtype)
            s, S = _direction_steps(t, x0, T, self.acc, self.tdtype)
            offsets: tuple[Any, ...] = (1j,)
        else:
            rel = _relative_step(self.method, self.step, self.xdtype, 1)
            s, S = _direction_steps(rel, x0, T, self.acc, self.xdtype)
            offsets = _OFFSETS[self.method]
        points = _direction_points(self.flat, x0, S, offsets)
        value, f0, F = self.evaluate(x, c, y, points, len(T) * len(offsets))
        F = F.reshape(len(T), len(offsets), *f0.shape)
        s = _column(s, f0.ndim)
        if self.complex:
            return value, F[:, 0].imag / s
        if len(offsets) == 1:
            return value, (F[:, 0] - f0) / (offsets[0] * s)
        return value, (F[:, 0] - F[:, 1]) / (2 * s)

    def hvp(self, x: Any, T: np.ndarray, c: tuple[Any, ...]) -> np.ndarray:
        """``H(x) @ T[k]`` for each row, as a difference of gradients along ``T[k]``:
        one-sided ``(g(x + s t) - g(x)) / s`` or central ``(g(x + s t) - g(x - s t)) / 2s``,
        each gradient computed with the second-order step."""
        x0 = self.load(x)
        rel = _relative_step(self.method, self.step, self.xdtype, 2)
        s, S = _direction_steps(rel, x0, T, self.acc, self.xdtype)
        one_sided = self.method in ("forward", "backward")
        o = _OFFSETS[self.method][0] if one_sided else 1
        if one_sided:
            bases = [x0, *(x0 + o * d for d in S)]
        else:
            bases = [b for d in S for b in (x0 + d, x0 - d)]
        stencils = [self._stencil(b, rel) for b in bases]
        cols = [st[0] for st in stencils]
        per_base = int(one_sided) + self.n * len(cols[0])
        points = _based_points(self.flat, bases, cols, one_sided)
        _, f0, F = self.evaluate(x, c, None, points, len(bases) * per_base, scalar=True)
        F = F.reshape(len(bases), per_base)
        G = np.stack([
            combine(F[b, int(one_sided):].reshape(self.n, len(cols[b])), F[b, 0] if one_sided else f0)
            for b, (_, combine) in enumerate(stencils)
        ])
        if one_sided:
            return (G[1:] - G[0]) / (o * s[:, None])
        return (G[0::2] - G[1::2]) / (2 * s[:, None])

    def second_order(self, x: Any, c: tuple[Any, ...], scalar: bool) -> Any:
        """``(value, g, H)`` from one set of evaluations: ``g[i] = df/dx_i`` and
        ``H[i, j] = d2f/dx_i dx_j``, each followed by ``f(x).shape``."""
        x0 = self.load(x)
        n, xl, acc = self.n, x0.tolist(), self.acc
        rel = _relative_step(self.method, self.step, self.xdtype, 2)
        scale = np.maximum(np.abs(x0), 1)
        h = (rel * scale).astype(self.xdtype)
        i0, i1 = np.triu_indices(n, 0 if self.complex else 1)
        pairs = list(zip(i0.tolist(), i1.tolist(), strict=True))
        moves: list[tuple[tuple[int, Any], ...]] = []
        if self.complex:
            # The imaginary step along i gives the exact df/dx_i at x +- h_j e_j; their
            # central difference is H[i, j], j == i included.
            t = _imaginary_step(self.step, self.xdtype) * scale.astype(self.tdtype)
            xp, xm = x0 + h, x0 - h
            zi, zp, zm = ((v + 1j * t).tolist() for v in (x0, xp, xm))
            pl, ml = xp.tolist(), xm.tolist()
            moves += [((i, zi[i]),) for i in range(n)]
            for i, j in pairs:
                if i == j:
                    moves += [((i, zp[i]),), ((i, zm[i]),)]
                else:
                    moves += [((i, zi[i]), (j, pl[j])), ((i, zi[i]), (j, ml[j]))]
            stride = 1
        elif self.method == "central":
            xp, xm = x0 + h, x0 - h
            pl, ml = xp.tolist(), xm.tolist()
            for i in range(n):
                moves += [((i, pl[i]),), ((i, ml[i]),)]
            for i, j in pairs:
                moves += [((i, a[i]), (j, b[j])) for a in (pl, ml) for b in (pl, ml)]
            stride = 2
        else:
            xa = x0 + _OFFSETS[self.method][0] * h
            xb = x0 + 2 * (xa - x0)
            al, bl = xa.tolist(), xb.tolist()
            for i in range(n):
                moves += [((i, al[i]),), ((i, bl[i]),)]
            moves += [((i, al[i]), (j, al[j])) for i, j in pairs]
            stride = 2
        value, f0, F = self.evaluate(x, c, None, _move_points(self.flat, xl, moves), len(moves),
                                     scalar)
        col = partial(_column, ndim=f0.ndim)
        S, Q = F[: stride * n].reshape(n, stride, *f0.shape), F[stride * n:]
        H = np.empty((n, n, *f0.shape), np.result_type(f0.dtype, acc))
        diag = np.arange(n)
        if self.complex:
            t, dp, dm = t.astype(acc), xp.astype(acc) - x0, x0 - xm.astype(acc)
            g = S[:, 0].imag / col(t)
            Q = Q.reshape(len(pairs), 2, *f0.shape)
            off = (Q[:, 0] - Q[:, 1]).imag / col(t[i0] * (dp + dm)[i1])
        elif self.method == "central":
            dp, dm = xp.astype(acc) - x0, x0 - xm.astype(acc)
            P, M = S[:, 0], S[:, 1]
            g = (P - M) / col(dp + dm)
            # The three-point second difference for unequal steps dp and dm.
            H[diag, diag] = 2 * (
                P / col(dp * (dp + dm)) - f0 / col(dp * dm) + M / col(dm * (dp + dm))
            )
            Q = Q.reshape(len(pairs), 4, *f0.shape)
            w = dp + dm
            off = (Q[:, 0] - Q[:, 1] - Q[:, 2] + Q[:, 3]) / col(w[i0] * w[i1])
        else:
            d = xa.astype(acc) - x0
            A, B = S[:, 0], S[:, 1]
            g = (4 * A - B - 3 * f0) / col(2 * d)
            H[diag, diag] = (B - 2 * A + f0) / col(d * d)
            off = (Q - A[i0] - A[i1] + f0) / col(d[i0] * d[i1])
        H[i0, i1] = off
        H[i1, i0] = off
        return value, g, H


def _input_kind(x: Any, operator: str) -> tuple[str, Any]:
    """``(kind, dtype)`` of the active argument: an array, a numpy or a Python scalar."""
    if isinstance(x, np.ndarray):
        kind, dtype = "array", x.dtype
    elif isinstance(x, np.generic):
        kind, dtype = "numpy", x.dtype
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        kind, dtype = "python", np.dtype(np.float64)
    else:
        raise TypeError(
            f"{operator}: AutoFiniteDiff differentiates numpy arrays and Python floats; "
            f"x is a {type(x).__module__}.{type(x).__qualname__}."
        )
    if np.issubdtype(dtype, np.complexfloating):
        raise NotSupportedError(
            f"{operator}: AutoFiniteDiff differentiates real x only; x has dtype {dtype}. "
            "Split a complex x into its real and imaginary parts."
        )
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(
            f"{operator}: x has dtype {dtype}; finite differences need floating-point x, "
            "e.g. x.astype(float)."
        )
    return kind, dtype


# --- executors


class _Pushforward(AbstractPushforward):
    def __init__(self, ev: _Evaluator) -> None:
        self.ev = ev

    def value_and_pushforward(
        self, x: Any, tx: tuple[Any, ...], contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, tuple[Any, ...]]:
        value, D = self.ev.directional(x, self.ev.tangents(tx), contexts, y)
        return value, tuple(self.ev.like_y(d, value) for d in D)

    def value_and_pushforward_stacked(
        self, x: Any, dx: Any, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Any]:
        T = np.asarray(dx, dtype=self.ev.xdtype).reshape(len(dx), self.ev.n)
        value, D = self.ev.directional(x, T, contexts, y)
        return value, D.astype(self.ev.dtype_like(value), copy=False)

    def pushforward_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self.value_and_pushforward_stacked(x, dx, contexts, y)[1]


class _Derivative(AbstractDerivative):
    def __init__(self, ev: _Evaluator) -> None:
        self.ev = ev

    def value_and_derivative(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        value, D = self.ev.first_order(x, contexts, y)
        return value, self.ev.like_y(D[0], value)


class _Gradient(AbstractGradient):
    def __init__(self, ev: _Evaluator) -> None:
        self.ev = ev

    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        value, D = self.ev.first_order(x, contexts, None, scalar=True)
        return value, self.ev.like_x(D.reshape(self.ev.shape))


class _Jacobian(AbstractJacobian):
    def __init__(self, ev: _Evaluator) -> None:
        self.ev = ev

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        value, D = self.ev.first_order(x, contexts, y)
        J = D.reshape(self.ev.n, math.prod(D.shape[1:])).T
        dtype = self.ev.xdtype
        if np.iscomplexobj(J):
            dtype = np.result_type(dtype, np.complex64)
        return value, J.astype(dtype, order="C")


class _SecondDerivative(AbstractSecondDerivative):
    def __init__(self, ev: _Evaluator) -> None:
        self.ev = ev

    def value_derivative_and_second_derivative(
        self, x: Any, contexts: tuple[Any, ...]
    ) -> tuple[Any, Any, Any]:
        value, g, H = self.ev.second_order(x, contexts, scalar=False)
        return value, self.ev.like_y(g[0], value), self.ev.like_y(H[0, 0], value)


class _Hessian(AbstractHessian):
    def __init__(self, ev: _Evaluator) -> None:
        self.ev = ev

    def value_gradient_and_hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        value, g, H = self.ev.second_order(x, contexts, scalar=True)
        if self.ev.method == "central":
            # The Hessian's step, eps**(1/4), leaves the central gradient from the same
            # points an O(h**2) = O(sqrt(eps)) error; its own step costs 2n more calls
            # out of 2n**2 and makes it as accurate as `gradient`. The one-sided stencils
            # already give a second-order gradient, and the complex step an exact one.
            g = self.ev.first_order(x, contexts, None, scalar=True)[1]
        return value, self.ev.like_x(g.reshape(self.ev.shape)), H.astype(self.ev.xdtype)

    def hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.ev.second_order(x, contexts, scalar=True)[2].astype(self.ev.xdtype)


class _HVP(AbstractHVP):
    def __init__(self, ev: _Evaluator) -> None:
        self.ev = ev

    def hvp(self, x: Any, tx: tuple[Any, ...], contexts: tuple[Any, ...]) -> tuple[Any, ...]:
        HV = self.ev.hvp(x, self.ev.tangents(tx), contexts)
        return tuple(self.ev.like_x(r.reshape(self.ev.shape)) for r in HV)

    def gradient_and_hvp(
        self, x: Any, tx: tuple[Any, ...], contexts: tuple[Any, ...]
    ) -> tuple[Any, tuple[Any, ...]]:
        # The gradient takes its own, first-order step: the hvp's step is tuned for
        # second derivatives and would make it less accurate.
        _, D = self.ev.first_order(x, contexts, None, scalar=True)
        return self.ev.like_x(D.reshape(self.ev.shape)), self.hvp(x, tx, contexts)

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> Any:
        _, D = self.ev.first_order(x, contexts, None, scalar=True)
        T = np.asarray(dx, dtype=self.ev.xdtype).reshape(len(dx), self.ev.n)
        HV = self.ev.hvp(x, T, contexts).reshape(len(dx), *self.ev.shape)
        return self.ev.like_x(D.reshape(self.ev.shape)), HV.astype(self.ev.xdtype)
