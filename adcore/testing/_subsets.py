"""Representative subsets of the suite, for the CI of adcore's own plugins.

Each plugin runs the whole suite on its engine (every check, scenario and array family).
Around that, the suites that test something narrower run the checks that concern it:

- the wrapped engines (``ForwardFromPrimitive``, ``ReverseFromPrimitive``) test the core's
  fallbacks over the engine's primitive: on numpy inputs every scenario with the checks of
  numbers, state, batches, ownership and types (``WRAPPED``); on the engine's arrays the
  families where conversions matter (default, context, complex) with fewer
  (``WRAPPED_ENGINE``); neither the pytree family (flattened by the core, above the
  primitive, alike for every backend) nor the mixed one (where the subroutine meets the
  engine, which the engine's own suite runs), nor the layouts of second-order operators
  (the strides of x meet the primitive in its first-order calls, which the layouts of
  the first-order operators check). What they leave out holds the core's own code
  (``out=``, the prep's checks, no mutation), which tests/test_conformance_core.py runs in
  full over finite differences, or the engine's, which its own suite runs;
- a second configuration of an engine (compiled, another mode) runs the layout family with
  the checks that concern layouts (``LAYOUT``): numbers read through the strides, results
  the caller owns, their types.

Private: adcore's plugins use it; a third-party plugin runs the whole suite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._runner import BoundCheck

__all__ = ["LAYOUT", "WRAPPED", "WRAPPED_ENGINE", "layouts_in_brief", "subset", "wrapped"]

WRAPPED = frozenset({
    "check_reference", "check_state", "check_same_point", "check_batch", "check_ownership",
    "check_result_type", "check_dot_product", "check_value", "check_not_supported",
})
WRAPPED_ENGINE = frozenset({"check_reference", "check_state", "check_batch", "check_result_type",
                            "check_not_supported"})
_ENGINE_TAGS = frozenset({"default", "context", "complex"})
#: Families that a wrapper leaves to code above the primitive: the core flattens a pytree
#: (the same for every backend), and a DifferentiateWith subroutine meets the engine itself.
_CORE_TAGS = frozenset({"pytree", "mixed"})
_SECOND_ORDER = frozenset({"second_derivative", "hessian", "hvp"})
LAYOUT = frozenset({"check_reference", "check_state", "check_ownership", "check_result_type"})


def wrapped(bound: BoundCheck) -> bool:
    """Whether a wrapped engine's suite keeps this check (see the module's docstring)."""
    tags = set(bound.scenario.tags)
    if _CORE_TAGS & tags:
        return False
    if "layout" in tags and bound.scenario.operator in _SECOND_ORDER:
        return False  # the strides of x meet the primitive in first order already
    if bound.family == "numpy":
        return bound.name in WRAPPED
    return bound.name in WRAPPED_ENGINE and bool(_ENGINE_TAGS & set(bound.scenario.tags))


def layouts_in_brief(bound: BoundCheck) -> bool:
    """Every check but on the layout family, which keeps those of ``LAYOUT``."""
    return "layout" not in bound.scenario.tags or bound.name in LAYOUT


def subset(mark: Any, keep: Callable[[BoundCheck], bool]) -> Any:
    """The ``parametrize_with_checks`` mark ``mark`` with the checks ``keep`` keeps."""
    import pytest

    names, params = mark.args
    return pytest.mark.parametrize(names, [p for p in params if keep(p.values[1].bound)])
