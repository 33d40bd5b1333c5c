"""The adcore conformance suite on AutoTensorFlow: eager and compiled, in each mode."""

from typing import Any

import adcore as ad
from adcore.testing import all_scenarios, parametrize_with_checks

SCENARIOS = all_scenarios()
# Where `mode` changes the computation: forward gradients, Jacobians, Hessians and hvps;
# reverse mode differs from mode=None only for Jacobians of an x no larger than f(x). Forward
# mode runs compiled here (eager forward mode is slow in TensorFlow: tests/test_backend.py).
FORWARD = [s for s in SCENARIOS
           if s.operator in ("gradient", "jacobian", "hessian", "hvp") or "complex" in s.tags]
REVERSE = [s for s in SCENARIOS if s.operator == "jacobian" or "complex" in s.tags]


@parametrize_with_checks([ad.AutoTensorFlow(), ad.AutoTensorFlow(jit=True)], scenarios=SCENARIOS,
                         expected_failed_checks={})
def test_conformance(backend: Any, check: Any) -> None:
    check()


@parametrize_with_checks([ad.AutoTensorFlow(mode="forward", jit=True)], scenarios=FORWARD,
                         expected_failed_checks={})
def test_conformance_forward(backend: Any, check: Any) -> None:
    check()


@parametrize_with_checks([ad.AutoTensorFlow(mode="reverse")], scenarios=REVERSE,
                         expected_failed_checks={})
def test_conformance_reverse(backend: Any, check: Any) -> None:
    check()
