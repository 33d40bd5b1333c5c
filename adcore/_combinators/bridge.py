"""The inner level of a ``SecondOrder`` of two engines: the inner backend's gradient (or
derivative), made differentiable by the outer engine through ``DifferentiateWith``'s
mechanism, with the inner backend's Hessian (or second derivative) as its Jacobian.

The outer engine traces ``x``; the inner backend cannot take its values. So the inner
gradient is a ``ForeignFunction`` called on them (the hook ``adcore_differentiate_with``):
its value is the inner backend's gradient at ``x`` as numpy, its Jacobian the inner
backend's Hessian. Every number of a second-order operator then comes from the inner
engine, exactly; the outer engine only composes matrix products.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._core.backend import AbstractBackend
from .._core.contexts import Constant
from .._operators.derivative import prepare_derivative, value_and_derivative
from .._operators.executors import AbstractDerivative, AbstractGradient
from .._operators.gradient import prepare_gradient
from .._operators.gradient import value_and_gradient as _value_and_gradient
from .._operators.hessian import prepare_hessian, value_gradient_and_hessian
from .._operators.second_derivative import (
    prepare_second_derivative,
    value_derivative_and_second_derivative,
)
from .._registry.convert import to_numpy
from .mixing import DifferentiateWith, ForeignFunction, call_foreign, numpy
from .wrapper import AbstractWrapper

__all__ = ["Bridge"]


@dataclass(frozen=True, repr=False)
class Bridge(AbstractWrapper):
    """Bridge(inner, outer): ``inner``'s gradient and derivative as functions that the
    engine of ``outer`` differentiates (with ``inner``'s second derivatives)."""

    inner: AbstractBackend
    outer: AbstractBackend

    name: ClassVar[str] = "bridge"
    native: ClassVar[frozenset[str]] = frozenset({"gradient", "derivative"})
    routes: ClassVar[dict[str, str]] = {"pushforward": "inner", "pullback": "inner"}

    def derived(self) -> dict[str, Any]:
        return {**super().derived(), "modes": self.inner.modes,
                "array_families": frozenset(self.outer.array_families)}

    def __repr__(self) -> str:
        return f"SecondOrder({self.outer!r}, {self.inner!r})"

    def prepare_gradient(self, f: Any, x: Any, contexts: Any) -> AbstractGradient:
        return _Gradient(self, f)

    def prepare_derivative(self, f: Any, x: Any, contexts: Any, *, y: Any = None) -> AbstractDerivative:
        return _Derivative(self, f)


def _constants(contexts: tuple[Any, ...]) -> tuple[Constant, ...]:
    # Contexts cross as numpy: the inner backend cannot take the outer engine's arrays.
    return tuple(Constant(np.array(to_numpy(c))) for c in contexts)


class _Level(ForeignFunction):
    """The inner backend's first derivative of ``f`` (at fixed contexts) as a function."""

    def __init__(self, bridge: Bridge, f: Any, contexts: tuple[Any, ...], what: str) -> None:
        super().__init__(bridge.inner)
        self.f, self.contexts = f, _constants(contexts)
        self.description = f"{bridge!r}: the inner {what}"

    def run(self, operator: str, prepare: Any, call: Any, x: np.ndarray) -> Any:
        xi = self.darg(x)
        prep = self.prepared(operator, lambda f, b, x, strict: prepare(f, b, x, *self.contexts,
                                                                          strict=strict), self.f, xi)
        return call(self.f, self.backend, xi, *self.contexts, prep=prep)


class _GradientLevel(_Level):
    def value(self, x: np.ndarray) -> np.ndarray:
        return numpy(self.run("gradient", prepare_gradient, _value_and_gradient, x)[1])

    def value_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        _, grad, H = self.run("hessian", prepare_hessian, value_gradient_and_hessian, x)
        return numpy(grad), numpy(H).reshape(x.size, x.size)


class _DerivativeLevel(_Level):
    def value(self, x: np.ndarray) -> np.ndarray:
        return numpy(self.run("derivative", prepare_derivative, value_and_derivative, x)[1])

    def value_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        _, d, dd = self.run("second_derivative", prepare_second_derivative,
                            value_derivative_and_second_derivative, x)
        return numpy(d), numpy(dd).reshape(-1, 1)


class _Bridged:
    def __init__(self, bridge: Bridge, f: Any, level: type[_Level], what: str) -> None:
        self.bridge, self.f, self.level, self.what = bridge, f, level, what
        self.plain = level(bridge, f, (), what)  # no contexts: made once, its preps kept

    def first(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        function = self.level(self.bridge, self.f, contexts, self.what) if contexts else self.plain
        return call_foreign(function, x)

    def value(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        fixed = _constants(contexts)
        return DifferentiateWith(lambda x: self.f(x, *(c.value for c in fixed)), self.bridge.inner)(x)


class _Gradient(AbstractGradient):
    def __init__(self, bridge: Bridge, f: Any) -> None:
        self.bridged = _Bridged(bridge, f, _GradientLevel, "gradient")

    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        return self.bridged.value(x, contexts), self.bridged.first(x, contexts)

    def gradient(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.bridged.first(x, contexts)


class _Derivative(AbstractDerivative):
    def __init__(self, bridge: Bridge, f: Any) -> None:
        self.bridged = _Bridged(bridge, f, _DerivativeLevel, "derivative")

    def value_and_derivative(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        return self.bridged.value(x, contexts), self.bridged.first(x, contexts)

    def derivative(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self.bridged.first(x, contexts)
