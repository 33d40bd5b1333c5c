"""DenseSparsityDetector, KnownJacobianSparsity, KnownHessianSparsity and custom detectors
(TracerSparsityDetector has its own file, test_sparse_tracer.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

import adcore as ad  # noqa: E402
from adcore.extend import AbstractSparsityDetector  # noqa: E402

FD = ad.AutoFiniteDiff()
X = np.array([0.5, -1.0, 2.0, 0.0])


def f(x: Any) -> Any:
    return x[1:] * x[:-1]


def test_dense_detection_is_local() -> None:
    # At x[3] = 0 the entry d y[2] / d x[2] = x[3] vanishes: the local pattern loses it.
    P = ad.DenseSparsityDetector(FD).jacobian_sparsity(f, X).toarray()
    assert P[2, 3] and not P[2, 2]
    assert ad.TracerSparsityDetector().jacobian_sparsity(f, X).toarray()[2, 2]


def test_dense_detection_threshold() -> None:
    g = lambda x: np.array([x[0] + 1e-9 * x[1], x[1]])
    assert ad.DenseSparsityDetector(FD).jacobian_sparsity(g, X[:2]).nnz == 3
    assert ad.DenseSparsityDetector(FD, atol=1e-6).jacobian_sparsity(g, X[:2]).nnz == 2
    H = ad.DenseSparsityDetector(FD, atol=1e-5).hessian_sparsity(lambda x: x[0] * x[1] + x[2] ** 3, X + 1)
    np.testing.assert_array_equal(H.toarray(), [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]])


def test_dense_detection_in_place_and_with_contexts() -> None:
    def g(y: Any, x: Any, a: Any) -> None:
        y[:] = a * x[::-1]

    P = ad.DenseSparsityDetector(FD).jacobian_sparsity(g, X + 1, (ad.Constant(2.0),), y=np.zeros(4))
    np.testing.assert_array_equal(P.toarray(), np.eye(4)[::-1])


def test_dense_detector_options() -> None:
    with pytest.raises(TypeError, match="adcore backend"):
        ad.DenseSparsityDetector("finitediff")
    with pytest.raises(ValueError, match="atol"):
        ad.DenseSparsityDetector(FD, atol=-1.0)
    assert ad.DenseSparsityDetector(FD, 1e-3) == ad.DenseSparsityDetector(FD, atol=1e-3)
    assert "atol=0.001" in repr(ad.DenseSparsityDetector(FD, 1e-3))


@pytest.mark.parametrize("pattern", [
    np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]]),
    np.array([[True, True, False, False], [False, True, True, False], [False, False, True, True]]),
    sp.coo_matrix(np.array([[1.0, 2, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])),
    sp.csr_array(np.array([[1.0, 2, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]])),
])
def test_known_jacobian_sparsity(pattern: Any) -> None:
    detector = ad.KnownJacobianSparsity(pattern)
    P = detector.jacobian_sparsity(f, X)
    assert P.dtype == bool and P.nnz == 6
    assert "3x4 pattern, 6 nonzeros" in repr(detector)
    J = ad.jacobian(f, ad.AutoSparse(FD, sparsity_detector=detector), X + 1)
    np.testing.assert_allclose(J.toarray(), ad.jacobian(f, FD, X + 1), atol=1e-8)


def test_known_patterns_are_checked() -> None:
    with pytest.raises(ValueError, match="columns"):
        ad.KnownJacobianSparsity(np.ones((3, 5))).jacobian_sparsity(f, X)
    with pytest.raises(TypeError, match="KnownHessianSparsity"):
        ad.KnownJacobianSparsity(np.ones((3, 4))).hessian_sparsity(f, X)
    with pytest.raises(TypeError, match="KnownJacobianSparsity"):
        ad.KnownHessianSparsity(np.eye(4)).jacobian_sparsity(f, X)
    with pytest.raises(ValueError, match="symmetric"):
        ad.KnownHessianSparsity(np.triu(np.ones((4, 4)))).hessian_sparsity(f, X)
    with pytest.raises(ValueError, match="shape"):
        ad.KnownHessianSparsity(np.eye(3)).hessian_sparsity(f, X)
    with pytest.raises(ValueError, match="matrix"):
        ad.KnownJacobianSparsity(np.ones(4)).jacobian_sparsity(f, X)


def test_a_pattern_with_too_few_rows_is_refused_at_the_call() -> None:
    backend = ad.AutoSparse(FD, sparsity_detector=ad.KnownJacobianSparsity(np.eye(4)))
    with pytest.raises(ValueError, match="does not fit f"):
        ad.jacobian(f, backend, X)


def test_known_hessian_sparsity() -> None:
    g = lambda x: x[0] * x[1] + np.sum(x**3)
    pattern = np.eye(4) + np.eye(4, k=1) + np.eye(4, k=-1)
    backend = ad.AutoSparse(FD, sparsity_detector=ad.KnownHessianSparsity(pattern))
    H = ad.hessian(g, backend, X)
    np.testing.assert_allclose(H.toarray(), ad.hessian(g, FD, X), atol=1e-4)
    assert H.nnz == 10


class EveryOther(AbstractSparsityDetector):
    """A detector a plugin might add: here it knows f's pattern in advance."""

    def jacobian_sparsity(self, f: Any, x: Any, contexts: Any = (), *, y: Any = None) -> Any:
        return sp.csr_array(np.eye(np.size(x), dtype=bool)[::2])

    def hessian_sparsity(self, f: Any, x: Any, contexts: Any = ()) -> Any:
        return sp.csr_array(np.eye(np.size(x), dtype=bool))


def test_a_detector_of_ones_own() -> None:
    assert AbstractSparsityDetector is ad.sparse.AbstractSparsityDetector
    backend = ad.AutoSparse(FD, sparsity_detector=EveryOther())
    J = ad.jacobian(lambda x: 3 * x[::2], backend, X)
    np.testing.assert_allclose(J.toarray(), 3 * np.eye(4)[::2])
    H = ad.hessian(lambda x: np.sum(x**2), backend, X)
    np.testing.assert_allclose(H.toarray(), 2 * np.eye(4), atol=1e-5)
