"""The mixed family: functions that call ``DifferentiateWith(g, AutoFiniteDiff())`` inside,
so that the backend under test differentiates a subroutine whose derivatives come from
finite differences (issue 19). One scenario per operator, on float64 inputs."""

from __future__ import annotations

from typing import Any

import numpy as np

import adcore as ad

from .._scenario import Scenario
from ._build import Fn, scenario

__all__ = ["mixed_scenarios"]


def _sine(x: Any) -> Any:
    return ad.array_namespace(x).sin(x)


def _sum_exp(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum(xp.exp(x))


def _sum_x_sine(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum(x * xp.sin(x))


#: Built on first use: DifferentiateWith is an attribute that the lazy adcore resolves.
_SUBROUTINES: dict[str, Any] = {}


def _sub(name: str) -> Any:
    if not _SUBROUTINES:
        fd = ad.AutoFiniteDiff()
        _SUBROUTINES.update(sine=ad.DifferentiateWith(_sine, fd),
                            sumexp=ad.DifferentiateWith(_sum_exp, fd),
                            sumxsine=ad.DifferentiateWith(_sum_x_sine, fd))
    return _SUBROUTINES[name]


def scaled_sine(x: Any) -> Any:
    """x sin(x), sin by finite differences."""
    return _sub("sine")(x) * x


def energy(x: Any) -> Any:
    """sum(exp(x)) + sum(x sin(x)), both sums by finite differences (scalar subroutines:
    their second derivatives cost one Hessian each)."""
    return _sub("sumexp")(x) + _sub("sumxsine")(x)


def shifted_sine(x: Any) -> Any:
    """sin(x) x[0] + x, sin by finite differences."""
    return _sub("sine")(x) * x[0] + x


SCALED_SINE = Fn("mixed_scaledsine", scaled_sine,
                 jac=lambda x: np.sin(x) + x * np.cos(x),
                 second=lambda x: 2 * np.cos(x) - x * np.sin(x))
ENERGY = Fn("mixed_energy", energy,
            jac=lambda x: np.exp(x) + np.sin(x) + x * np.cos(x),
            second=lambda x: np.diag(np.exp(x) + 2 * np.cos(x) - x * np.sin(x)))


def _shifted_sine_jac(x: Any) -> Any:
    J = np.diag(x[0] * np.cos(x) + 1.0)
    J[:, 0] += np.sin(x)
    return J


SHIFTED_SINE = Fn("mixed_shiftedsine", shifted_sine, jac=_shifted_sine_jac)

XF = 0.8
XV = np.array([0.5, -0.3, 0.9])
TV = (np.array([1.0, -0.5, 0.25]),)
WV = (np.array([0.3, 1.0, -2.0]),)


def mixed_scenarios() -> list[Scenario]:
    """Every operator on a function that calls ``DifferentiateWith(g, AutoFiniteDiff())``."""
    def s(operator: str, fn: Fn, x: Any, tangents: Any = None) -> Scenario:
        # Tagged `mixed-<operator>` too, so that a backend can expect one operator to fail.
        return scenario(operator, fn, x, tangents=tangents, tags=("mixed", f"mixed-{operator}"))

    return [
        s("derivative", SCALED_SINE, XF),
        s("second_derivative", SCALED_SINE, XF),
        s("gradient", ENERGY, XV),
        s("hessian", ENERGY, XV),
        s("hvp", ENERGY, XV, TV),
        s("jacobian", SHIFTED_SINE, XV),
        s("pushforward", SHIFTED_SINE, XV, TV),
        s("pullback", SHIFTED_SINE, XV, WV),
    ]
