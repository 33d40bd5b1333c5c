"""numpy_like_namespace (adcore._registry.numpy_like) over plain numpy, whose own array-API functions
(numpy 2) are the references."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from adcore.extend import numpy_like_namespace

xp = numpy_like_namespace(np, name="numpy")
X = np.array([[0.3, -0.5, 0.8], [0.1, 0.6, -0.2]])

# Each array-API call, and the same call on numpy's own array-API functions.
CALLS = {
    "acos": lambda ns: ns.acos(X),
    "atan2": lambda ns: ns.atan2(X, 1 + X * X),
    "pow": lambda ns: ns.pow(X, 3),
    "concat": lambda ns: ns.concat([X, -X], axis=1),
    "concat-none": lambda ns: ns.concat([X, X[0]], axis=None),
    "reshape": lambda ns: ns.reshape(X, (3, 2)),
    "permute-dims": lambda ns: ns.permute_dims(X, (1, 0)),
    "matrix-transpose": lambda ns: ns.matrix_transpose(X),
    "unstack": lambda ns: ns.stack(ns.unstack(X, axis=1)),
    "vecdot": lambda ns: ns.vecdot(X, X + 1j),
    "cumulative-sum": lambda ns: ns.cumulative_sum(X, axis=1, include_initial=True),
    "cumulative-sum-1d": lambda ns: ns.cumulative_sum(X[0], dtype=np.float32),
    "std": lambda ns: ns.std(X, axis=0, correction=1, keepdims=True),
    "var": lambda ns: ns.var(X, correction=1),
    "astype": lambda ns: ns.astype(X, np.float32),
    "asarray": lambda ns: ns.asarray([1, 2], dtype=np.float64),
    "creation": lambda ns: ns.ones((2, 3), device="cpu") + ns.zeros_like(X) + ns.eye(2, 3),
}


@pytest.mark.parametrize("call", CALLS)
def test_array_api_names_compute_what_numpy_computes(call: str) -> None:
    got, expected = CALLS[call](xp), CALLS[call](np)
    np.testing.assert_allclose(got, expected, rtol=1e-7)
    assert np.asarray(got).dtype == np.asarray(expected).dtype


def test_all_lists_the_names_it_defines_and_others_are_the_modules() -> None:
    assert {"concat", "pow", "acos", "sin", "float64", "unstack", "astype", "zeros"} <= set(xp.__all__)
    assert all(name in vars(xp) for name in xp.__all__)
    assert xp.__array_api_version__ == "2023.12"
    assert xp.sin is np.sin and xp.acos is np.arccos and xp.einsum is np.einsum
    with pytest.raises(AttributeError, match="the numpy array namespace has no attribute 'nope'"):
        xp.nope  # noqa: B018
    # Not the module's identity: nothing mistakes xp for numpy itself.
    assert not hasattr(xp, "__file__") and not hasattr(xp, "__path__")


def test_cumulative_sum_needs_an_axis_beyond_one_dimension() -> None:
    with pytest.raises(ValueError, match="axis is required"):
        xp.cumulative_sum(X)


def test_devices_are_the_cpu_by_default() -> None:
    for create in (lambda d: xp.zeros(2, device=d), lambda d: xp.asarray(X, device=d),
                   lambda d: xp.astype(X, np.float32, device=d)):
        create("cpu")
        with pytest.raises(ValueError, match="numpy arrays live on the CPU; got device='gpu'"):
            create("gpu")


def test_on_device_is_entered_around_every_function_that_takes_a_device() -> None:
    entered = []

    @contextlib.contextmanager
    def on_device(device: Any) -> Iterator[None]:
        entered.append(device)
        yield

    ns = numpy_like_namespace(np, name="numpy", on_device=on_device)
    ns.arange(3, device="d0")
    ns.full_like(X, 2.0, device="d1")
    ns.asarray([1.0])
    ns.astype(X, np.float32, device="d2")
    ns.sin(X)
    assert entered == ["d0", "d1", None, "d2"]


def test_overrides_replace_or_add_and_get_the_device_keyword() -> None:
    def cast(x: Any, dtype: Any, /, *, copy: bool = True) -> Any:
        """Cast by a rounding first."""
        return np.round(x).astype(dtype)

    ns = numpy_like_namespace(np, name="engine", overrides={"astype": cast, "square": np.abs,
                                                           "engine_only": np.negative})
    np.testing.assert_array_equal(ns.astype(X, np.float32, device="cpu"), np.round(X))
    assert ns.astype.__name__ == "astype" and ns.astype.__doc__.startswith("Cast by a rounding")
    with pytest.raises(ValueError, match="engine arrays live on the CPU"):
        ns.astype(X, np.float32, device="gpu")
    assert ns.square is np.abs and ns.engine_only is np.negative and "engine_only" in ns.__all__
    assert xp.astype is not ns.astype and xp.square is np.square  # each namespace its own


def test_importing_it_imports_no_engine_and_no_scipy() -> None:
    heavy = ["scipy", "jax", "torch", "autograd", "tensorflow"]
    code = f"import sys, adcore.extend; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
