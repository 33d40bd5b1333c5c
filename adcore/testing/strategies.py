"""Hypothesis strategies for adcore: shapes, dtypes, arrays, tangents and whole scenarios.

Bound to a backend by a factory, like hypothesis' ``make_strategies_namespace(xp)``:
``make_strategies(backend)`` returns a namespace whose ``scenarios()`` only
generate what the backend declares it supports (in-place functions, contexts).
Generated functions are built from elementwise functions with known derivatives
and sums, so every reference is exact: ``c * sum(g(x)) + d * sum(x)**2 / 2`` has
gradient ``c * g'(x) + d * sum(x)`` and Hessian ``diag(c * g''(x)) + d``.

>>> import adcore as ad
>>> from hypothesis.strategies import SearchStrategy
>>> from adcore.testing.strategies import make_strategies
>>> strategies = make_strategies(ad.AutoFiniteDiff())
>>> isinstance(strategies.scenarios("gradient"), SearchStrategy)
True

Needs the ``[testing]`` extra (hypothesis); ``register_profile()`` registers
the ``"adcore"`` settings profile (``settings.load_profile("adcore")`` loads it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import adcore as ad

from ..errors import ArgumentError
from ._scenario import OPERATORS, Scenario
from ._scenarios._build import Fn, scenario
from ._scenarios._elementwise import ELEMENTWISE, Elementwise

__all__ = ["PROFILE", "Strategies", "make_strategies", "register_profile"]

#: The name of the settings profile that ``register_profile`` registers.
PROFILE = "adcore"

_INPLACE_OPERATORS = ("derivative", "jacobian", "pushforward", "pullback")
_BOUND = 1.0  # |x| and |tangent| stay below it: values of order one, no overflow
_MAX_SIZE = 8  # elements of x: finite differences of float32 sums stay accurate


def register_profile(**overrides: Any) -> str:
    """register_profile(**overrides) -> "adcore": register the suite's hypothesis profile.

    No deadline (finite differences and first calls of a JIT are slow), 50 examples,
    and no health check on slow data generation; ``overrides`` are passed to
    ``settings.register_profile``. Load it with ``settings.load_profile("adcore")``
    or ``pytest --hypothesis-profile=adcore``.
    """
    options: dict[str, Any] = {
        "max_examples": 50,
        "deadline": None,
        "suppress_health_check": [HealthCheck.too_slow],
    }
    options.update(overrides)
    settings.register_profile(PROFILE, **options)
    return PROFILE


def make_strategies(backend: Any = None) -> Strategies:
    """make_strategies(backend=None) -> Strategies: the strategies bound to ``backend``.

    With ``backend=None``, scenarios use every feature (in-place functions, contexts).
    """
    return Strategies(backend)


@dataclass(frozen=True)
class Strategies:
    """Strategies for one backend; build it with ``make_strategies(backend)``."""

    backend: Any = None

    @property
    def inplace(self) -> bool:
        """Whether generated scenarios may use in-place functions ``f(y, x)``."""
        return self.backend is None or bool(self.backend.inplace)

    @property
    def contexts(self) -> bool:
        """Whether generated scenarios may pass ``adcore.Constant`` contexts."""
        return self.backend is None or bool(self.backend.contexts)

    def shapes(
        self, *, min_dims: int = 0, max_dims: int = 3, max_side: int = 3, max_size: int = _MAX_SIZE
    ) -> Any:
        """Array shapes from 0-d to ``max_dims``-d, sides 1 to ``max_side`` (size-1 axes
        included), at most ``max_size`` elements."""
        shapes = hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)
        return shapes.filter(lambda shape: int(np.prod(shape)) <= max_size)

    def dtypes(self) -> Any:
        """float32 or float64, as numpy dtypes."""
        return st.sampled_from([np.dtype(np.float64), np.dtype(np.float32)])

    def arrays(self, shape: Any, dtype: Any = np.float64, *, bound: float = _BOUND) -> Any:
        """numpy arrays of ``shape`` and ``dtype`` with finite values in ``[-bound, bound]``."""
        dtype = np.dtype(dtype)
        elements = st.floats(-bound, bound, width=8 * dtype.itemsize, allow_subnormal=False)
        return hnp.arrays(dtype, shape, elements=elements)

    def scalars(self, dtype: Any = np.float64) -> Any:
        """A scalar ``x``: a Python float (float64 only) or a 0-d array of ``dtype``."""
        zero_d = self.arrays((), dtype)
        if np.dtype(dtype) != np.float64:
            return zero_d
        return st.floats(-_BOUND, _BOUND, allow_subnormal=False) | zero_d

    def tangents(self, x: Any, batch: Any = None) -> Any:
        """Tuples of ``batch`` tangents like ``x`` (Python floats for a Python float ``x``).

        ``batch`` is an int or a strategy of ints; 1 to 3 by default.
        """
        sizes = st.integers(1, 3) if batch is None else batch
        if isinstance(sizes, int):
            sizes = st.just(sizes)
        if isinstance(x, float):
            one = st.floats(-_BOUND, _BOUND, allow_subnormal=False)
        else:
            one = self.arrays(np.shape(x), np.asarray(x).dtype)
        return sizes.flatmap(lambda k: st.tuples(*[one] * k))

    def scenarios(self, operator: str | None = None, *, dtype: Any = None) -> Any:
        """Whole ``Scenario`` objects for ``operator`` (any operator if None), with exact references.

        ``dtype`` fixes the dtype of ``x`` (float32 or float64 if None).
        """
        if operator is not None and operator not in OPERATORS:
            raise ArgumentError(
                f"scenarios: unknown operator {operator!r}; use one of {', '.join(OPERATORS)}"
            )
        return _scenarios(self, operator, dtype)


# --- generated functions


def _weight(c: float, values: tuple[Any, ...]) -> Any:
    return values[0] if values else c


def _sum_fn(g: Elementwise, c: float, d: float) -> Fn:
    """x -> w * sum(g(x)) + d * sum(x)**2 / 2, with w a Constant context or the float c."""

    def f(x: Any, *contexts: Any) -> Any:
        xp = ad.array_namespace(x, *contexts)
        s = xp.sum(x)
        return xp.sum(_weight(c, contexts) * g.f(xp, x)) + d * s * s / 2

    def jac(x: Any, *values: Any) -> Any:
        return _weight(c, values) * g.d1(x) + d * np.sum(x)

    def second(x: Any, *values: Any) -> Any:
        diag = np.broadcast_to(_weight(c, values) * g.d2(x), np.shape(x)).ravel()
        return np.diag(diag) + d * np.ones((diag.size, diag.size))

    return Fn(f"{g.name}sum", f, jac, second)


def _map_fn(g: Elementwise, c: float, axis: int | None) -> Fn:
    """x -> w * g(x), summed over ``axis`` unless None."""

    def f(x: Any, *contexts: Any) -> Any:
        xp = ad.array_namespace(x, *contexts)
        y = _weight(c, contexts) * g.f(xp, x)
        return y if axis is None else xp.sum(y, axis=axis)

    def jac(x: Any, *values: Any) -> Any:
        shape = np.shape(x)
        j = np.diag(np.broadcast_to(_weight(c, values) * g.d1(x), shape).ravel())
        if axis is not None:
            j = j.reshape(*shape, -1).sum(axis=axis)
        return j.reshape(-1, j.shape[-1])

    return Fn(f"{g.name}map" if axis is None else f"{g.name}sum{axis}", f, jac)


def _stack_fn(gs: list[Elementwise], cs: list[float], shape: tuple[int, ...]) -> Fn:
    """Scalar x -> the values c[k] * g[k](x), shaped ``shape``."""

    def f(x: Any) -> Any:
        xp = ad.array_namespace(x)
        if shape == ():
            return cs[0] * gs[0].f(xp, x)
        return xp.reshape(xp.stack([c * g.f(xp, x) for g, c in zip(gs, cs)]), shape)

    def jac(x: Any) -> Any:
        return np.stack([c * g.d1(x) for g, c in zip(gs, cs)])

    def second(x: Any) -> Any:
        return np.stack([c * g.d2(x) for g, c in zip(gs, cs)])

    return Fn("stack-" + "-".join(g.name for g in gs), f, jac, second)


def _inplace(fn: Fn) -> Fn:
    def f(y: Any, x: Any, *contexts: Any) -> None:
        y[...] = fn.f(x, *contexts)

    return Fn(fn.name + "-inplace", f, fn.jac, fn.second)


_WEIGHTS = st.floats(-1.0, 1.0, allow_subnormal=False)


@st.composite
def _scenarios(draw: Any, ns: Strategies, operator: str | None, dtype: Any) -> Scenario:
    op = operator or draw(st.sampled_from(OPERATORS))
    dt = np.dtype(dtype) if dtype is not None else draw(ns.dtypes())
    if op in ("derivative", "second_derivative"):
        kind = "scalar"
    elif op in ("gradient", "hessian", "hvp"):
        kind = "to_scalar"
    elif op == "jacobian":
        kind = "to_array"
    else:
        kind = draw(st.sampled_from(["scalar", "to_scalar", "to_array"]))
    contexts: tuple[Any, ...] = ()
    if kind == "scalar":
        x = draw(ns.scalars(dt))
        shape = draw(ns.shapes(max_dims=2))
        size = int(np.prod(shape))
        gs = draw(st.lists(st.sampled_from(ELEMENTWISE), min_size=size, max_size=size))
        cs = draw(st.lists(_WEIGHTS, min_size=size, max_size=size))
        fn = _stack_fn(gs, cs, shape)
    else:
        xshape = draw(ns.shapes(min_dims=1 if kind == "to_array" else 0))
        x = draw(ns.arrays(xshape, dt))
        g, c = draw(st.sampled_from(ELEMENTWISE)), draw(_WEIGHTS)
        if ns.contexts and draw(st.booleans()):
            contexts = (ad.Constant(draw(ns.arrays(xshape, dt))),)
        if kind == "to_scalar":
            fn = _sum_fn(g, c, draw(st.sampled_from([0.0, 0.25, -0.25])))
        else:
            fn = _map_fn(g, c, draw(st.none() | st.integers(0, len(xshape) - 1)))
    value = fn.f(x, *(ctx.value for ctx in contexts))
    y = None
    if op in _INPLACE_OPERATORS and ns.inplace and np.ndim(value) > 0 and draw(st.booleans()):
        fn, y = _inplace(fn), np.zeros(np.shape(value), dtype=dt)
    tangents = None
    if op in ("pushforward", "hvp"):
        tangents = draw(ns.tangents(x))
    elif op == "pullback":
        like_y = float(value) if isinstance(x, float) and np.ndim(value) == 0 else np.zeros_like(value, dt)
        tangents = draw(ns.tangents(like_y))
    return scenario(op, fn, x, tangents=tangents, contexts=contexts, y=y, tags=("hypothesis",))
