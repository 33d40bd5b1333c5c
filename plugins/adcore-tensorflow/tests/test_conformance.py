"""The adcore conformance suite on AutoTensorFlow: eager and compiled, in each mode.

AutoTensorFlow() runs the whole suite; the compiled configurations run the layout family
with the checks that concern layouts (adcore.testing._subsets.layouts_in_brief): how the
engine reads strides is the same compiled or not, and compiling each layout is slow."""

from typing import Any

import adcore as ad
from adcore.testing import all_scenarios, parametrize_with_checks
from adcore.testing._subsets import layouts_in_brief, subset

SCENARIOS = all_scenarios()
# XLA (jit=True) cannot call back into Python, which DifferentiateWith's subroutines need:
# the mixed family runs eagerly only (tests/test_differentiate_with.py checks the error).
XLA = [s for s in SCENARIOS if "mixed" not in s.tags]
# Where `mode` changes the computation: forward gradients, Jacobians, Hessians and hvps;
# reverse mode differs from mode=None only for Jacobians of an x no larger than f(x). Forward
# mode runs compiled here (eager forward mode is slow in TensorFlow: tests/test_backend.py).
FORWARD = [s for s in XLA
           if s.operator in ("gradient", "jacobian", "hessian", "hvp") or "complex" in s.tags]
REVERSE = [s for s in SCENARIOS if s.operator == "jacobian" or "complex" in s.tags]


@parametrize_with_checks([ad.AutoTensorFlow()], scenarios=SCENARIOS, expected_failed_checks={})
def test_conformance(backend: Any, check: Any) -> None:
    check()


@subset(parametrize_with_checks([ad.AutoTensorFlow(jit=True)], scenarios=XLA,
                                expected_failed_checks={}), layouts_in_brief)
def test_conformance_compiled(backend: Any, check: Any) -> None:
    check()


@subset(parametrize_with_checks([ad.AutoTensorFlow(mode="forward", jit=True)], scenarios=FORWARD,
                                expected_failed_checks={}), layouts_in_brief)
def test_conformance_forward(backend: Any, check: Any) -> None:
    check()


@parametrize_with_checks([ad.AutoTensorFlow(mode="reverse")], scenarios=REVERSE,
                         expected_failed_checks={})
def test_conformance_reverse(backend: Any, check: Any) -> None:
    check()
