"""The scenario families: complete, well-formed, and their hand-derived references right.

Every reference is checked against ``AutoFiniteDiff`` through the public
operators, so a slip in a closed form fails here rather than in a backend's CI.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import adcore as ad
from adcore.testing._scenario import OPERATORS, Scenario
from adcore.testing._scenarios import (
    all_scenarios,
    complex_scenarios,
    context_scenarios,
    default_scenarios,
    float32_scenarios,
    inplace_scenarios,
    layout_scenarios,
    mixed_scenarios,
    pytree_scenarios,
    second_order_scenarios,
    sparse_scenarios,
)

FAMILIES = {
    "default": default_scenarios,
    "inplace": inplace_scenarios,
    "context": context_scenarios,
    "float32": float32_scenarios,
    "second_order": second_order_scenarios,
    "layout": layout_scenarios,
    "pytree": pytree_scenarios,
    "mixed": mixed_scenarios,
    "complex": complex_scenarios,
    "sparse": sparse_scenarios,
}
EVERY = [s for family in FAMILIES.values() for s in family()]
# The pytree family's x is no array: its references are checked by the suite on finite
# differences (tests/test_trees.py), not by the array tests below.
ARRAYS = [s for s in EVERY if "pytree" not in s.tags]
FD = ad.AutoFiniteDiff()


def fresh(s: Scenario) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The positional arguments after ``backend`` and the ``y=`` keyword, as copies."""
    contexts = tuple(type(c)(copy.deepcopy(c.value)) for c in s.contexts)
    tangents = () if s.tangents is None else (s.tangents,)
    return (copy.deepcopy(s.x), *tangents, *contexts), ({} if s.y is None else {"y": s.y.copy()})


def results(s: Scenario, backend: Any) -> tuple[Any, Any]:
    """``(res1, res2)`` of the scenario's operator on ``backend``, like the references."""
    args, kwargs = fresh(s)
    if s.operator == "second_derivative":
        return ad.value_derivative_and_second_derivative(s.f, backend, *args)[1:]
    if s.operator == "hessian":
        return ad.value_gradient_and_hessian(s.f, backend, *args)[1:]
    if s.operator == "hvp":
        return ad.gradient_and_hvp(s.f, backend, *args)
    return getattr(ad, s.operator)(s.f, backend, *args, **kwargs), None


def tolerance(s: Scenario, second: bool) -> float:
    if np.asarray(s.x).dtype == np.float32:
        return 1e-2 if second else 1e-3
    return 1e-4 if second else 1e-5


def assert_close(got: Any, expected: Any, tol: float) -> None:
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_close(g, e, tol)
        return
    assert np.shape(got) == np.shape(expected)
    dtype = complex if np.iscomplexobj(expected) else float
    np.testing.assert_allclose(np.asarray(got, dtype), np.asarray(expected, dtype), rtol=tol, atol=tol)


def value(s: Scenario) -> Any:
    args, kwargs = fresh(s)
    x, contexts = args[0], [c.value for c in args[len(args) - len(s.contexts):]]
    if s.y is None:
        return s.f(x, *contexts)
    s.f(kwargs["y"], x, *contexts)
    return kwargs["y"]


# --- the families


@pytest.mark.parametrize("name", FAMILIES)
def test_family_is_tagged_and_not_empty(name: str) -> None:
    scenarios = FAMILIES[name]()
    assert scenarios
    assert all(isinstance(s, Scenario) and name in s.tags for s in scenarios)


def test_names_are_unique() -> None:
    names = [s.id for s in EVERY]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert all(s.name for s in EVERY)


def test_all_scenarios_is_every_family_but_sparse() -> None:
    expected = [s.id for name, family in FAMILIES.items() if name != "sparse" for s in family()]
    assert [s.id for s in all_scenarios()] == expected


def test_default_covers_every_operator_and_input() -> None:
    scenarios = default_scenarios()
    assert {s.operator for s in scenarios} == set(OPERATORS)
    for op in ("derivative", "second_derivative", "pushforward", "pullback"):
        xs = [s.x for s in scenarios if s.operator == op]
        assert any(isinstance(x, float) for x in xs), op
        assert any(isinstance(x, np.ndarray) and x.ndim == 0 for x in xs), op
    assert any(len(s.tangents or ()) >= 2 for s in scenarios if s.operator == "pushforward")
    assert any(len(s.tangents or ()) >= 2 for s in scenarios if s.operator == "pullback")
    assert any(len(s.tangents or ()) >= 2 for s in scenarios if s.operator == "hvp")
    assert any(1 in np.shape(s.x) for s in scenarios)
    assert any(1 in np.shape(value(s)) for s in scenarios)
    assert all(np.asarray(s.x).dtype == np.float64 and not s.inplace for s in scenarios)


def test_inplace_only_where_allowed() -> None:
    for s in inplace_scenarios():
        assert s.inplace and isinstance(s.y, np.ndarray)
        assert s.operator in ("derivative", "jacobian", "pushforward", "pullback")
    assert {s.operator for s in inplace_scenarios()} == {
        "derivative", "jacobian", "pushforward", "pullback"
    }


def test_contexts_cover_constant_and_cache_at_both_orders() -> None:
    scenarios = context_scenarios()
    for kind in (ad.Constant, ad.Cache):
        ops = {s.operator for s in scenarios if any(type(c) is kind for c in s.contexts)}
        assert ops & {"gradient", "jacobian", "derivative"}, kind
        assert ops & {"hessian", "hvp", "second_derivative"}, kind
    assert all(s.contexts for s in scenarios)


def test_float32_family_is_first_order_float32() -> None:
    for s in float32_scenarios():
        assert np.asarray(s.x).dtype == np.float32 and s.res2 is None
        for r in s.res1 if isinstance(s.res1, tuple) else (s.res1,):
            assert np.asarray(r).dtype == np.float32
        for t in s.tangents or ():
            assert np.asarray(t).dtype == np.float32


def test_layout_family_lays_out_x_for_every_operator_with_an_array_x() -> None:
    from adcore.testing._calls import inputs_for

    scenarios = layout_scenarios()
    by_layout: dict[str, set[str]] = {}
    for s in scenarios:
        for tag in s.tags:
            by_layout.setdefault(tag, set()).add(s.operator)
    every = set(OPERATORS) - {"derivative", "second_derivative"}  # those take a scalar x
    for tag in ("layout:fortran", "layout:strided", "layout:reversed", "0d", "empty"):
        assert by_layout[tag] == every, tag
    for s in scenarios:
        x = inputs_for(s, "numpy").x
        assert np.array_equal(x, s.x) and not np.shares_memory(x, s.x)
        if "layout:fortran" in s.tags:
            assert x.flags.f_contiguous and not x.flags.c_contiguous
        if "layout:strided" in s.tags:
            assert not x.flags.c_contiguous and not x.flags.f_contiguous
        if "layout:reversed" in s.tags:
            assert all(stride < 0 for stride in x.strides)
    assert {x.ndim for s in scenarios if any(t.startswith("layout:") for t in s.tags)
            for x in [s.x]} == {2, 3}


def test_sparse_references_are_sparse() -> None:
    for s in sparse_scenarios():
        matrix = s.res1 if s.operator == "jacobian" else s.res2
        assert np.mean(matrix == 0) >= 0.4, s.id


# --- each scenario


@pytest.mark.parametrize("s", ARRAYS, ids=lambda s: s.id)
def test_reference_shapes(s: Scenario) -> None:
    """Results shaped by the rules of SPEC section 4."""
    xshape, yshape = np.shape(s.x), np.shape(value(s))
    n, m = int(np.prod(xshape)), int(np.prod(yshape))
    first = {
        "derivative": yshape, "second_derivative": yshape, "gradient": xshape,
        "hessian": xshape, "hvp": xshape, "jacobian": (m, n),
    }
    if s.operator in ("pushforward", "pullback"):
        like = yshape if s.operator == "pushforward" else xshape
        assert isinstance(s.res1, tuple) and len(s.res1) == len(s.tangents)
        assert all(np.shape(r) == like for r in s.res1)
    else:
        assert np.shape(s.res1) == first[s.operator]
    if s.operator == "hessian" and "complex" in s.tags:
        assert s.res2 is None  # refused by every backend: no complex matrix represents it
    elif s.operator == "hessian":
        assert np.shape(s.res2) == (n, n)
    elif s.operator == "second_derivative":
        assert np.shape(s.res2) == yshape
    elif s.operator == "hvp":
        assert isinstance(s.res2, tuple) and len(s.res2) == len(s.tangents)
        assert all(np.shape(r) == xshape for r in s.res2)
    else:
        assert s.res2 is None
    for t in s.tangents or ():
        assert np.shape(t) == (yshape if s.operator == "pullback" else xshape)
    if isinstance(s.x, float) and s.operator == "pullback":
        assert all(isinstance(r, float) for r in s.res1)


@pytest.mark.parametrize("s", ARRAYS, ids=lambda s: s.id)
def test_reference_matches_finite_differences(s: Scenario) -> None:
    if "complex" in s.tags and s.operator == "hessian":
        with pytest.raises(ad.NotSupportedError):
            results(s, FD)
        return
    # At a complex x, finite differences give an hvp as finite differences of gradients.
    second = "complex" in s.tags and s.operator == "hvp"
    res1, res2 = results(s, ad.SecondOrder(FD, FD) if second else FD)
    assert_close(res1, s.res1, tolerance(s, second=False))
    if s.res2 is not None:
        assert_close(res2, s.res2, tolerance(s, second=True))


@pytest.mark.parametrize("s", ARRAYS, ids=lambda s: s.id)
def test_functions_do_not_mutate_x_or_constants(s: Scenario) -> None:
    x, constants = copy.deepcopy(s.x), [copy.deepcopy(c.value) for c in s.contexts]
    values = [c.value if isinstance(c, ad.Constant) else copy.deepcopy(c.value) for c in s.contexts]
    if s.inplace:
        s.f(s.y.copy(), s.x, *values)
    else:
        s.f(s.x, *values)
    np.testing.assert_array_equal(s.x, x)
    for c, before in zip(s.contexts, constants):
        if isinstance(c, ad.Constant):
            np.testing.assert_array_equal(c.value, before)
