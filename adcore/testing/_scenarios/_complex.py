"""The complex family: a complex ``x``, in adcore's convention (SPEC 10, 'Complex numbers').

For a real ``f`` of complex ``x``, ``gradient`` is the direction of steepest ascent
(``2z`` for ``|z|**2``); ``pushforward`` is the real-linear map ``J t``; ``pullback`` its
adjoint for the real inner product ``Re(vdot(u, v))``; ``hvp`` the pushforward of that
gradient. Each function comes with ``J t`` in closed form (and the hvp for a real ``f``),
from which the references are read; nothing here differentiates. A backend declares the
operators it computes at a complex ``x`` (``complex_operators``): the suite checks those,
and that the others raise ``NotSupportedError``. No backend gives the Hessian of a
complex ``x`` (no complex matrix represents it in general): the hessian scenario checks
the refusal everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import adcore as ad

from .._scenario import Scenario

__all__ = ["complex_scenarios"]

_rng = np.random.default_rng(0)
Z = _rng.normal(size=3) + 1j * _rng.normal(size=3)
T = _rng.normal(size=3) + 1j * _rng.normal(size=3)
W = _rng.normal(size=3) + 1j * _rng.normal(size=3)
TAGS = ("complex",)


def abs2(z: Any) -> Any:
    """sum(|z|**2): the gradient is 2z, the hvp 2t."""
    xp = ad.array_namespace(z)
    return xp.sum(xp.real(z * xp.conj(z)))


def abs2_jt(z: np.ndarray, t: np.ndarray) -> Any:
    return np.sum(2 * np.real(np.conj(z) * t))


def nonholo(z: Any) -> Any:
    """sum(Re(z)**2 Im(z)): with z = a + ib, the gradient is 2ab + i a**2."""
    xp = ad.array_namespace(z)
    return xp.sum(xp.real(z) ** 2 * xp.imag(z))


def nonholo_jt(z: np.ndarray, t: np.ndarray) -> Any:
    a, b = z.real, z.imag
    return np.sum(2 * a * b * t.real + a**2 * t.imag)


def nonholo_hvp(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    a, b = z.real, z.imag
    return 2 * (t.real * b + a * t.imag) + 2j * a * t.real


def mixed(z: Any) -> Any:
    """conj(z) * z[1] + z**2: complex-valued and not holomorphic."""
    xp = ad.array_namespace(z)
    return xp.conj(z) * z[1] + z**2


def mixed_jt(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.conj(t) * z[1] + np.conj(z) * t[1] + 2 * z * t


def holo(z: Any) -> Any:
    """z**2 * z[0]: holomorphic."""
    return z**2 * z[0]


def holo_jt(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    return 2 * z * z[0] * t + z**2 * t[0]


def _pullback(jt: Callable[..., Any], z: np.ndarray, w: Any) -> np.ndarray:
    """The adjoint of ``t -> jt(z, t)`` for ``Re(vdot(u, v))``, at ``w``."""
    e = np.eye(z.size)
    return np.array([np.real(np.vdot(w, jt(z, e[i]))) + 1j * np.real(np.vdot(w, jt(z, 1j * e[i])))
                     for i in range(z.size)])


def _scenario(operator: str, f: Callable[..., Any], x: np.ndarray, suffix: str = "", **kw: Any) -> Scenario:
    kind = "scalar" if np.ndim(f(x)) == 0 else "vector"
    name = f"{operator}-vector-{kind}-{f.__name__}-complex{suffix}"
    return Scenario(operator, f, x, name=name, tags=TAGS, **kw)


def complex_scenarios() -> list[Scenario]:
    """gradient, pushforward, pullback and hvp at a complex x (holomorphic functions and
    others), and the hessian that every backend refuses there."""
    found = [_scenario("gradient", abs2, np.array([1 + 2j]), "-at1plus2j", res1=np.array([2 + 4j]))]
    for f, jt in ((abs2, abs2_jt), (nonholo, nonholo_jt)):
        found.append(_scenario("gradient", f, Z, res1=_pullback(jt, Z, 1.0)))
    for f, jt in ((mixed, mixed_jt), (holo, holo_jt)):
        found.append(_scenario("pushforward", f, Z, tangents=(T,), res1=(jt(Z, T),)))
        found.append(_scenario("pullback", f, Z, tangents=(W,), res1=(_pullback(jt, Z, W),)))
    found.append(_scenario("hvp", abs2, Z, tangents=(T,), res1=2 * Z, res2=(2 * T,)))
    found.append(_scenario("hvp", nonholo, Z, tangents=(T,), res1=_pullback(nonholo_jt, Z, 1.0),
                           res2=(nonholo_hvp(Z, T),)))
    found.append(_scenario("hessian", abs2, Z, res1=2 * Z))
    return found
