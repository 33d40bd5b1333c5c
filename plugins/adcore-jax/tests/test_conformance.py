"""The adcore conformance suite on AutoJAX: the default configuration on every
scenario, numpy and JAX arrays; the other configurations, on numpy arrays, on
what they change."""

from __future__ import annotations

from typing import Any

import pytest

import adcore as ad
from adcore.testing import (
    complex_scenarios,
    context_scenarios,
    default_scenarios,
    parametrize_with_checks,
    second_order_scenarios,
)

# {check name: why}: strict xfails, so one that starts passing fails the run.
EXPECTED_FAILURES: dict[str, str] = {}

# `mode` changes how these operators are computed, and nothing else does.
# The complex family too: forward mode takes the gradient of a complex x in reverse.
MODE_SCENARIOS = [*(s for s in (*default_scenarios(), *second_order_scenarios())
                    if s.operator in ("derivative", "gradient", "jacobian", "hvp", "hessian")),
                  *complex_scenarios()]
# Without jit each call traces f, slowly: one scenario per operator, and a Cache.
EAGER_SCENARIOS = [*{s.operator: s for s in reversed(default_scenarios())}.values(),
                   *[s for s in context_scenarios() if "cache" in s.tags][:2], *complex_scenarios()]


def on_numpy(mark: Any) -> Any:
    """The checks of ``mark`` on numpy inputs only (the conversions are the same in every mode)."""
    names, params = mark.args
    return pytest.mark.parametrize(names, [p for p in params if not p.id.endswith("-jax]")])


@parametrize_with_checks([ad.AutoJAX()], expected_failed_checks=EXPECTED_FAILURES)
def test_conformance(backend: Any, check: Any) -> None:
    check()


@on_numpy(parametrize_with_checks([ad.AutoJAX(mode="forward"), ad.AutoJAX(mode="reverse")],
                                  scenarios=MODE_SCENARIOS, expected_failed_checks=EXPECTED_FAILURES))
def test_conformance_modes(backend: Any, check: Any) -> None:
    check()


@on_numpy(parametrize_with_checks([ad.AutoJAX(jit=False)], scenarios=EAGER_SCENARIOS,
                                  expected_failed_checks=EXPECTED_FAILURES))
def test_conformance_eager(backend: Any, check: Any) -> None:
    check()
