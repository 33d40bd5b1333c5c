"""The tutorial (docs/index.md) on AutoAutograd, as the core's tests/test_tutorial.py runs it on
every installed backend; and an f written with numpy, refused with what to do."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import adcore as ad

TUTORIAL = Path(__file__).resolve().parents[3] / "tests" / "test_tutorial.py"


def _tutorial() -> Any:
    if not TUTORIAL.exists():
        pytest.skip("adcore's repository (its docs and tests) is not here")
    spec = importlib.util.spec_from_file_location("adcore_tutorial", TUTORIAL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("backend", [ad.AutoAutograd()], ids=repr)
def test_the_tutorial_runs_with_only_the_backend_changed(backend: Any) -> None:
    _tutorial().run_tutorial(backend)


def _assign(x: Any) -> Any:
    y = np.zeros(3)
    y[0] = x[0] ** 2
    return y.sum()


NUMPY_ON_TRACED = {
    "float": lambda x: float(x[0]) * (x ** 2).sum(),
    "math.sin": lambda x: math.sin(x[0]) * (x ** 2).sum(),
    "into numpy": _assign,
}


@pytest.mark.parametrize("f", NUMPY_ON_TRACED.values(), ids=NUMPY_ON_TRACED.keys())
@pytest.mark.parametrize("backend", [ad.AutoAutograd()], ids=repr)
def test_numpy_on_traced_values_points_to_array_namespace(backend: Any, f: Any) -> None:
    refused = r"AutoAutograd cannot differentiate f.*adcore\.array_namespace\(x\)"
    with pytest.raises(ad.NotSupportedError, match=refused):
        ad.gradient(f, backend, np.array([0.5, 1.0, 2.0]))
