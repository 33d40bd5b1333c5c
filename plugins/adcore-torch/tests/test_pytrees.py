"""AutoTorch on structured inputs: the gradient over a model's parameters, computed on the
leaves themselves, and the examples of docs/structured-inputs.md (run here, where torch is)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

import adcore as ad

PAGE = Path(__file__).resolve().parents[3] / "docs" / "structured-inputs.md"


def test_the_gradient_over_named_parameters_is_backward_s_and_touches_nothing() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    X = torch.randn(5, 3)

    def loss(params: dict, X: torch.Tensor) -> torch.Tensor:
        return torch.func.functional_call(model, params, (X,)).pow(2).mean()

    params = dict(model.named_parameters())
    before = {k: v.detach().clone() for k, v in params.items()}
    prep = ad.prepare_gradient(loss, ad.AutoTorch(), params, ad.Constant(X))
    assert type(prep.executor).__name__ == "TreeGradient"  # the leaves themselves, no flattening
    value, grads = ad.value_and_gradient(loss, ad.AutoTorch(), params, ad.Constant(X), prep=prep)
    assert list(grads) == list(params) and all(p.grad is None for p in params.values())
    assert all(torch.equal(before[k], params[k]) for k in params)
    loss(params, X).backward()
    for k, p in params.items():
        torch.testing.assert_close(grads[k], p.grad)
        assert not grads[k].requires_grad and grads[k].data_ptr() != p.grad.data_ptr()
    torch.testing.assert_close(value, loss(params, X).detach())
    with pytest.raises(ad.PrepMismatchError, match=r"x\['0.bias'\]"):
        ad.gradient(loss, ad.AutoTorch(), dict(params, **{"0.bias": torch.zeros(5)}),
                    ad.Constant(X), prep=prep)


def test_numpy_leaves_give_numpy_results_and_other_operators_flatten() -> None:
    x = {"a": np.array([1.0, 2.0]), "s": np.array(3.0)}
    f = lambda p: (p["a"] ** 2).sum() * p["s"]
    g = ad.gradient(f, ad.AutoTorch(), x)
    assert isinstance(g["a"], np.ndarray)
    np.testing.assert_allclose(g["a"], [6.0, 12.0])
    H = ad.hessian(f, ad.AutoTorch(), {k: torch.as_tensor(v) for k, v in x.items()})
    assert isinstance(H, torch.Tensor) and H.shape == (3, 3)


@pytest.mark.skipif(not PAGE.exists(), reason="the repository's docs/ is not here")
def test_the_docs_examples_run() -> None:
    namespace: dict = {}
    for code in re.findall(r"^```python\n(.*?)^```", PAGE.read_text(), re.S | re.M):
        required = re.match(r"# requires: (\S+)", code)
        if required is None or required.group(1) == "adcore_torch":
            exec(compile(code, str(PAGE), "exec"), namespace)
