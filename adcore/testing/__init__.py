"""adcore.testing: the conformance suite any backend plugin runs in its own CI.

- ``Scenario`` and the scenario families (``default_scenarios()`` ...);
- the checks, named ``check_<property>`` (``adcore.testing.CHECKS``);
- three ways in: ``check_differentiation`` (compare backends on your own
  functions), ``check_backend`` and ``parametrize_with_checks`` (plugin CI),
  and the pytest plugin (``pytest --adcore-backend=NAME``);
- ``benchmark_differentiation``: time backends on scenarios (``adcore bench``);
- ``adcore.testing.strategies``: hypothesis strategies.

Needs the ``[testing]`` extra (hypothesis, pytest) for the strategies and the
pytest integration.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._benchmark import BenchmarkResult as BenchmarkResult
    from ._benchmark import BenchmarkRow as BenchmarkRow
    from ._benchmark import benchmark_differentiation as benchmark_differentiation
    from ._benchmark import benchmark_scenarios as benchmark_scenarios
    from ._checks import CHECKS as CHECKS
    from ._checks import check_batch as check_batch
    from ._checks import check_dot_product as check_dot_product
    from ._checks import check_out as check_out
    from ._checks import check_prep_reuse as check_prep_reuse
    from ._checks import check_prepared as check_prepared
    from ._checks import check_reference as check_reference
    from ._checks import check_same_point as check_same_point
    from ._checks import check_sparse_matches_dense as check_sparse_matches_dense
    from ._checks import check_value as check_value
    from ._checks_contract import check_no_mutation as check_no_mutation
    from ._checks_contract import check_not_supported as check_not_supported
    from ._checks_contract import check_prep_mismatch as check_prep_mismatch
    from ._checks_contract import check_result_type as check_result_type
    from ._checks_state import check_ownership as check_ownership
    from ._checks_state import check_state as check_state
    from ._checks_threads import check_thread_safety as check_thread_safety
    from ._compare import CheckFailure as CheckFailure
    from ._compare import SkipCheck as SkipCheck
    from ._counts import CallCount as CallCount
    from ._expected import UnknownExpectedFailureError as UnknownExpectedFailureError
    from ._runner import CheckResult as CheckResult
    from ._runner import Report as Report
    from ._runner import check_backend as check_backend
    from ._runner import check_differentiation as check_differentiation
    from ._runner import generate_checks as generate_checks
    from ._runner import parametrize_with_checks as parametrize_with_checks
    from ._scenario import Scenario as Scenario
    from ._scenarios import all_scenarios as all_scenarios
    from ._scenarios import complex_scenarios as complex_scenarios
    from ._scenarios import context_scenarios as context_scenarios
    from ._scenarios import default_scenarios as default_scenarios
    from ._scenarios import float32_scenarios as float32_scenarios
    from ._scenarios import inplace_scenarios as inplace_scenarios
    from ._scenarios import layout_scenarios as layout_scenarios
    from ._scenarios import mixed_scenarios as mixed_scenarios
    from ._scenarios import pytree_scenarios as pytree_scenarios
    from ._scenarios import second_order_scenarios as second_order_scenarios
    from ._scenarios import sparse_scenarios as sparse_scenarios

# Imported on first access: pytest loads adcore's plugin, and so this package, in every
# run of every project where adcore is installed.
_LAZY = {
    "BenchmarkResult": "._benchmark",
    "BenchmarkRow": "._benchmark",
    "benchmark_differentiation": "._benchmark",
    "benchmark_scenarios": "._benchmark",
    "CHECKS": "._checks",
    "check_batch": "._checks",
    "check_dot_product": "._checks",
    "check_no_mutation": "._checks_contract",
    "check_not_supported": "._checks_contract",
    "check_out": "._checks",
    "check_ownership": "._checks_state",
    "check_prep_mismatch": "._checks_contract",
    "check_prep_reuse": "._checks",
    "check_prepared": "._checks",
    "check_reference": "._checks",
    "check_result_type": "._checks_contract",
    "check_same_point": "._checks",
    "check_sparse_matches_dense": "._checks",
    "check_state": "._checks_state",
    "check_thread_safety": "._checks_threads",
    "check_value": "._checks",
    "CheckFailure": "._compare",
    "SkipCheck": "._compare",
    "UnknownExpectedFailureError": "._expected",
    "CallCount": "._counts",
    "CheckResult": "._runner",
    "Report": "._runner",
    "check_backend": "._runner",
    "check_differentiation": "._runner",
    "generate_checks": "._runner",
    "parametrize_with_checks": "._runner",
    "Scenario": "._scenario",
    "all_scenarios": "._scenarios",
    "complex_scenarios": "._scenarios",
    "context_scenarios": "._scenarios",
    "default_scenarios": "._scenarios",
    "float32_scenarios": "._scenarios",
    "inplace_scenarios": "._scenarios",
    "layout_scenarios": "._scenarios",
    "pytree_scenarios": "._scenarios",
    "mixed_scenarios": "._scenarios",
    "second_order_scenarios": "._scenarios",
    "sparse_scenarios": "._scenarios",
}

__all__ = [
    "CHECKS",
    "BenchmarkResult",
    "BenchmarkRow",
    "CallCount",
    "CheckFailure",
    "CheckResult",
    "Report",
    "Scenario",
    "SkipCheck",
    "UnknownExpectedFailureError",
    "all_scenarios",
    "benchmark_differentiation",
    "benchmark_scenarios",
    "check_backend",
    "check_batch",
    "check_differentiation",
    "check_dot_product",
    "check_no_mutation",
    "check_not_supported",
    "check_out",
    "check_ownership",
    "check_prep_mismatch",
    "check_prep_reuse",
    "check_prepared",
    "check_reference",
    "check_result_type",
    "check_same_point",
    "check_sparse_matches_dense",
    "check_state",
    "check_thread_safety",
    "check_value",
    "complex_scenarios",
    "context_scenarios",
    "default_scenarios",
    "float32_scenarios",
    "generate_checks",
    "inplace_scenarios",
    "layout_scenarios",
    "mixed_scenarios",
    "parametrize_with_checks",
    "pytree_scenarios",
    "second_order_scenarios",
    "sparse_scenarios",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
