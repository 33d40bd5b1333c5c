"""The conformance suite as a pytest module: what ``pytest --adcore-backend=NAME`` collects.

The pytest plugin (``adcore.testing._pytest_plugin``) adds this file to the
collection when ``--adcore-backend`` is given, and builds the backends; here
``test_conformance`` is parametrized as ``parametrize_with_checks`` would, one
test per backend, check, scenario and array family, and
``test_conformance_generated`` runs every check on scenarios that hypothesis
generates for each backend (``--adcore-max-examples`` of them, 50 by default).
"""

from __future__ import annotations

from typing import Any

import pytest

from ._compare import CheckFailure, SkipCheck
from ._pytest_plugin import BACKENDS
from ._runner import parametrize_with_checks, planned

_NO_BACKEND = pytest.mark.skip(reason="no --adcore-backend=NAME given")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    backends = metafunc.config.stash.get(BACKENDS, [])
    name = metafunc.definition.originalname
    if name == "test_conformance":
        if not backends:
            metafunc.parametrize("backend, check", [pytest.param(None, None, marks=_NO_BACKEND)])
            return
        from . import _scenarios

        which = metafunc.config.getoption("adcore_scenarios", default="all")
        scenarios = _scenarios.default_scenarios() if which == "default" else _scenarios.all_scenarios()
        mark = parametrize_with_checks(backends, scenarios=scenarios)
        metafunc.parametrize(*mark.args, **mark.kwargs)
    elif name == "test_conformance_generated":
        params = [pytest.param(b, id=repr(b)) for b in backends]
        metafunc.parametrize("backend", params or [pytest.param(None, marks=_NO_BACKEND)])


def test_conformance(backend: Any, check: Any) -> None:
    check()


def test_conformance_generated(backend: Any, pytestconfig: pytest.Config) -> None:
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings

    from .strategies import make_strategies

    examples = pytestconfig.getoption("adcore_max_examples", default=None) or 50

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(make_strategies(backend).scenarios())
    def every_check(scenario: Any) -> None:
        for bound, reason in planned([backend], [scenario], None, None):
            if reason is not None:  # declared by the backend: expected to fail
                continue
            try:
                bound()
            except SkipCheck:
                pass
            except Exception as e:  # hypothesis shows the scenario; say which check
                raise CheckFailure(f"{bound.id} on {backend!r}: {e}") from e

    every_check()
