"""The classic autograd engine passes the whole conformance suite on its own.

It only serves the functions that torch.func cannot trace, which no scenario is:
here torch.func is taken away, so that every operator runs on classic autograd.
"""

from __future__ import annotations

from typing import Any

import pytest
from adcore_torch import _prepare

import adcore as ad
from adcore.testing import all_scenarios, check_backend


@pytest.mark.parametrize("backend", [ad.AutoTorch(), ad.AutoTorch(mode="forward")], ids=repr)
def test_classic_engine_conforms(backend: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(_prepare, "ENGINES", [e for e in _prepare.ENGINES if e[0] != "torch.func"])
    report = check_backend(backend, scenarios=all_scenarios())
    assert report.count("passed") > 1000
