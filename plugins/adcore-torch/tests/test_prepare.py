"""Preparation: which engine serves, the classic autograd fallback, in-place functions, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from adcore_torch import AutoTorch

import adcore as ad
from adcore.testing import Scenario, all_scenarios


def prepare_in_torch(s: Scenario, backend: Any) -> Any:
    """``adcore.prepare_<operator>`` for the scenario, its arrays as tensors."""
    conv = lambda v: torch.asarray(v.copy()) if isinstance(v, np.ndarray) else v
    args = [conv(s.x)]
    if s.tangents is not None:
        args.append(tuple(map(conv, s.tangents)))
    args += [type(c)(conv(c.value)) for c in s.contexts]
    kwargs = {} if s.y is None else {"y": conv(s.y)}
    return getattr(ad, f"prepare_{s.operator}")(s.f, backend, *args, **kwargs)


def engine_of(prep: Any) -> str:
    executor = prep.executor
    inner = getattr(executor, "pushforward", None)  # derivative: the core's, over our pushforward
    return getattr(executor, "engine", None) or inner.engine


@pytest.mark.parametrize("backend", [AutoTorch(), AutoTorch(mode="reverse")], ids=repr)
def test_the_suite_runs_on_torch_func(backend: Any) -> None:
    """No scenario of the suite falls back silently: torch.func serves them all, but the
    gradient, which is classic autograd by design (it is the faster), and the second
    derivative of a DifferentiateWith subroutine, a jvp of a jvp that adcore-torch refuses
    through it (torch does not differentiate a custom jvp rule at an outer forward level)."""
    for s in all_scenarios():
        if "complex" in s.tags and s.operator not in backend.complex_operators:
            continue  # refused (the hessian of a complex x): check_not_supported holds it to that
        prep = prepare_in_torch(s, backend)
        classic = s.operator == "gradient" or (s.operator == "second_derivative" and "mixed" in s.tags)
        want = "classic autograd" if classic else "torch.func"
        assert engine_of(prep) == want, s.id


class Cube(torch.autograd.Function):
    """An autograd.Function in the old style (no setup_context): torch.func refuses it."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        (x,) = ctx.saved_tensors
        return 3 * x**2 * g


def test_classic_autograd_where_torch_func_cannot_trace() -> None:
    def vec(x: Any) -> Any:
        return Cube.apply(x) * x[0]

    def sca(x: Any) -> Any:
        return Cube.apply(x).sum()

    x = np.array([0.5, -1.0, 2.0])
    J = np.diag(3 * x**2 * x[0]) + np.outer(x**3, [1.0, 0.0, 0.0])
    b = AutoTorch()
    for prep in (ad.prepare_jacobian(vec, b, x), ad.prepare_hessian(sca, b, x),
                 ad.prepare_pushforward(vec, b, x, (x,)), ad.prepare_second_derivative(sca, b, 0.5)):
        assert engine_of(prep) == "classic autograd"
    assert np.allclose(ad.jacobian(vec, b, x), J)
    assert np.allclose(ad.jacobian(vec, AutoTorch(mode="forward"), x), J)
    t = np.array([1.0, 0.5, -2.0])
    assert np.allclose(ad.pushforward(vec, b, x, (t, 2 * t))[1], J @ (2 * t))
    assert np.allclose(ad.pullback(vec, b, x, (t,))[0], t @ J)
    assert np.allclose(ad.hessian(sca, b, x), np.diag(6 * x))
    assert np.allclose(ad.hvp(sca, b, x, (t,))[0], 6 * x * t)
    assert ad.second_derivative(sca, b, 0.5) == pytest.approx(3.0)
    assert ad.derivative(sca, b, 0.5) == pytest.approx(0.75)


def test_inplace_functions() -> None:
    def f(y: Any, x: Any) -> None:
        y[0] = torch.sin(x[0]) * x[1]
        y[1:] = x[1:] ** 2

    x = torch.tensor([0.3, -0.5, 0.8], dtype=torch.float64)
    J = torch.tensor([[np.cos(0.3) * -0.5, np.sin(0.3), 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.6]],
                     dtype=torch.float64)
    y = torch.zeros(3, dtype=torch.float64)
    value, jac = ad.value_and_jacobian(f, AutoTorch(), x, y=y)
    assert value is y and torch.allclose(jac, J) and torch.allclose(y[1:], x[1:] ** 2)
    yn = np.zeros(3)
    (ty,) = ad.pushforward(f, AutoTorch(), x.numpy(), (np.ones(3),), y=yn)
    assert np.allclose(ty, J.sum(1).numpy()) and np.allclose(yn[1:], x.numpy()[1:] ** 2)


def test_untraceable_inplace_function_is_not_supported() -> None:
    def f(y: Any, x: Any) -> None:
        y[...] = torch.from_numpy(np.sin(x.numpy()))  # a detour through numpy cuts the graph

    with pytest.raises(ad.NotSupportedError, match=r"in-place function f\(y, x\).*torch operations"):
        ad.jacobian(f, AutoTorch(), np.ones(3), y=np.zeros(3))


def test_errors_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="needs a scalar function"):
        ad.gradient(lambda x: x * 2, AutoTorch(), np.ones(3))
    with pytest.raises(ValueError, match="needs a scalar function"):
        ad.hessian(lambda x: x * 2, AutoTorch(), np.ones(3))
    with pytest.raises(TypeError, match="floating-point x"):
        ad.gradient(lambda x: (x * 2).sum(), AutoTorch(), np.arange(3))
    with pytest.raises(ValueError, match="cotangent 0 must be shaped like f"):
        ad.pullback(lambda x: x * 2, AutoTorch(), np.ones(3), (np.ones(2),))
    with pytest.raises(ZeroDivisionError):  # f's own bug, as it is
        ad.jacobian(lambda x: x / 0 if 1 / 0 else x, AutoTorch(), np.ones(3))


def test_contexts_of_other_families_and_caches() -> None:
    a = np.array([1.0, -2.0, 0.5])

    def f(x: Any, a: Any, cache: Any) -> Any:
        cache[...] = a * torch.sin(x)
        return (cache * x).sum()

    x = torch.tensor([0.3, -0.5, 0.8], dtype=torch.float64)
    cache = torch.zeros(3, dtype=torch.float64)
    want = a * (np.cos(x.numpy()) * x.numpy() + np.sin(x.numpy()))
    for b in (AutoTorch(), AutoTorch(mode="reverse")):
        g = ad.gradient(f, b, x, ad.Constant(a), ad.Cache(cache))
        assert torch.allclose(g, torch.from_numpy(want))
        (hv,) = ad.hvp(f, b, x, (torch.ones(3, dtype=torch.float64),), ad.Constant(a), ad.Cache(cache))
        assert hv.shape == (3,) and not cache.requires_grad and cache.grad_fn is None


@pytest.mark.parametrize("outer", [AutoTorch(), ad.AutoFiniteDiff()], ids=repr)
def test_nested_in_second_order(outer: Any) -> None:
    """The executors work on the tensors of an outer torch.func transform, too."""
    b = ad.SecondOrder(outer, AutoTorch())
    x = np.array([0.3, -0.5, 0.8])
    f = lambda x: (ad.array_namespace(x).sin(x) * x).sum()
    H = np.diag(2 * np.cos(x) - x * np.sin(x))
    tol = 1e-10 if isinstance(outer, AutoTorch) else 1e-5
    assert np.allclose(ad.hessian(f, b, x), H, atol=tol)
    assert np.allclose(ad.hvp(f, b, x, (np.ones(3),))[0], H.sum(1), atol=tol)
    assert ad.second_derivative(lambda x: x**3, b, 0.5) == pytest.approx(3.0, abs=tol)


def test_no_silent_zero_when_classic_autograd_records_a_nested_call() -> None:
    """Results carry no graph: classic autograd cannot differentiate through an adcore call,
    and says so rather than return zeros (torch.func can, as above)."""

    def cube_sum(x: Any) -> Any:
        return Cube.apply(x).sum()

    x = np.array([0.5, -1.0])
    with pytest.raises(ad.NotSupportedError, match="classic autograd"):
        ad.jacobian(lambda x: ad.gradient(cube_sum, AutoTorch(), x), AutoTorch(), x)
    with pytest.raises(ad.NotSupportedError, match="classic autograd"):
        ad.hessian(cube_sum, ad.SecondOrder(AutoTorch(), AutoTorch()), x)


def test_a_prep_made_at_a_tensor_serves_a_parameter_of_its_shape_and_dtype() -> None:
    f = lambda x: (x**2).sum()
    prep = ad.prepare_gradient(f, AutoTorch(), torch.ones(3, dtype=torch.float64))
    weights = torch.nn.Parameter(torch.arange(3.0, dtype=torch.float64))
    torch.testing.assert_close(ad.gradient(f, AutoTorch(), weights, prep=prep),
                               torch.tensor([0.0, 2.0, 4.0], dtype=torch.float64))
    with pytest.raises(ad.PrepMismatchError, match="got torch.nn.parameter.Parameter of shape"):
        ad.gradient(f, AutoTorch(), torch.nn.Parameter(torch.ones(4, dtype=torch.float64)), prep=prep)


# --- issue 16: the same answer or one clear error on every engine


def _square_into(y: Any, x: Any) -> None:
    y[...] = x ** 2


@pytest.mark.parametrize("y", [torch.zeros(3, dtype=torch.int64), np.zeros(3, dtype=np.int32),
                               torch.zeros(3, dtype=torch.bool)], ids=lambda y: str(y.dtype))
def test_integer_y_is_refused(y: Any) -> None:
    # Before: torch filled an integer buffer and differentiated it to a zero Jacobian.
    with pytest.raises(ad.ArgumentError, match=r"`y` has dtype .* cannot hold f\(x\)"):
        ad.jacobian(_square_into, AutoTorch(), torch.ones(3, dtype=torch.float64), y=y)
    assert not y.any()


def test_read_only_y_is_refused() -> None:
    # Before: AutoTorch filled a copy and left the read-only y as it was.
    y = np.zeros(3)
    y.flags.writeable = False
    with pytest.raises(ad.ArgumentError, match="`y` is read-only"):
        ad.value_and_jacobian(_square_into, AutoTorch(), np.ones(3), y=y)


@pytest.mark.parametrize("operator", ["jacobian", "pushforward", "pullback"])
def test_inplace_f_that_returns_instead_of_writing_y(operator: str) -> None:
    def returns(y: Any, x: Any) -> Any:
        return x ** 2  # y left as it is: before, a zero Jacobian

    args = {"pushforward": ((np.ones(3),),), "pullback": ((np.ones(3),),)}.get(operator, ())
    with pytest.raises(ad.ArgumentTypeError, match="returned a .* instead of writing f"):
        getattr(ad, operator)(returns, AutoTorch(), np.ones(3), *args, y=np.zeros(3))


@pytest.mark.parametrize("x", [2, True, np.arange(3), torch.arange(3)], ids=repr)
def test_integer_x_gives_the_error_of_every_engine(x: Any) -> None:
    with pytest.raises(ad.ArgumentTypeError, match="derivatives need floating-point x"):
        (ad.derivative if np.ndim(x) == 0 else ad.jacobian)(torch.sin, AutoTorch(), x)


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
@pytest.mark.parametrize("make", [np.ma.masked_array, np.matrix], ids=lambda t: t.__name__)
def test_a_numpy_subclass_x_is_refused(make: Any) -> None:
    with pytest.raises(ad.ArgumentTypeError, match="subclass of numpy.ndarray"):
        ad.gradient(lambda x: (x ** 2).sum(), AutoTorch(), make([[1.0, 2.0]]))


def test_second_order_of_jax_over_torch_is_refused() -> None:
    jax = pytest.importorskip("adcore_jax")  # where both plugins are installed
    with pytest.raises(ad.NotSupportedError, match=r"SecondOrder\(AutoJAX\(\), AutoTorch\(\)\)"):
        ad.SecondOrder(jax.AutoJAX(), AutoTorch())


@pytest.mark.parametrize("operator", ["pushforward", "jacobian", "hvp", "second_derivative"])
def test_forward_mode_is_serialized_across_threads(operator: str) -> None:
    """torch's forward-mode AD is not thread-safe upstream (threads in it at once raise, crash
    or return wrong numbers): adcore-torch holds a lock around it, and AutoTorch is thread-safe."""
    import threading

    def f(x: Any) -> Any:
        for _ in range(20):
            x = torch.sin(x) * 1.01
        return x

    def g(x: Any) -> Any:
        return f(x).sum()

    t = np.ones(30)
    calls = {
        "pushforward": lambda x, b: ad.pushforward(f, b, x, (t,))[0],
        "jacobian": lambda x, b: ad.jacobian(f, b, x),
        "hvp": lambda x, b: ad.hvp(g, b, x, (t,))[0],
        "second_derivative": lambda x, b: ad.second_derivative(lambda s: torch.sin(s) ** 3, b,
                                                               float(x[0])),
    }
    call = calls[operator]
    backend = AutoTorch(mode="forward")
    xs = [np.random.default_rng(i).normal(size=30) for i in range(6)]
    serial = [call(x, backend) for x in xs]
    wrong: list[Any] = []
    barrier = threading.Barrier(len(xs))

    def work(i: int) -> None:
        barrier.wait()
        try:
            for _ in range(5):
                if not np.allclose(call(xs[i], backend), serial[i]):
                    wrong.append(i)
        except Exception as e:
            wrong.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(xs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert wrong == [] and AutoTorch.thread_safe
