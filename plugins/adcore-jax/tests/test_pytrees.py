"""AutoJAX on structured inputs: jax.grad over the pytree itself, jitted, and the examples of
docs/structured-inputs.md (run here, where JAX is)."""

from __future__ import annotations

import re
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import adcore as ad

PAGE = Path(__file__).resolve().parents[3] / "docs" / "structured-inputs.md"


def loss(p: dict) -> jax.Array:
    return jnp.sum(jnp.tanh(p["w"]) * p["b"] ** 2)


def test_the_gradient_is_jax_grad_over_the_pytree() -> None:
    p = {"w": jnp.linspace(-1.0, 1.0, 4), "b": jnp.arange(4.0)}
    prep = ad.prepare_gradient(loss, ad.AutoJAX(), p)
    assert type(prep.executor).__name__ == "Gradient"  # AutoJAX's own, on the dict
    g = ad.gradient(loss, ad.AutoJAX(), p, prep=prep)
    want = jax.grad(loss)(p)
    assert all(np.allclose(g[k], want[k]) for k in p)
    q = {"w": jnp.ones(4), "b": jnp.ones(4)}
    assert np.allclose(ad.gradient(loss, ad.AutoJAX(), q, prep=prep)["b"], jax.grad(loss)(q)["b"])
    with pytest.raises(ad.PrepMismatchError, match=r"x\['b'\]: prep expected shape \(4,\)"):
        ad.gradient(loss, ad.AutoJAX(), {"w": jnp.ones(4), "b": jnp.ones(5)}, prep=prep)
    with pytest.raises(ad.PrepMismatchError, match=r"missing: x\['b'\]"):
        ad.gradient(loss, ad.AutoJAX(), {"w": jnp.ones(4), "c": jnp.ones(4)}, prep=prep)


def test_numpy_float64_leaves_stay_float64_and_numpy() -> None:
    p = {"w": np.linspace(-1.0, 1.0, 4), "b": np.arange(4.0)}
    value, g = ad.value_and_gradient(loss, ad.AutoJAX(), p)
    assert type(g["w"]) is np.ndarray and g["w"].dtype == np.float64
    np.testing.assert_allclose(g["b"], 2 * np.tanh(p["w"]) * p["b"])
    assert np.isclose(value, float(np.sum(np.tanh(p["w"]) * p["b"] ** 2)))


@pytest.mark.skipif(not PAGE.exists(), reason="the repository's docs/ is not here")
def test_the_docs_examples_run() -> None:
    namespace: dict = {}
    for code in re.findall(r"^```python\n(.*?)^```", PAGE.read_text(), re.S | re.M):
        required = re.match(r"# requires: (\S+)", code)
        if required is None or required.group(1) == "adcore_jax":
            exec(compile(code, str(PAGE), "exec"), namespace)
