"""Evaluating ``f`` at the points of a stencil, and giving results the types of ``x`` and ``f(x)``.

A kernel describes its points as a generator that sets up the evaluator's working
copy of ``x`` in place and yields once per point; ``Evaluator.evaluate`` calls ``f``
at each yield, or, with ``executor=``, copies the points out and evaluates them in
chunks on the executor (``parallel``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from time import perf_counter
from typing import TYPE_CHECKING, Any

import numpy as np

from ..._core.contexts import Cache, Context
from ...errors import ArgumentError, ArgumentTypeError, NotSupportedError, ShapeError
from .calls import owned
from .checks import check_complex_x, input_kind, warn_if_lost
from .parallel import chunk_size, evaluate_chunks

if TYPE_CHECKING:
    from .backend import AutoFiniteDiff

__all__ = ["Evaluator", "Prepared", "warn_if_lost"]  # warn_if_lost: for the kernels


class Evaluator:
    """Calls ``f`` at points set up in a private working copy of ``x``, and converts the
    kernels' results, computed in working precision, back to the types of ``x`` and ``f(x)``."""

    def __init__(
        self, backend: AutoFiniteDiff, f: Callable[..., Any], x: Any,
        contexts: tuple[Context[Any], ...], y: Any, operator: str, *, scalar_x: bool = False,
    ) -> None:
        self.f, self.operator = f, operator
        self.method, self.pool = backend.method, backend.executor
        self.chunksize = backend.chunksize
        #: On Dask: the large contexts scattered to the workers, by position (``parallel``).
        self.scattered: dict[int, Any] = {}
        #: With ``step="adaptive"``, points far from x are probed: where f fails there with
        #: an arithmetic or domain error, or numpy warns, that point's value is NaN.
        self.adaptive = backend.step == "adaptive"
        self.step = None if self.adaptive else backend.step
        self.complex = self.method == "complex"
        self.kind, self.xdtype = input_kind(x, operator)
        self.complex_x = np.issubdtype(self.xdtype, np.complexfloating)
        if self.complex_x:
            check_complex_x(backend, operator, self.xdtype)
        self.shape = np.shape(x)
        if scalar_x and self.shape != ():
            raise ShapeError(
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
        #: The working precision of steps and quotients: real, at least double.
        self.acc = np.result_type(self.tdtype, np.float64)
        self.yw: np.ndarray | None = None
        if y is not None:
            if not isinstance(y, np.ndarray):
                raise ArgumentTypeError(
                    f"{operator}: the output buffer y of an in-place f(y, x) must be a numpy "
                    f"array for {backend!r}, got {type(y).__name__}."
                )
            ydtype = np.result_type(y.dtype, np.complex64) if self.complex else y.dtype
            self.yw = np.empty(y.shape, ydtype)
        #: The error estimates of the last result, with ``step="adaptive"``.
        self.error: np.ndarray | None = None
        self.cache_positions = tuple(i for i, c in enumerate(contexts) if isinstance(c, Cache))
        #: The fixed step's results so far: whether they are lost in rounding is checked at
        #: the 1st, 2nd, 4th, 8th... (``checks.warn_if_lost``).
        self.results = 0
        self._buffers: dict[tuple[Any, ...], np.ndarray] = {}

    def __getstate__(self) -> dict[str, Any]:
        # A prep travels to the workers of a cluster: without its scratch (buffers, what was
        # scattered), and its flat view of the working copy is made again on arrival.
        state = self.__dict__.copy()
        state.update(_buffers={}, scattered={}, flat=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.flat = self.xw.reshape(-1)

    # --- calling f

    def _complex_caches(self, c: tuple[Any, ...]) -> tuple[Any, ...]:
        """At complex points f writes complex values into its scratch space: hand it
        complex scratch arrays in place of real ``Cache`` arrays."""
        if not (self.complex and self.cache_positions):
            return c
        values = list(c)
        for i in self.cache_positions:
            v = values[i]
            if isinstance(v, np.ndarray) and not np.iscomplexobj(v):
                key = ("cache", i, v.shape, v.dtype.str)
                if key not in self._buffers:
                    self._buffers[key] = np.empty(v.shape, np.result_type(v.dtype, np.complex64))
                values[i] = self._buffers[key]
        return tuple(values)

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
            raise ShapeError(f"{self.operator}: x has {x0.size} elements, prepared for {self.n}")
        self.flat[...] = x0
        return x0

    def evaluate(
        self, x: Any, c: tuple[Any, ...], y: Any, points: Iterator[None], npoints: int,
        scalar: bool = False,
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """``(value, f0, F)``: ``f(x)`` as returned, as an array, and ``F[k] = f(point k)``."""
        if self.yw is not None and y is None:
            raise ArgumentError(
                f"{self.operator} was prepared for an in-place f(y, x) and needs the output "
                "buffer: pass y=."
            )
        pool = self.pool
        start = perf_counter() if pool is not None else 0.0
        if self.yw is None:
            value = owned(self.f(self._value_arg(x), *c))
        else:
            self.f(y, self._value_arg(x), *c)
            value = y
        f0, F = self._start(value, scalar, npoints)
        c = self._complex_caches(c)
        if pool is not None:
            size = chunk_size(self, pool, npoints, perf_counter() - start)
            if size:
                evaluate_chunks(self, pool, c, points, F, size)
                return value, f0, F
        f, yw = self.f, self.yw
        lead = () if yw is None else (yw,)
        if self.kind == "array":
            # The arguments are the same objects at every point: binding them once spares
            # each call the unpacking of *c, which costs a good part of a cheap f.
            call = partial(f, *lead, self.xw, *c)
        else:
            call = lambda: f(*lead, self._arg(), *c)
        if self.adaptive:
            self._evaluate_tolerantly(call, yw, points, F)
        elif yw is None:
            for k, _ in enumerate(points):
                F[k] = call()
        else:
            for k, _ in enumerate(points):
                call()
                F[k] = yw
        return value, f0, F

    @staticmethod
    def _evaluate_tolerantly(
        call: Callable[[], Any], yw: np.ndarray | None, points: Iterator[None], F: np.ndarray
    ) -> None:
        """The adaptive step's far points: where f fails (a domain or arithmetic error), the
        value is NaN and that step is left out; numpy's warnings there are silenced."""
        with np.errstate(all="ignore"):
            for k, _ in enumerate(points):
                try:
                    value = call()
                except (ArithmeticError, ValueError):
                    F[k] = np.nan
                    continue
                F[k] = value if yw is None else yw

    def _start(self, value: Any, scalar: bool, npoints: int) -> tuple[np.ndarray, np.ndarray]:
        """``(f0, F)``: the checked ``f(x)`` as a real array where the complex step needs
        it real, and this evaluator's buffer for its values at ``npoints`` points."""
        f0 = np.asarray(value)
        if scalar and f0.ndim != 0:
            raise ShapeError(
                f"{self.operator} needs a scalar function, but f(x) is an array of shape "
                f"{f0.shape}; use adcore.jacobian for array-valued functions, or reduce the "
                "output (e.g. .sum())."
            )
        if not np.issubdtype(f0.dtype, np.number):
            raise ArgumentTypeError(f"{self.operator}: f(x) must be numeric, got {f0.dtype} values")
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
        if self.complex_x and scalar and np.iscomplexobj(f0):
            if np.any(f0.imag):
                raise ArgumentError(
                    f"{self.operator} of a complex x needs a real-valued f (the gradient is then "
                    "the direction of steepest ascent), but f(x) is complex; use pushforward or "
                    "pullback for a complex-valued f."
                )
            f0 = f0.real
        dtype = np.result_type(f0.dtype, self.acc)
        if self.complex:
            dtype = np.result_type(dtype, np.complex64)
        key = (npoints, f0.shape, dtype)
        if key not in self._buffers:
            self._buffers[key] = np.empty((npoints, *f0.shape), dtype)
        return f0, self._buffers[key]

    # --- results

    def like_x(self, r: np.ndarray) -> Any:
        """``r`` (of ``x``'s size) in ``x``'s shape, dtype and kind: array, numpy or Python scalar."""
        dtype = np.result_type(self.xdtype, np.complex64) if np.iscomplexobj(r) else self.xdtype
        r = r.reshape(self.shape).astype(dtype, copy=False)
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
                raise ShapeError(
                    f"{self.operator}: tangent {k} has shape {np.shape(t)}, but x has shape "
                    f"{self.shape}; each tangent must be like x."
                )
            T[k] = np.asarray(t, dtype=self.xdtype).reshape(-1)
        return T

    def stacked_tangents(self, dx: Any) -> np.ndarray:
        """The stacked tangents ``dx`` of shape ``(k, *x.shape)`` as a ``(k, n)`` array."""
        return np.asarray(dx, dtype=self.xdtype).reshape(len(dx), self.n)


class Prepared:
    """The base of AutoFiniteDiff's executors: a prepared operator owns one evaluator.

    With ``step="adaptive"``, ``error`` holds the error estimates of the last result,
    shaped like it (a tuple for a batch of pushforwards); otherwise it stays ``None``.
    """

    def __init__(self, ev: Evaluator) -> None:
        self.ev = ev
        self.error: Any = None

    def keep_error(self, shape: Callable[[np.ndarray], Any]) -> None:
        if self.ev.error is not None:
            self.error = shape(self.ev.error.astype(np.float64, copy=False))
