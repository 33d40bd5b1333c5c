"""What is particular to AutoJAX: jit and its caches, 64-bit numpy, array families,
devices, contexts, same-point linearizations, and the errors it raises."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from adcore_jax import AutoJAX, _engine

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive

B = ad.AutoJAX()
X = np.array([0.3, -1.2, 2.0])


def loss(x):
    xp = ad.array_namespace(x)
    return xp.sum(xp.sin(x) * x)


def grad_loss(x):
    return np.cos(x) * x + np.sin(x)


class Traces:
    """``f(x) = sum(x ** 3) * c`` that counts how often Python runs it (a trace, when jitted)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, x, c=1.0):
        self.count += 1
        return jnp.sum(x**3) * c


# --- the backend object and the plugin


def test_options_repr_and_lookup():
    assert repr(AutoJAX()) == "AutoJAX()" and ad.AutoJAX is AutoJAX
    b = AutoJAX(mode="reverse", jit=False)
    assert repr(b) == "AutoJAX(mode='reverse', jit=False)" and eval(repr(b)) == b
    assert hash(b) == hash(AutoJAX(mode="reverse", jit=False))
    assert ad.backend("jax", mode="forward") == AutoJAX(mode="forward")
    with pytest.raises(ValueError, match="mode must be None"):
        AutoJAX(mode="sideways")
    with pytest.raises(TypeError, match="jit must be True or False"):
        AutoJAX(jit="yes")  # type: ignore[arg-type]


def test_registered_through_the_entry_point_without_importing_jax():
    code = (
        "import sys, adcore as ad\n"
        "info = [b for b in ad.available_backends() if b.name == 'jax'][0]\n"
        "assert info.error is None and info.distribution == 'adcore-jax', info\n"
        "assert info.capabilities['array_families'] == ('jax', 'numpy')\n"
        "assert ad.AutoJAX().name == 'jax' and 'jax' not in sys.modules\n"
        "assert ad.check_available(ad.AutoJAX()) and not ad.check_inplace(ad.AutoJAX())\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_tutorial_of_the_spec_runs_as_written():
    def f(x):
        return (x ** 2).sum()

    x = np.arange(1.0, 6.0)
    backend2 = ad.AutoJAX()                    # pip install adcore-jax
    grad = ad.gradient(f, backend2, x)         # same syntax, numpy out
    assert type(grad) is np.ndarray and grad.dtype == np.float64
    np.testing.assert_array_equal(grad, [2.0, 4.0, 6.0, 8.0, 10.0])


def test_the_readme_examples_run():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```", readme, re.S | re.M)
    assert blocks
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})


# --- arrays: numpy in, numpy out; float64 in float64; jax.Array in, jax.Array out


def test_numpy_in_gives_fresh_writable_numpy_out_in_float64():
    grad = ad.gradient(loss, B, X)
    assert type(grad) is np.ndarray and grad.dtype == np.float64 and grad.flags.writeable
    np.testing.assert_allclose(grad, grad_loss(X), rtol=1e-14)
    value, grad = ad.value_and_gradient(loss, B, X)
    assert isinstance(value, np.float64)


def test_float64_is_accurate_to_float64_and_leaves_the_global_config_alone():
    x = np.array([20.0, 1e-3, 1.0 + 1e-9])
    grad = ad.gradient(lambda x: jnp.sum(jnp.exp(x) + x**2), B, x)
    np.testing.assert_allclose(grad, np.exp(x) + 2 * x, rtol=1e-15)
    assert not jax.config.jax_enable_x64
    assert jnp.asarray(1.0).dtype == jnp.float32


def test_64_bit_mode_is_switched_off_again_when_f_raises():
    def broken(x):
        raise RuntimeError("broken f")

    with pytest.raises(RuntimeError, match="broken f"):
        ad.gradient(broken, B, X)
    assert jnp.asarray(1.0).dtype == jnp.float32


def test_float32_numpy_stays_float32():
    grad = ad.gradient(loss, B, X.astype(np.float32))
    assert grad.dtype == np.float32


def test_python_float_gives_numpy_float64():
    der = ad.derivative(lambda x: x**3, B, 2.0)
    assert type(der) is np.float64 and der == 12.0


def test_jax_array_in_gives_jax_array_out():
    x = jnp.asarray(X, dtype=jnp.float32)
    grad = ad.gradient(loss, B, x)
    assert isinstance(grad, jax.Array) and grad.dtype == jnp.float32
    np.testing.assert_allclose(grad, grad_loss(X), rtol=1e-5)


def test_float64_jax_arrays_made_in_64_bit_mode_stay_float64():
    with jax.enable_x64(True):
        x = jnp.asarray(X)
    H = ad.hessian(loss, B, x)
    assert isinstance(H, jax.Array) and H.dtype == jnp.float64


@pytest.mark.skipif(len(jax.devices()) < 2, reason="needs two devices")
@pytest.mark.parametrize("operator", ["gradient", "jacobian", "hessian"])
def test_results_stay_on_the_device_of_x(operator):
    device = jax.devices()[1]
    x = jax.device_put(jnp.asarray(X, dtype=jnp.float32), device)
    f = (lambda x: jnp.sin(x) * x[0]) if operator == "jacobian" else loss
    result = getattr(ad, operator)(f, B, x)
    assert result.devices() == {device}
    (t,) = ad.pushforward(f, B, x, (x,))
    assert t.devices() == {device}


SHARDED = """
import jax, jax.numpy as jnp, numpy as np, adcore as ad
assert len(jax.devices()) == 4, jax.devices()

def f(x):
    xp = ad.array_namespace(x)
    return xp.sin(x) * xp.cumulative_sum(x) + x ** 2

def wide(x):
    return jnp.reshape(jnp.tanh(x) * x, (3, 3)).sum(axis=1)

def s(x):
    xp = ad.array_namespace(x)
    return xp.sum(xp.sin(x) * x ** 3) + xp.sum(x[1:] * x[:-1])

def close(u, v):
    np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=1e-14, atol=1e-15)

x = np.linspace(0.1, 1.0, 9)
T = tuple(np.random.default_rng(0).normal(size=(3, 9)))
for options in ({}, {"mode": "reverse"}):
    one, every = ad.AutoJAX(**options), ad.AutoJAX(**options, shard=True)
    for op, g in ((ad.value_and_jacobian, f), (ad.value_and_jacobian, wide),
                  (ad.value_gradient_and_hessian, s)):
        for u, v in zip(op(g, one, x), op(g, every, x)):
            close(u, v)
    for op, g in ((ad.pushforward, f), (ad.pullback, f), (ad.hvp, s)):
        for u, v in zip(op(g, one, x, T), op(g, every, x, T)):
            close(u, v)
    for op, g in ((ad.jacobian, f), (ad.hessian, s)):
        close(op(g, ad.AutoSparse(one), x).toarray(), op(g, ad.AutoSparse(every), x).toarray())
# the 9 tangents of the Jacobian, padded to 12, are split 3 to a device
x32 = jnp.asarray(x, jnp.float32)
prep = ad.prepare_jacobian(f, ad.AutoJAX(shard=True), x32)
assert "f32[3,9]" in prep.executor.jacobian.lower(x32, ()).compile().as_text()
"""


def test_shard_splits_tangents_across_devices_with_the_same_results():
    """AutoJAX(shard=True) on 4 host devices, in a process of its own (JAX fixes the number of
    devices when it starts): Jacobians, Hessians, batches and sparse colors as on one device."""
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4"}
    subprocess.run([sys.executable, "-c", SHARDED], check=True, env=env)


def test_shard_is_an_option():
    assert repr(AutoJAX(shard=True)) == "AutoJAX(shard=True)" and AutoJAX(shard=True) != B
    # conftest.py's 2 host devices; the functions built without shard know of none
    assert _engine.Setup(AutoJAX(shard=True), loss, X, ()).devices == tuple(jax.devices())
    assert _engine.Setup(B, loss, X, ()).devices is None
    np.testing.assert_allclose(ad.hessian(loss, AutoJAX(shard=True, jit=False), X),
                               ad.hessian(loss, B, X), rtol=1e-14)


def test_synchronize_waits_for_results_and_returns_them():
    result = (jnp.ones(2), None)
    assert B.synchronize(result) is result


def test_out_fills_numpy_buffers_and_refuses_jax_arrays():
    out = np.empty(3)
    assert ad.gradient(loss, B, X, out=out) is out
    np.testing.assert_allclose(out, grad_loss(X), rtol=1e-14)
    with pytest.raises(TypeError, match="immutable"):
        ad.gradient(loss, B, jnp.asarray(X), out=jnp.zeros(3))


# --- the prepared-call check, by aval


@pytest.mark.parametrize("other", [
    jnp.ones(4), jnp.ones(3, dtype=jnp.int32), jnp.ones((3, 1)), np.ones(3, dtype=np.float32),
], ids=["shape", "dtype", "rank", "numpy"])
def test_the_check_by_aval_refuses_what_the_prep_does_not_fit(other):
    x = jnp.ones(3)
    prep = ad.prepare_gradient(loss, B, x)
    assert type(prep).__name__ == "JAXPrep"
    with pytest.raises(ad.PrepMismatchError, match="x: prep expected"):
        ad.gradient(loss, B, other, prep=prep)
    prep = ad.prepare_hvp(loss, B, x, (x,))
    with pytest.raises(ad.PrepMismatchError, match="tangent 0: prep expected"):
        ad.hvp(loss, B, x, (other,), prep=prep)
    with pytest.raises(ad.PrepMismatchError, match="a batch of 1, got a batch of 2"):
        ad.hvp(loss, B, x, (x, x), prep=prep)


def test_a_prep_made_outside_jit_works_inside_jit_and_vmap():
    x = jnp.linspace(0.5, 1.5, 3)
    prep = ad.prepare_gradient(loss, B, x)  # strict: a tracer of x's shape and dtype fits
    want = ad.gradient(loss, B, x, prep=prep)
    np.testing.assert_allclose(jax.jit(lambda x: ad.gradient(loss, B, x, prep=prep))(x), want, rtol=1e-6)
    batch = jax.vmap(lambda x: ad.gradient(loss, B, x, prep=prep))(jnp.stack([x, 2 * x]))
    np.testing.assert_allclose(batch[0], want, rtol=1e-6)
    hvp_prep = ad.prepare_hvp(loss, B, x, (x,))
    got = jax.jit(lambda x, t: ad.hvp(loss, B, x, (t,), prep=hvp_prep))(x, x)
    np.testing.assert_allclose(got[0], ad.hvp(loss, B, x, (x,))[0], rtol=1e-6)
    with pytest.raises(ad.PrepMismatchError, match="got jax.*Tracer of shape \\(4,\\)"):
        jax.jit(lambda x: ad.gradient(loss, B, x, prep=prep))(jnp.ones(4))


def test_the_check_by_aval_takes_any_array_of_the_same_shape_and_dtype():
    x = jnp.ones(3)
    prep = ad.prepare_hvp(loss, B, x, (x,))
    weak = jnp.asarray(1.0) + jnp.zeros(3, dtype=jnp.float32)  # another aval, equal shape and dtype
    t = jnp.arange(3.0)
    np.testing.assert_allclose(ad.hvp(loss, B, weak, (t,), prep=prep)[0],
                               ad.hvp(loss, B, weak, (t,))[0], rtol=1e-6)
    with pytest.raises(ad.PrepMismatchError, match="operator: prep expected hvp"):
        ad.gradient(loss, B, x, prep=prep)
    with pytest.raises(ad.PrepMismatchError, match="f: prep expected"):
        ad.hvp(lambda x: loss(x), B, x, (t,), prep=prep)


# --- jit: one compilation per function and signature


def test_unprepared_calls_trace_once_and_prepared_calls_never():
    f = Traces()
    for _ in range(3):
        ad.gradient(f, B, X)
    assert f.count == 1
    prep = ad.prepare_gradient(f, B, X)
    ad.gradient(f, B, X + 1, prep=prep)
    assert f.count == 1


def test_without_jit_each_call_traces():
    f = Traces()
    b = AutoJAX(jit=False)
    for _ in range(3):
        ad.gradient(f, b, X)
    assert f.count == 3


def test_constants_are_arguments_not_baked_in():
    f = Traces()
    prep = ad.prepare_gradient(f, B, X, ad.Constant(np.float64(2.0)))
    g2 = ad.gradient(f, B, X, ad.Constant(np.float64(2.0)), prep=prep)
    g5 = ad.gradient(f, B, X, ad.Constant(np.float64(5.0)), prep=prep)
    np.testing.assert_allclose(g5, 2.5 * g2, rtol=1e-14)
    assert f.count == 1


def test_the_functions_of_f_are_dropped_with_f():
    f = Traces()
    ad.gradient(f, B, X)
    assert id(f) in _engine._weak
    key = id(f)
    del f
    gc.collect()
    assert key not in _engine._weak


def test_a_callable_without_weak_references_is_cached_too():
    class Cube:
        __slots__ = ("count",)

        def __init__(self):
            self.count = 0

        def __call__(self, x):
            self.count += 1
            return jnp.sum(x**3)

    f = Cube()
    for _ in range(2):
        np.testing.assert_allclose(ad.gradient(f, B, X), 3 * X**2)
    assert f.count == 1


@pytest.mark.parametrize("b", [B, AutoJAX(jit=False)], ids=repr)
@pytest.mark.parametrize("operator", ["pushforward", "pullback", "hvp"])
def test_same_point_preparation_keeps_the_linearization(b, operator):
    f = Traces()
    g = (lambda x: x * f(x)) if operator != "hvp" else f
    prepare = getattr(ad, f"prepare_{operator}_same_point")
    t = (X,) if operator != "pullback" else (np.ones(3),)
    prep = prepare(g, b, X, t)
    calls = f.count
    first = getattr(ad, operator)(g, b, X, t, prep=prep)
    twice = getattr(ad, operator)(g, b, X, tuple(2 * v for v in t), prep=prep)
    assert f.count == calls
    np.testing.assert_allclose(twice[0], 2 * first[0], rtol=1e-14)
    np.testing.assert_allclose(first[0], getattr(ad, operator)(g, b, X, t)[0], rtol=1e-14)


def test_operators_compose_with_jax_transformations():
    x = jnp.asarray(X, dtype=jnp.float32)
    inside_jit = jax.jit(lambda x: ad.gradient(loss, B, x))(x)
    np.testing.assert_allclose(inside_jit, grad_loss(X), rtol=1e-5)
    hessian_diagonal = jax.grad(lambda x: ad.gradient(loss, B, x)[0])(x)
    np.testing.assert_allclose(hessian_diagonal, ad.hessian(loss, B, x)[0], rtol=1e-5)
    batched = jax.vmap(lambda x: ad.gradient(loss, B, x))(jnp.stack([x, 2 * x]))
    np.testing.assert_allclose(batched[1], grad_loss(2 * X), rtol=1e-5)


# --- contexts, tracing, errors


def test_array_namespace_of_tracers_and_scratch_is_jax_numpy():
    seen = []

    def f(x, cache):
        seen.append((ad.array_namespace(x), ad.array_namespace(cache)))
        cache[...] = x * x
        return jnp.sum(cache)

    ad.gradient(f, B, X, ad.Cache(np.zeros(3)))
    assert seen == [(jnp, jnp)]


def test_a_cache_of_jax_arrays_takes_writes():
    def f(x, cache):
        cache[0] = jnp.sin(x[0])
        cache[1:] = x[1:] ** 2
        return jnp.sum(cache * x)

    x = jnp.asarray(X, dtype=jnp.float32)
    grad = ad.gradient(f, B, x, ad.Cache(jnp.zeros(3)))
    expected = np.array([np.sin(X[0]) + X[0] * np.cos(X[0]), *(3 * X[1:] ** 2)])
    np.testing.assert_allclose(grad, expected, rtol=1e-5)


@pytest.mark.parametrize("x", [{"a": X}, [X, X], (X,)], ids=["dict", "list", "tuple"])
def test_pytrees_are_taken_as_they_are(x):
    total = lambda p: sum(jnp.sum(jnp.sin(leaf)) for leaf in jax.tree_util.tree_leaves(p))
    grad = ad.gradient(total, B, x)
    assert type(grad) is type(x)
    for g in jax.tree_util.tree_leaves(grad):
        np.testing.assert_allclose(g, np.cos(X))


def test_inplace_functions_are_refused_naming_who_takes_them():
    with pytest.raises(ad.NotSupportedError, match=r"installed: .*finitediff.*derivative, jacobian"):
        ad.jacobian(lambda y, x: None, B, X, y=np.zeros(3))


def test_gradient_of_a_vector_function_says_so():
    with pytest.raises(ValueError, match=r"gradient needs a scalar function.*adcore.jacobian"):
        ad.gradient(lambda x: x**2, B, X)


# --- the core's fallbacks on AutoJAX's primitives


@pytest.mark.parametrize("wrapper", [ForwardFromPrimitive, ReverseFromPrimitive])
@pytest.mark.parametrize("family", ["numpy", "jax"])
def test_fallbacks_on_the_primitives(wrapper, family):
    b = wrapper(B)
    x = X if family == "numpy" else jnp.asarray(X, dtype=jnp.float32)
    tol = 1e-12 if family == "numpy" else 1e-5
    g = lambda x: jnp.sin(x) * x[0]
    J = ad.jacobian(g, b, x)
    assert type(J) is type(ad.jacobian(g, B, x))
    np.testing.assert_allclose(J, ad.jacobian(g, B, x), rtol=tol)
    np.testing.assert_allclose(ad.gradient(loss, b, x), grad_loss(X), rtol=tol)


# --- issue 16: a clear error, never a silent None


@pytest.mark.parametrize("operator", ["gradient", "jacobian", "pushforward", "derivative", "hessian"])
@pytest.mark.parametrize("returns", [lambda x: None, lambda x: [x[0], x[0]]], ids=["None", "list"])
def test_f_that_returns_none_or_a_list_raises(operator, returns):
    x = np.ones(2)
    args = {"pushforward": ((np.ones(2),),)}.get(operator, ())
    f = returns if operator != "derivative" else (lambda x: returns(np.ones(1) * x))
    with pytest.raises(ad.ArgumentTypeError, match=r"f\(x\) returned (None|a list); AutoJAX"):
        getattr(ad, operator)(f, AutoJAX(), 1.0 if operator == "derivative" else x, *args)


@pytest.mark.parametrize("x", [2, np.arange(2)], ids=repr)
def test_integer_x_gives_the_error_of_every_engine(x):
    with pytest.raises(ad.ArgumentTypeError, match="derivatives need floating-point x"):
        (ad.derivative if np.ndim(x) == 0 else ad.gradient)(lambda x: (x ** 2).sum(), AutoJAX(), x)


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_a_numpy_subclass_x_is_refused():
    with pytest.raises(ad.ArgumentTypeError, match="subclass of numpy.ndarray"):
        ad.gradient(lambda x: (x ** 2).sum(), AutoJAX(), np.matrix([[1.0, 2.0]]))
