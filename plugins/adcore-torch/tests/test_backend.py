"""AutoTorch as a backend object and a plugin: options, capabilities, lazy loading, hooks."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from adcore_torch import AutoTorch

import adcore as ad


def test_options_and_repr() -> None:
    assert repr(AutoTorch()) == "AutoTorch()"
    assert repr(AutoTorch(mode="reverse", compile=True)) == "AutoTorch(mode='reverse', compile=True)"
    for b in (AutoTorch(), AutoTorch(mode="forward"), AutoTorch(compile=True)):
        assert eval(repr(b), {"AutoTorch": AutoTorch}) == b
        assert hash(b) == hash(eval(repr(b), {"AutoTorch": AutoTorch}))
    with pytest.raises(ValueError, match="mode must be"):
        AutoTorch(mode="sideways")
    with pytest.raises(TypeError, match="compile must be"):
        AutoTorch(compile="yes")  # type: ignore[arg-type]


def test_found_through_adcore() -> None:
    assert ad.AutoTorch is AutoTorch
    assert ad.backend("torch", mode="reverse") == AutoTorch(mode="reverse")
    (row,) = [b for b in ad.available_backends() if b.name == "torch"]
    assert row.error is None and row.distribution == "adcore-torch"
    assert row.capabilities["array_families"] == ("numpy", "torch")
    assert ad.check_available(AutoTorch()) and ad.check_inplace(AutoTorch())


def test_adcore_imports_no_torch() -> None:
    """`import adcore` and the plugin's registration leave torch alone; preparing imports it."""
    code = (
        "import sys, numpy as np, adcore as ad\n"
        "assert [b for b in ad.available_backends() if b.name == 'torch' and b.error is None]\n"
        "b = ad.AutoTorch(mode='reverse')\n"
        "assert 'torch' not in sys.modules, 'torch imported too early'\n"
        "ad.gradient(lambda x: (x * x).sum(), b, np.ones(2))\n"
        "assert 'torch' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_array_namespace_of_tensors_also_under_transforms() -> None:
    import array_api_compat.torch as xpt

    x = torch.ones(3)
    assert ad.array_namespace(x) is xpt
    assert ad.array_namespace(torch.nn.Parameter(x)) is xpt
    seen = []

    def f(x: torch.Tensor) -> torch.Tensor:
        seen.append(ad.array_namespace(x))
        return torch.sin(x).sum()

    torch.func.vmap(torch.func.grad(f))(torch.ones(2, 3))
    assert seen == [xpt]


def test_synchronize_returns_its_argument() -> None:
    result = (np.ones(2), torch.ones(2))
    assert AutoTorch().synchronize(result) is result
