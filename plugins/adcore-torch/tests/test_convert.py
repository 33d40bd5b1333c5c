"""Arrays in and out: families, dtypes, devices, out=, and the caller's tensors left alone."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from adcore_torch import AutoTorch
from adcore_torch._convert import to_torch

import adcore as ad

BACKENDS = [AutoTorch(), AutoTorch(mode="reverse")]
DEVICES = ["cpu", "meta", *(["cuda"] if torch.cuda.is_available() else [])]


def scalar_f(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum(xp.sin(x) * x)


def vector_f(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sin(x) * x[0]


def of_scalar(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.stack([xp.sin(x), x * x])


def calls(x: Any, x0: Any) -> dict[str, Callable[[Any], Any]]:
    """Every operator and variant on the array ``x`` (and ``x0``, 0-d), as ``backend -> results``."""
    t = (x, 2 * x)
    w = (3 * x,)
    return {
        "gradient": lambda b: ad.gradient(scalar_f, b, x),
        "value_and_gradient": lambda b: ad.value_and_gradient(scalar_f, b, x),
        "jacobian": lambda b: ad.jacobian(vector_f, b, x),
        "value_and_jacobian": lambda b: ad.value_and_jacobian(vector_f, b, x),
        "hessian": lambda b: ad.hessian(scalar_f, b, x),
        "value_gradient_and_hessian": lambda b: ad.value_gradient_and_hessian(scalar_f, b, x),
        "hvp": lambda b: ad.hvp(scalar_f, b, x, t),
        "gradient_and_hvp": lambda b: ad.gradient_and_hvp(scalar_f, b, x, t[:1]),
        "pushforward": lambda b: ad.pushforward(vector_f, b, x, t),
        "value_and_pullback": lambda b: ad.value_and_pullback(vector_f, b, x, w),
        "derivative": lambda b: ad.derivative(of_scalar, b, x0),
        "value_derivative_and_second_derivative":
            lambda b: ad.value_derivative_and_second_derivative(of_scalar, b, x0),
    }


def tensors(result: Any) -> list[Any]:
    if isinstance(result, tuple):
        return [t for r in result for t in tensors(r)]
    return [result]


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_numpy_in_numpy_out(backend: Any, dtype: Any) -> None:
    x = np.linspace(0.1, 0.4, 4, dtype=dtype)
    for name, call in calls(x, np.asarray(0.3, dtype=dtype)).items():
        for r in tensors(call(backend)):
            assert isinstance(r, (np.ndarray, np.generic)), (name, type(r))
            assert r.dtype == dtype, (name, r.dtype)


def test_python_float_in_python_float_out() -> None:
    assert isinstance(ad.derivative(lambda x: x**3, AutoTorch(), 2.0), float)
    assert ad.second_derivative(lambda x: x**3, AutoTorch(), 2.0) == pytest.approx(12.0)
    der = ad.derivative(of_scalar, AutoTorch(), 0.5)
    assert isinstance(der, np.ndarray) and der.dtype == np.float64


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_tensor_in_tensor_out_same_dtype_and_device(device: str, dtype: Any) -> None:
    x = torch.linspace(0.1, 0.4, 4, dtype=dtype, device=device)
    for name, call in calls(x, torch.tensor(0.3, dtype=dtype, device=device)).items():
        for r in tensors(call(AutoTorch())):
            assert isinstance(r, torch.Tensor), (name, type(r))
            assert r.dtype == dtype and r.device == x.device, (name, r.dtype, r.device)


def test_numpy_input_is_not_copied() -> None:
    x = np.arange(3.0)
    assert np.shares_memory(to_torch(x).numpy(), x)
    read_only = np.arange(3.0)
    read_only.setflags(write=False)  # torch.from_numpy would warn: it is copied instead
    assert np.allclose(ad.gradient(scalar_f, AutoTorch(), read_only),
                       np.cos(read_only) * read_only + np.sin(read_only))
    reversed_view = np.arange(6.0)[::-2]
    assert np.allclose(ad.jacobian(lambda x: 2 * x, AutoTorch(), reversed_view), 2 * np.eye(3))


@pytest.mark.parametrize("backend", BACKENDS, ids=repr)
def test_requires_grad_and_grad_untouched_and_no_graph_out(backend: Any) -> None:
    """The caller's x and the parameters f captures keep requires_grad and .grad; no result
    carries a graph."""
    w = torch.tensor([0.5, -1.0, 2.0, 0.25], dtype=torch.float64, requires_grad=True)
    x = torch.linspace(0.1, 0.4, 4, dtype=torch.float64, requires_grad=True)
    x0 = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)

    def with_w(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda x: f(x * w[: x.numel()].reshape(x.shape))

    global scalar_f, vector_f, of_scalar
    saved = scalar_f, vector_f, of_scalar
    scalar_f, vector_f = with_w(saved[0]), with_w(saved[1])
    try:
        for name, call in calls(x, x0).items():
            for r in tensors(call(backend)):
                assert not r.requires_grad and r.grad_fn is None, name
    finally:
        scalar_f, vector_f, of_scalar = saved
    assert x.requires_grad and x.grad is None and x.is_leaf
    assert x0.requires_grad and x0.grad is None
    assert w.requires_grad and w.grad is None


@pytest.mark.parametrize("engine", ["torch.func", "classic autograd"])
def test_no_graph_kept_alive(engine: str, monkeypatch: Any) -> None:
    """Whatever f saw is freed after the call, though the prep and the results are kept."""
    from adcore_torch import _prepare

    monkeypatch.setattr(_prepare, "ENGINES", [e for e in _prepare.ENGINES if e[0] == engine])
    seen: list[Any] = []

    def watch(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def watched(x: Any) -> Any:
            if x is not caller_x:  # the leaf made for f, or a torch.func wrapper
                seen.append(weakref.ref(x))
            return f(x)

        return watched

    x = caller_x = torch.linspace(0.1, 0.4, 4, dtype=torch.float64, requires_grad=True)
    kept = []
    for f, prepare, call in [
        (watch(scalar_f), ad.prepare_gradient, ad.value_and_gradient),
        (watch(vector_f), ad.prepare_jacobian, ad.value_and_jacobian),
        (watch(scalar_f), ad.prepare_hessian, ad.value_gradient_and_hessian),
    ]:
        prep = prepare(f, AutoTorch(), x)
        kept.append((prep, call(f, AutoTorch(), x, prep=prep)))
    f = watch(vector_f)
    prep = ad.prepare_pullback(f, AutoTorch(), x, (x,))
    kept.append((prep, ad.value_and_pullback(f, AutoTorch(), x, (x,), prep=prep)))
    gc.collect()
    assert seen and all(ref() is None for ref in seen)


def test_out_fills_tensors_and_numpy_buffers() -> None:
    x = torch.linspace(0.1, 0.4, 4, dtype=torch.float64)
    out = torch.full((4,), float("nan"), dtype=torch.float64)
    assert ad.gradient(scalar_f, AutoTorch(), x, out=out) is out
    assert torch.allclose(out, torch.cos(x) * x + torch.sin(x))
    H = torch.empty(4, 4, dtype=torch.float64)
    g = torch.empty(4, dtype=torch.float64)
    _, g2, H2 = ad.value_gradient_and_hessian(scalar_f, AutoTorch(), x, out=(g, H))
    assert g2 is g and H2 is H and torch.allclose(g, out)
    xn = x.numpy()
    J = np.full((4, 4), np.nan)
    assert ad.jacobian(vector_f, AutoTorch(), xn, out=J) is J
    assert np.allclose(J, ad.jacobian(vector_f, AutoTorch(), x).numpy())
