"""The pytree family: ``x`` (and tangents, and ``f(x)``) as dicts, tuples and namedtuples
of arrays (SPEC 10, Structured inputs).

Each function is written on the leaves, through ``adcore.array_namespace``; its closed-form
derivatives are written on the flattened view (optree's leaf order: dict keys sorted, each
leaf in C order), and the references built from them by ``scenario`` are rebuilt into the
structures: gradients, pullbacks and hvps like ``x``, pushforwards like ``f(x)``, Jacobians
and Hessians 2-D over the flattened leaves.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

import adcore as ad

from .._scenario import Scenario
from .._trees import NAMESPACE
from ._build import Fn, scenario

__all__ = ["Pair", "pytree_scenarios"]

#: The namedtuple of the family (module level, so that its results pickle).
Pair = namedtuple("Pair", ["w", "s"])


def _ravel(tree: Any) -> np.ndarray:
    import optree

    leaves = optree.tree_leaves(tree, namespace=NAMESPACE)
    return np.concatenate([np.ravel(np.asarray(leaf, dtype=np.float64)) for leaf in leaves])


# --- a dict of a matrix and a vector: {"W": (2, 2), "b": (2,)}, flattened [W.ravel(), b]


def dict_logsumsq(p: Any) -> Any:
    """log(1 + |W|^2 + |b|^2): LOGSUMSQ of the flattened view."""
    xp = ad.array_namespace(p["W"])
    return xp.log(1 + xp.sum(p["W"] * p["W"]) + xp.sum(p["b"] * p["b"]))


def _logsumsq_jac(v: Any) -> Any:
    return 2 * v / (1 + np.sum(v**2))


def _logsumsq_hess(v: Any) -> Any:
    s = 1 + np.sum(v**2)
    return 2 * np.eye(v.size) / s - 4 * np.outer(v, v) / s**2


def dict_layer(p: Any) -> Any:
    """{"y": W @ b, "z": sin(b)}: a pytree f(x), flattened [y, z]."""
    xp = ad.array_namespace(p["W"])
    return {"y": xp.sum(p["W"] * p["b"], axis=1), "z": xp.sin(p["b"])}


def _dict_layer_jac(v: Any) -> Any:
    W, b = v[:4].reshape(2, 2), v[4:]
    J = np.zeros((4, 6))
    for i in range(2):
        J[i, 2 * i:2 * i + 2] = b  # dy_i / dW_il = b_l
        J[i, 4:] = W[i]  # dy_i / db_l = W_il
    J[2:, 4:] = np.diag(np.cos(b))
    return J


# --- a tuple with a 0-d leaf: (v (3,), s ()), flattened [v, s]


def tuple_sinsum(p: Any) -> Any:
    """s^2 * sum(sin(v))."""
    v, s = p
    xp = ad.array_namespace(v)
    return s * s * xp.sum(xp.sin(v))


def _tuple_sinsum_jac(u: Any) -> Any:
    v, s = u[:3], u[3]
    return np.concatenate([s * s * np.cos(v), [2 * s * np.sum(np.sin(v))]])


def tuple_scale(p: Any) -> Any:
    """v * s, an array."""
    v, s = p
    return v * s


def _tuple_scale_jac(u: Any) -> Any:
    v, s = u[:3], u[3]
    return np.concatenate([s * np.eye(3), v[:, None]], axis=1)


# --- a namedtuple Pair(w (2,), s ()), flattened [w, s]


def pair_logsumsq(p: Any) -> Any:
    """log(1 + |w|^2 + s^2)."""
    xp = ad.array_namespace(p.w)
    return xp.log(1 + xp.sum(p.w * p.w) + p.s * p.s)


def pair_scale(p: Any) -> Any:
    """sin(w) * s, an array."""
    xp = ad.array_namespace(p.w)
    return xp.sin(p.w) * p.s


def _pair_scale_jac(u: Any) -> Any:
    w, s = u[:2], u[2]
    return np.concatenate([np.diag(np.cos(w) * s), np.sin(w)[:, None]], axis=1)


# --- scenarios


def _tree_scenario(operator: str, f: Any, x: Any, jac: Any, kind: str, *, second: Any = None,
                   tangents: tuple[Any, ...] | None = None) -> Scenario:
    """A Scenario at the pytree ``x``, its references from closed forms on the flattened view."""
    value = f(x)
    tree_out = not hasattr(value, "shape")
    flat_f = lambda v: _ravel(f(ad.unravel(x, v))) if tree_out else f(ad.unravel(x, v))
    like_tangents = value if operator == "pullback" else x
    flat_t = None if tangents is None else tuple(
        _ravel(t) if not hasattr(like_tangents, "shape") else t for t in tangents)
    flat = scenario(operator, Fn(f.__name__, flat_f, jac=jac, second=second), _ravel(x),
                    tangents=flat_t, tags=())
    like_x = lambda r: ad.unravel(x, np.asarray(r).ravel())
    like_y = (lambda r: ad.unravel(value, np.asarray(r).ravel())) if tree_out else (lambda r: r)
    res1, res2 = flat.res1, flat.res2
    if operator in ("gradient", "hessian", "hvp"):
        res1 = like_x(res1)
    if operator == "hvp":
        res2 = tuple(map(like_x, res2))
    elif operator == "pushforward":
        res1 = tuple(map(like_y, res1))
    elif operator == "pullback":
        res1 = tuple(map(like_x, res1))
    return Scenario(operator, f, x, tangents=tangents, res1=res1, res2=res2,
                    name=f"{operator}-pytree-{kind}-{f.__name__}", tags=("pytree", f"pytree:{kind}"))


def pytree_scenarios() -> list[Scenario]:
    """Every operator on a dict of a matrix and a vector (with a dict f(x) for the Jacobian,
    pushforward and pullback); gradient and pullback on a tuple with a 0-d leaf; hvp and
    pushforward on a namedtuple."""
    xd = {"b": np.array([0.5, -1.0]), "W": np.array([[0.2, -0.4], [0.7, 1.0]])}
    td = ({"b": np.array([1.0, 0.5]), "W": np.array([[0.0, 1.0], [-0.5, 0.3]])},)
    wd = ({"y": np.array([1.0, -0.5]), "z": np.array([0.25, 2.0])},)
    xt = (np.array([0.3, -0.5, 0.8]), np.asarray(1.5))
    wt = (np.array([1.0, 0.0, -2.0]),)
    xp_ = Pair(np.array([0.6, -0.2]), np.asarray(0.9))
    tp = (Pair(np.array([1.0, -1.0]), np.asarray(0.5)),)
    return [
        _tree_scenario("gradient", dict_logsumsq, xd, _logsumsq_jac, "dict", second=_logsumsq_hess),
        _tree_scenario("hessian", dict_logsumsq, xd, _logsumsq_jac, "dict", second=_logsumsq_hess),
        _tree_scenario("hvp", dict_logsumsq, xd, _logsumsq_jac, "dict", second=_logsumsq_hess,
                       tangents=td),
        _tree_scenario("jacobian", dict_layer, xd, _dict_layer_jac, "dict"),
        _tree_scenario("pushforward", dict_layer, xd, _dict_layer_jac, "dict", tangents=td),
        _tree_scenario("pullback", dict_layer, xd, _dict_layer_jac, "dict", tangents=wd),
        _tree_scenario("gradient", tuple_sinsum, xt, _tuple_sinsum_jac, "tuple"),
        _tree_scenario("pullback", tuple_scale, xt, _tuple_scale_jac, "tuple", tangents=wt),
        _tree_scenario("hvp", pair_logsumsq, xp_, _logsumsq_jac, "namedtuple",
                       second=_logsumsq_hess, tangents=tp),
        _tree_scenario("pushforward", pair_scale, xp_, _pair_scale_jac, "namedtuple", tangents=tp),
    ]
