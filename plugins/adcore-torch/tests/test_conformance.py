"""The adcore conformance suite on AutoTorch, numpy and torch inputs alike."""

from typing import Any

from hypothesis import HealthCheck, given, settings

import adcore as ad
from adcore.testing import (
    SkipCheck,
    all_scenarios,
    complex_scenarios,
    generate_checks,
    parametrize_with_checks,
)
from adcore.testing.strategies import make_strategies

# mode=None picks per operator; "reverse" takes the other way for jacobian, hessian and hvp.
BACKENDS = [ad.AutoTorch(), ad.AutoTorch(mode="reverse")]
# mode="forward" differs from None only where None picks jacrev: a Jacobian of a wide f.
JACOBIANS = [s for s in all_scenarios() if s.operator == "jacobian"]

# {check name: why}: strict xfails, so one that starts passing fails the run.
EXPECTED_FAILURES: dict[str, str] = {}


@parametrize_with_checks(BACKENDS, expected_failed_checks=EXPECTED_FAILURES)
def test_conformance(backend: Any, check: Any) -> None:
    check()


@parametrize_with_checks([ad.AutoTorch(mode="forward")], scenarios=[*JACOBIANS, *complex_scenarios()])
def test_conformance_forward_jacobians(backend: Any, check: Any) -> None:
    check()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(make_strategies(ad.AutoTorch()).scenarios())
def test_conformance_generated(scenario: Any) -> None:
    """Every check on scenarios hypothesis draws: shapes, dtypes, in-place, contexts."""
    for check in generate_checks([ad.AutoTorch()], [scenario]):
        try:
            check()
        except SkipCheck:
            pass
