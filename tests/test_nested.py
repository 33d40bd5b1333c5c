"""The `nested` capability: a backend that cannot differentiate its own results is never nested
in itself by a second-order fallback (adcore/_operators/common.py `levels`), and the suite runs
its second order through finite differences (adcore/testing/_runner.py `levels`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest

import adcore as ad
from adcore.extend import AbstractBackend, ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import all_scenarios, check_differentiation, second_order_scenarios


@dataclass(frozen=True)
class AutoFlat(AbstractBackend):
    """Finite differences that declare they cannot be nested (as the complex step cannot)."""

    name: ClassVar[str] = "flat"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    inplace: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    nested: ClassVar[bool] = False
    thread_safe: ClassVar[bool] = True

    def prepare_pushforward(self, f: Any, x: Any, tx: Any, contexts: Any, *, y: Any = None,
                            same_point: bool = False) -> Any:
        return ad.AutoFiniteDiff().prepare_pushforward(f, x, tx, contexts, y=y)


def cube(x: Any) -> Any:
    return (x ** 3).sum()


X = np.array([1.0, 2.0])


@pytest.mark.parametrize("call", [
    lambda b: ad.hessian(cube, b, X),
    lambda b: ad.hvp(cube, b, X, (np.ones(2),)),
    lambda b: ad.second_derivative(lambda t: t ** 3, b, 2.0),
])
def test_second_order_never_nests_a_backend_that_declares_it_cannot(call: Any) -> None:
    for backend in (AutoFlat(), ForwardFromPrimitive(AutoFlat())):
        with pytest.raises(ad.NotSupportedError, match="nested=False.*SecondOrder"):
            call(backend)
    assert np.allclose(ad.hessian(cube, ad.SecondOrder(ad.AutoFiniteDiff(), AutoFlat()), X),
                       np.diag(6 * X), atol=1e-4)


def test_wrappers_derive_the_capabilities() -> None:
    for wrapper in (ForwardFromPrimitive, ReverseFromPrimitive):
        assert wrapper(ad.AutoFiniteDiff()).nested and wrapper(ad.AutoFiniteDiff()).thread_safe
        assert not wrapper(AutoFlat()).nested and wrapper(AutoFlat()).thread_safe
    assert not ad.SecondOrder(ad.AutoFiniteDiff(), AutoFlat()).nested


def test_the_suite_runs_second_order_through_finite_differences_and_says_so() -> None:
    report = check_differentiation([AutoFlat()], all_scenarios())
    assert report, str(report)
    second = ad.SecondOrder(ad.AutoFiniteDiff(), AutoFlat())
    ran_on = {r.backend for r in report.results if r.operator in ("hessian", "hvp",
                                                                    "second_derivative")}
    assert ran_on == {repr(second)}
    assert {r.backend for r in report.results if r.operator == "gradient"} == {repr(AutoFlat())}
    assert report.notes == [f"AutoFlat() declares nested=False: its second order ran as {second!r}"]
    assert str(report).splitlines()[1] == report.notes[0]


def test_a_nested_backend_runs_second_order_on_itself() -> None:
    report = check_differentiation([ad.AutoFiniteDiff()], second_order_scenarios()[:2])
    assert report and not report.notes
    assert {r.backend for r in report.results} == {"AutoFiniteDiff()"}
