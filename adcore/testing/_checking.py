"""What the checks share: the variants, which checks apply, inputs, references, comparisons."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._calls import SPECS, OperatorSpec, to_family, to_numpy
from ._compare import SkipCheck, assert_close, tolerances
from ._scenario import Scenario

__all__ = [
    "VARIANTS",
    "applies",
    "array_x",
    "compare_outcome",
    "declared_unsupported",
    "reference",
    "setup",
    "value_of",
]

VARIANTS = ("plain", "value")




def applies(predicate: Any) -> Any:
    """Declare which (backend, scenario) pairs a check is generated for at all;
    ``SkipCheck`` is then kept for what a backend declares it cannot do."""

    def mark(check: Any) -> Any:
        check.applies = predicate
        return check

    return mark


def array_x(scenario: Scenario) -> bool:
    return isinstance(scenario.x, np.ndarray) and scenario.x.ndim > 0


def setup(backend: Any, scenario: Scenario, family: str) -> tuple[OperatorSpec, float, float]:
    if declared_unsupported(backend, scenario):
        if scenario.inplace and not backend.inplace:
            kind = "in-place functions"
        elif scenario.contexts and not backend.contexts:
            kind = "contexts"
        else:
            kind = f"the {scenario.operator} of a complex x (complex_operators)"
        raise SkipCheck(f"{backend!r} declares no support for {kind}")
    spec = SPECS[scenario.operator]
    rtol, atol = tolerances(to_family(scenario.x, family), spec.second_order, backend)
    return spec, rtol, atol


def reference(scenario: Scenario) -> tuple[Any, Any, Any]:
    return (value_of(scenario), scenario.res1, scenario.res2)


def value_of(scenario: Scenario) -> Any:
    values = [c.value for c in scenario.contexts]
    if scenario.inplace:
        y = np.array(scenario.y, copy=True)
        scenario.f(y, np.array(scenario.x, copy=True), *values)
        return y
    x = scenario.x.copy() if isinstance(scenario.x, np.ndarray) else scenario.x
    return to_numpy(scenario.f(x, *values))


def compare_outcome(got: tuple[Any, Any, Any], want: tuple[Any, Any, Any], what: str,
                     rtol: float, atol: float) -> None:
    for name, g, w in zip(("value", "res1", "res2"), got, want):
        if g is not None and w is not None:
            assert_close(g, w, f"{what}: {name}", rtol, atol)


def declared_unsupported(backend: Any, s: Scenario) -> bool:
    return ((s.inplace and not backend.inplace) or (bool(s.contexts) and not backend.contexts)
            or ("complex" in s.tags and s.operator not in backend.complex_operators))
