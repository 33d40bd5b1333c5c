"""The hypothesis strategies: well-formed values, capability binding, exact references."""

from __future__ import annotations

import copy
import types
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adcore as ad
from adcore.testing._scenario import OPERATORS, Scenario
from adcore.testing.strategies import PROFILE, make_strategies, register_profile

FD = ad.AutoFiniteDiff()
NS = make_strategies(FD)
FAST = settings(max_examples=25, deadline=None)


def results(s: Scenario) -> tuple[Any, Any]:
    """``(res1, res2)`` of the scenario's operator on finite differences."""
    contexts = tuple(type(c)(copy.deepcopy(c.value)) for c in s.contexts)
    args = (copy.deepcopy(s.x), *(() if s.tangents is None else (s.tangents,)), *contexts)
    if s.operator == "second_derivative":
        return ad.value_derivative_and_second_derivative(s.f, FD, *args)[1:]
    if s.operator == "hessian":
        return ad.value_gradient_and_hessian(s.f, FD, *args)[1:]
    if s.operator == "hvp":
        return ad.gradient_and_hvp(s.f, FD, *args)
    y = {} if s.y is None else {"y": s.y.copy()}
    return getattr(ad, s.operator)(s.f, FD, *args, **y), None


def assert_close(got: Any, expected: Any, tol: float) -> None:
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_close(g, e, tol)
        return
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(np.asarray(got, float), np.asarray(expected, float), rtol=tol, atol=tol)


def test_register_profile() -> None:
    assert register_profile() == PROFILE == "adcore"
    profile = settings.get_profile("adcore")
    assert profile.deadline is None and profile.max_examples == 50
    try:
        register_profile(max_examples=7)
        assert settings.get_profile("adcore").max_examples == 7
    finally:
        register_profile()


@FAST
@given(NS.shapes())
def test_shapes(shape: tuple[int, ...]) -> None:
    assert len(shape) <= 3 and all(1 <= side <= 3 for side in shape) and np.prod(shape) <= 8


@FAST
@given(NS.dtypes().flatmap(lambda dtype: NS.arrays((2, 3), dtype)))
def test_arrays_are_finite_and_moderate(x: np.ndarray) -> None:
    assert x.shape == (2, 3) and x.dtype in (np.float32, np.float64)
    assert np.all(np.isfinite(x)) and np.all(np.abs(x) <= 1)


@FAST
@given(st.data())
def test_tangents_are_like_x(data: st.DataObject) -> None:
    x = data.draw(NS.scalars() | NS.arrays((3, 1), np.float32))
    tangents = data.draw(NS.tangents(x, batch=2))
    assert isinstance(tangents, tuple) and len(tangents) == 2
    for t in tangents:
        if isinstance(x, float):
            assert isinstance(t, float)
        else:
            assert t.shape == x.shape and t.dtype == x.dtype


def test_unknown_operator() -> None:
    with pytest.raises(ValueError, match="unknown operator 'grad'"):
        NS.scenarios("grad")


@pytest.mark.parametrize("operator", OPERATORS)
def test_scenarios_of_one_operator(operator: str) -> None:
    @FAST
    @given(NS.scenarios(operator))
    def check(s: Scenario) -> None:
        assert s.operator == operator and "hypothesis" in s.tags
        assert (s.tangents is not None) == (operator in ("pushforward", "pullback", "hvp"))

    check()


def test_scenarios_respect_capabilities() -> None:
    limited = make_strategies(types.SimpleNamespace(inplace=False, contexts=False))

    @FAST
    @given(limited.scenarios(dtype=np.float64))
    def check(s: Scenario) -> None:
        assert not s.inplace and not s.contexts and np.asarray(s.x).dtype == np.float64

    check()


@settings(max_examples=25, deadline=None)
@given(NS.scenarios())
def test_generated_references_match_finite_differences(s: Scenario) -> None:
    single = np.asarray(s.x).dtype == np.float32
    res1, res2 = results(s)
    assert_close(res1, s.res1, 1e-3 if single else 1e-5)
    if s.res2 is not None:
        assert_close(res2, s.res2, 1e-2 if single else 1e-4)
