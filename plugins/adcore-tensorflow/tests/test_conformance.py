"""The adcore conformance suite on AutoTensorFlow: eager and compiled, in each mode."""

from typing import Any

import adcore as ad
from adcore.testing import all_scenarios, parametrize_with_checks

# Left out: the functions written with numpy's operators `x.T` and `matrix @ vector`, which
# TensorFlow's tensors have only under numpy behavior; tests/test_numpy_behavior.py runs them.
NUMPY_ONLY = ("-gram", "-transposesq", "-matvecsin")
SCENARIOS = [s for s in all_scenarios() if not any(name in s.id for name in NUMPY_ONLY)]
# Where `mode` changes the computation: forward gradients, Jacobians, Hessians and hvps;
# reverse mode differs from mode=None only for Jacobians of an x no larger than f(x). Forward
# mode runs compiled here (eager forward mode is slow in TensorFlow: tests/test_backend.py).
FORWARD = [s for s in SCENARIOS if s.operator in ("gradient", "jacobian", "hessian", "hvp")]
REVERSE = [s for s in SCENARIOS if s.operator == "jacobian"]


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
