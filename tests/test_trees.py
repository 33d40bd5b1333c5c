"""Structured inputs: pytrees of arrays as x, tangents, contexts and results (the generic
flattened path, on finite differences)."""

from __future__ import annotations

import collections
import dataclasses

import numpy as np
import optree
import pytest

import adcore as ad
from adcore.extend import AbstractBackend, AbstractGradient

FD = ad.AutoFiniteDiff()
TOL = dict(rtol=1e-5, atol=1e-6)

Pair = collections.namedtuple("Pair", "w s")


def loss(p):
    return (np.tanh(p["W"]) @ p["b"]).sum() + (p["b"] ** 2).sum()


def loss_flat(v):
    return loss({"W": v[:6].reshape(2, 3), "b": v[6:]})


X = {"b": np.array([0.5, -1.0, 2.0]), "W": np.arange(6.0).reshape(2, 3) / 10}
V = np.concatenate([X["W"].ravel(), X["b"]])  # optree's order: keys sorted


def close(a, b):
    ns = dict(namespace="adcore")
    assert optree.tree_structure(a, **ns) == optree.tree_structure(b, **ns)
    for u, v in zip(optree.tree_leaves(a, **ns), optree.tree_leaves(b, **ns)):
        np.testing.assert_allclose(u, v, **TOL)


def test_gradient_is_like_x_and_matches_the_flat_problem():
    g = ad.gradient(loss, FD, X)
    assert isinstance(g, dict) and g["W"].shape == (2, 3) and g["b"].dtype == np.float64
    close(g, ad.unravel(X, ad.gradient(loss_flat, FD, V)))
    value, g2 = ad.value_and_gradient(loss, FD, X)
    assert np.isclose(value, loss(X))
    close(g2, g)


def test_jacobian_and_hessian_are_2d_over_the_leaves_in_optree_order():
    H = ad.hessian(loss, FD, X)
    np.testing.assert_allclose(H, ad.hessian(loss_flat, FD, V), atol=1e-4)
    column = ad.unravel(X, H[:, 0])
    assert column["W"].shape == (2, 3)
    f = lambda p: {"y": np.sin(p["W"]) * p["b"], "z": p["b"].sum()}
    value, J = ad.value_and_jacobian(f, FD, X)
    assert J.shape == (7, 9) and value["z"] == X["b"].sum()
    row = ad.unravel(ad.prepare_jacobian(f, FD, X), J[6])  # the row of z: d sum(b)
    close(row, {"W": np.zeros((2, 3)), "b": np.ones(3)})


def test_pushforward_pullback_hvp_keep_the_structures():
    f = lambda p: {"y": np.sin(p.w) * p.s, "z": p.w ** 2}
    x = Pair(np.array([0.3, 0.7]), np.array(2.0))
    tx = (Pair(np.ones(2), np.array(0.0)), Pair(np.zeros(2), np.array(1.0)))
    ty = ad.pushforward(f, FD, x, tx)
    close(ty[1], {"y": np.sin(x.w), "z": np.zeros(2)})
    tw = ad.pullback(f, FD, x, ({"y": np.ones(2), "z": np.zeros(2)},))
    assert isinstance(tw[0], Pair)
    close(tw[0], Pair(np.cos(x.w) * 2.0, np.array(np.sin(x.w).sum())))
    tg = ad.hvp(lambda p: (p.w ** 3).sum() * p.s, FD, x, tx[:1])
    close(tg[0], Pair(6 * x.w * 2.0, np.array((3 * x.w ** 2).sum())))


def test_python_scalar_leaves_lists_and_pytree_contexts():
    x = [np.ones(2), 3.0]
    g = ad.gradient(lambda p, c: (p[0] ** 2).sum() * p[1] * c["k"], FD, x, ad.Constant({"k": 2.0}))
    assert isinstance(g, list)
    close(g, [np.full(2, 12.0), np.array(4.0)])


def test_prepared_calls_check_the_structure_and_name_the_difference():
    prep = ad.prepare_gradient(loss, FD, X)
    other = dict(X, b=X["b"] + 1.0)
    close(ad.gradient(loss, FD, other, prep=prep), ad.gradient(loss, FD, other))
    with pytest.raises(ad.PrepMismatchError, match=r"missing: x\['b'\][\s\S]*unexpected: x\['c'\]"):
        ad.gradient(loss, FD, {"W": X["W"], "c": X["b"]}, prep=prep)
    with pytest.raises(ad.PrepMismatchError, match=r"x\['b'\]: prep expected shape \(3,\)"):
        ad.gradient(loss, FD, dict(X, b=np.ones(4)), prep=prep)
    with pytest.raises(ad.PrepMismatchError):
        ad.gradient(loss, FD, V, prep=prep)


def test_out_is_a_matching_pytree_of_buffers_checked_before_writing():
    out = {"W": np.empty((2, 3)), "b": np.empty(3)}
    assert ad.gradient(loss, FD, X, out=out) is out
    close(out, ad.gradient(loss, FD, X))
    bad = {"W": np.full((2, 3), 7.0), "b": np.empty(4)}
    with pytest.raises(ad.ShapeError, match=r"out\['b'\]"):
        ad.gradient(loss, FD, X, out=bad)
    assert (bad["W"] == 7.0).all()
    with pytest.raises(ad.ArgumentTypeError, match="pytree of buffers"):
        ad.gradient(loss, FD, X, out=[np.empty((2, 3)), np.empty(3)])


def test_mixed_dtypes_integers_and_empty_trees_are_refused():
    with pytest.raises(ad.ArgumentTypeError, match="several dtypes"):
        ad.gradient(loss, FD, {"W": X["W"].astype(np.float32), "b": X["b"]})
    with pytest.raises(ad.ArgumentTypeError, match=r"x\['b'\] has dtype int64"):
        ad.gradient(loss, FD, {"W": X["W"], "b": np.arange(3)})
    with pytest.raises(ad.ArgumentError, match="no leaves"):
        ad.gradient(lambda p: 0.0, FD, {})


def test_x_is_not_mutated_and_results_own_their_memory():
    x = {k: v.copy() for k, v in X.items()}
    g = ad.gradient(loss, FD, x)
    close(x, X)
    for leaf in optree.tree_leaves(g):
        assert not any(np.shares_memory(leaf, a) for a in x.values())


def test_registered_dataclasses_are_pytrees():
    @optree.dataclasses.dataclass(namespace="adcore")
    class Params:
        w: np.ndarray
        b: np.ndarray

    g = ad.gradient(lambda p: (p.w * p.b).sum(), FD, Params(np.ones(2), np.full(2, 3.0)))
    assert dataclasses.is_dataclass(g)
    close(g, Params(np.full(2, 3.0), np.ones(2)))


def test_unravel_checks_its_arguments():
    with pytest.raises(ad.ArgumentError, match="1-D array of 9 entries"):
        ad.unravel(X, np.zeros(8))
    with pytest.raises(ad.ArgumentTypeError, match="must be a pytree"):
        ad.unravel(np.zeros(3), np.zeros(3))


def test_autosparse_over_a_pytree_works_through_the_flattened_view():
    pytest.importorskip("scipy")
    f = lambda p: np.concatenate([p["a"] ** 2, np.sin(p["b"])])
    x = {"a": np.arange(1.0, 4.0), "b": np.array([0.5, 1.5])}
    backend = ad.AutoSparse(FD, sparsity_detector=ad.TracerSparsityDetector())
    prep = ad.prepare_jacobian(f, backend, x)
    J = ad.jacobian(f, backend, x, prep=prep)
    assert prep.ncolors == 1 and J.shape == (5, 5)
    np.testing.assert_allclose(J.toarray(), np.diag([2.0, 4.0, 6.0, *np.cos(x["b"])]), **TOL)


def test_the_pytree_family_passes_the_suite_on_finite_differences():
    from adcore.testing import check_differentiation, pytree_scenarios

    scenarios = pytree_scenarios()
    kinds = {tag for s in scenarios for tag in s.tags if tag.startswith("pytree:")}
    assert kinds == {"pytree:dict", "pytree:tuple", "pytree:namedtuple"}
    assert {s.operator for s in scenarios} == {"gradient", "jacobian", "hessian", "hvp",
                                               "pushforward", "pullback"}
    report = check_differentiation([FD], scenarios)
    assert report, str(report)
    assert report.count("passed") >= 10 * len(scenarios)


class _LeafwiseGradient(AbstractGradient):
    """Central differences entry by entry, on the dict itself."""

    def __init__(self, f):
        self.f = f

    def value_and_gradient(self, x, contexts):
        grad = {}
        for k, v in x.items():
            g = np.zeros_like(v)
            for i in np.ndindex(v.shape):
                e = np.zeros_like(v)
                e[i] = 1e-6
                g[i] = (self.f({**x, k: v + e}, *contexts) - self.f({**x, k: v - e}, *contexts)) / 2e-6
            grad[k] = g
        return self.f(x, *contexts), grad


@dataclasses.dataclass(frozen=True, repr=False)
class AutoDictGradient(AbstractBackend):
    """A backend whose gradient takes a dict itself (as AutoJAX's and AutoTorch's do)."""

    name = "dictgradient"
    modes = frozenset({"forward"})
    native = frozenset({"gradient"})
    pytrees = frozenset({"gradient"})

    def prepare_pushforward(self, f, x, tx, contexts, *, y=None, same_point=False):
        return FD.prepare_pushforward(f, x, tx, contexts, y=y, same_point=same_point)

    def prepare_gradient(self, f, x, contexts):
        assert isinstance(x, dict)  # the pytree, not its flattened view
        return _LeafwiseGradient(f)


def test_a_backend_that_takes_pytrees_gets_them_and_its_prep_checks_the_structure():
    b = AutoDictGradient()
    prep = ad.prepare_gradient(loss, b, X)
    assert prep.structure.size == 9
    close(ad.gradient(loss, b, X, prep=prep), ad.gradient(loss, FD, X))
    reordered = {"W": X["W"] + 1.0, "b": X["b"]}  # another key order: the whole check
    close(ad.gradient(loss, b, reordered, prep=prep), ad.gradient(loss, FD, reordered))
    with pytest.raises(ad.PrepMismatchError, match=r"x\['W'\]: prep expected shape \(2, 3\)"):
        ad.gradient(loss, b, dict(X, W=np.ones((3, 2))), prep=prep)
    with pytest.raises(ad.PrepMismatchError, match=r"unexpected: x\['c'\]"):
        ad.gradient(loss, b, dict(X, c=np.ones(1)), prep=prep)
    assert ad.unravel(prep, np.arange(9.0))["b"].tolist() == [6.0, 7.0, 8.0]
    J = ad.jacobian(lambda p: p["b"] * 2.0, b, X)  # not declared in `pytrees`: the flat view
    np.testing.assert_allclose(J, np.hstack([np.zeros((3, 6)), 2 * np.eye(3)]), atol=1e-6)
