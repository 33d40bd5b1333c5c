"""AutoFiniteDiff on executors: threads, processes and a real Dask cluster (``parallel``).

One ``distributed.LocalCluster`` (2 worker processes of 1 thread) serves the whole module:
starting one costs about two seconds. The functions are cheap, so most backends here pass
``chunksize=`` to send their points to the workers all the same.
"""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import adcore as ad
from adcore._backends.finitediff.parallel import SCATTER_BYTES, chunk_size
from adcore.errors import ArgumentError, ArgumentTypeError

X = np.linspace(0.2, 1.4, 5)
T = np.linspace(-1.0, 1.0, 5)


def vector(x, a):
    return np.sin(x) * a + np.cumsum(x) ** 2


def inplace(y, x, a):
    y[...] = np.cos(x) * a


def scalar(x, a, scratch):
    scratch[...] = np.sin(x) * x**2 * a  # f writes its Cache
    return scratch.sum()


def curve(x):
    return np.sin(x) * x**3


def flaky(x):
    if np.any(x > 10):  # far out on the adaptive ladder: NaN there, left out
        raise ValueError("out of the domain")
    return np.log(x).sum()


def fails_away(x):
    if not np.array_equal(x, X):  # f(x) is evaluated by the caller, the other points by workers
        raise RuntimeError("f fails on the worker")
    return x.sum()


def first_rows(x, table):
    return x * table[: x.size]


def jacobian_of(x):
    return ad.jacobian(vector, ad.AutoFiniteDiff(), x, ad.Constant(2.0))


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def dask(client):
    return client.get_executor()


def every_operator(b, method):
    """The value-returning form of every operator, by ``b`` at X (and a scalar 0.3)."""
    complex_ = method == "complex"
    scratch = np.empty(5, complex if complex_ else float)
    a, c = ad.Constant(2.0), ad.Cache(scratch)
    y = np.empty(5)
    return [
        ad.value_and_derivative(np.sin, b, 0.3),
        ad.value_derivative_and_second_derivative(np.sin, b, 0.3),
        ad.value_and_gradient(scalar, b, X, a, c),
        ad.value_and_jacobian(vector, b, X, a),
        ad.value_and_jacobian(inplace, b, X, a, y=y),
        ad.value_and_pushforward(vector, b, X, (T, X), a),
        ad.value_and_pullback(vector, b, X, (T,), a),
        ad.gradient_and_hvp(scalar, b, X, (T,), a, c),
        ad.value_gradient_and_hessian(scalar, b, X, a, c),
    ]


def same(a, b):
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for u, v in zip(a, b):
            same(u, v)
    else:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        assert type(a) is type(b)


@pytest.mark.parametrize("options", [
    {"method": "central"}, {"method": "forward"}, {"method": "complex"}, {"step": "adaptive"},
])
def test_every_operator_on_dask_equals_serial(dask, options):
    serial = every_operator(ad.AutoFiniteDiff(**options), options.get("method"))
    parallel = every_operator(ad.AutoFiniteDiff(**options, executor=dask, chunksize=3),
                              options.get("method"))
    same(tuple(serial), tuple(parallel))


def test_dask_with_chunks_chosen_for_an_expensive_f(dask):
    b = ad.AutoFiniteDiff(executor=dask)
    prep = ad.prepare_jacobian(vector, b, X, ad.Constant(2.0))
    ev = prep.executor.ev
    assert chunk_size(ev, dask, 10, 0.1) == 5  # 2 workers: one task each
    assert chunk_size(ev, dask, 10, 1e-6) == 0  # too little work to send: evaluated here
    same(ad.jacobian(vector, b, X, ad.Constant(2.0), prep=prep), jacobian_of(X))


def test_sparse_colors_on_dask(dask):
    pytest.importorskip("scipy")

    def banded(x):
        return x[1:] * x[:-1] + np.sin(x[1:])

    def chain(x):
        return (x[1:] ** 2 * x[:-1]).sum()

    x = np.linspace(0.5, 2.0, 12)
    for op, f in ((ad.jacobian, banded), (ad.hessian, chain)):
        serial = op(f, ad.AutoSparse(ad.AutoFiniteDiff()), x)
        parallel = op(f, ad.AutoSparse(ad.AutoFiniteDiff(executor=dask, chunksize=2)), x)
        np.testing.assert_array_equal(serial.toarray(), parallel.toarray())


def test_large_constant_is_scattered_once_per_prep(dask):
    table = np.linspace(1.0, 2.0, SCATTER_BYTES // 8 + 1)
    b = ad.AutoFiniteDiff(executor=dask, chunksize=2)
    prep = ad.prepare_jacobian(first_rows, b, X, ad.Constant(table))
    kept = prep.executor.ev.scattered
    J = ad.jacobian(first_rows, b, X, ad.Constant(table), prep=prep)
    np.testing.assert_allclose(J, np.diag(table[:5]), rtol=1e-8)
    sent = kept[0][1]
    ad.jacobian(first_rows, b, X, ad.Constant(table), prep=prep)
    assert kept[0][1] is sent  # unchanged contents: not sent again
    table[:5] = 3.0
    J = ad.jacobian(first_rows, b, X, ad.Constant(table), prep=prep)
    assert kept[0][1] is not sent
    np.testing.assert_allclose(J, 3.0 * np.eye(5), rtol=1e-8)


def test_large_chunks_of_points_travel_apart(dask):
    x = np.linspace(0.0, 1.0, 600)  # 2 chunks of 300 points of 600 doubles: 1.4 MB each
    b = ad.AutoFiniteDiff(method="forward", executor=dask, chunksize=300)
    np.testing.assert_array_equal(ad.jacobian(np.sin, b, x),
                                  ad.jacobian(np.sin, ad.AutoFiniteDiff(method="forward"), x))


def test_errors_of_f_reach_the_caller(dask):
    with pytest.raises(RuntimeError, match="fails on the worker"):
        ad.gradient(fails_away, ad.AutoFiniteDiff(executor=dask, chunksize=2), X)


def test_adaptive_step_tolerates_failures_on_workers(dask):
    x = np.array([0.5, 2.0])
    serial = ad.gradient(flaky, ad.AutoFiniteDiff(step="adaptive"), x)
    parallel = ad.gradient(flaky, ad.AutoFiniteDiff(step="adaptive", executor=dask, chunksize=8), x)
    np.testing.assert_array_equal(serial, parallel)
    np.testing.assert_allclose(parallel, 1 / x, rtol=1e-9)


def test_a_pickled_prep_runs_on_the_workers(client):
    """The docs' recipe for many points: one prep, shipped once, used by every task."""
    prep = ad.prepare_jacobian(vector, ad.AutoFiniteDiff(), X, ad.Constant(2.0))
    copy = pickle.loads(pickle.dumps(prep))
    np.testing.assert_array_equal(
        ad.jacobian(vector, ad.AutoFiniteDiff(), 2 * X, ad.Constant(2.0), prep=copy), jacobian_of(2 * X)
    )
    shipped = client.scatter(prep, broadcast=True)
    points = [X * k for k in range(1, 5)]
    futures = client.map(jacobians, [points[:2], points[2:]], prep=shipped)
    results = [J for batch in client.gather(futures) for J in batch]
    for x, J in zip(points, results):
        np.testing.assert_array_equal(J, jacobian_of(x))


def jacobians(xs, prep):
    import copy

    prep = copy.deepcopy(prep)  # a prep's scratch is its own: one per task (threads share a worker)
    return [ad.jacobian(vector, ad.AutoFiniteDiff(), x, ad.Constant(2.0), prep=prep) for x in xs]


@pytest.mark.parametrize("pool_type", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_threads_and_processes_equal_serial(pool_type):
    with pool_type(2) as pool:
        for options in ({}, {"method": "complex"}):
            b = ad.AutoFiniteDiff(**options, executor=pool, chunksize=4)
            same(ad.value_and_jacobian(vector, b, X, ad.Constant(2.0)),
                 ad.value_and_jacobian(vector, ad.AutoFiniteDiff(**options), X, ad.Constant(2.0)))
            same(ad.hessian(curve, b, 0.7), ad.hessian(curve, ad.AutoFiniteDiff(**options), 0.7))


def test_chunks_follow_the_workers_and_the_cost_of_f():
    with ThreadPoolExecutor(3) as pool:
        ev = ad.prepare_gradient(curve, ad.AutoFiniteDiff(executor=pool), X).executor.ev
        assert chunk_size(ev, pool, 30, 1e-2) == 10  # one task per thread
        assert chunk_size(ev, pool, 30, 1e-4) == 10  # 3 ms of work: 1 ms a task at least
        assert chunk_size(ev, pool, 30, 5e-5) == 0  # 1.5 ms: not worth two tasks
        ev = ad.prepare_gradient(curve, ad.AutoFiniteDiff(executor=pool, chunksize=7), X).executor.ev
        assert chunk_size(ev, pool, 30, 1e-9) == 7


@pytest.mark.parametrize(("chunksize", "error"), [(0, ArgumentError), (2.5, ArgumentTypeError),
                                                  (True, ArgumentTypeError)])
def test_chunksize_is_checked(chunksize, error):
    with pytest.raises(error, match="chunksize"):
        ad.AutoFiniteDiff(chunksize=chunksize)


def test_chunksize_in_repr():
    assert repr(ad.AutoFiniteDiff(chunksize=4)) == "AutoFiniteDiff(chunksize=4)"
