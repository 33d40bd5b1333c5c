"""AutoSparse and MixedMode: sparse results equal dense ones in every variant, the prep
says what it found, the other operators are the dense backend's, errors are clear."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

import adcore as ad  # noqa: E402
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive  # noqa: E402

FD = ad.AutoFiniteDiff()
FORWARD, REVERSE = ForwardFromPrimitive(FD), ReverseFromPrimitive(FD)
SUBSTITUTION = ad.GreedyColoringAlgorithm(decompression="substitution")

SPARSE = {
    "finitediff": ad.AutoSparse(FD),
    "forward": ad.AutoSparse(FORWARD),
    "reverse": ad.AutoSparse(REVERSE),
    "mixed": ad.AutoSparse(ad.MixedMode(FORWARD, REVERSE)),
    "second-order": ad.AutoSparse(ad.SecondOrder(FORWARD, REVERSE)),
    "substitution": ad.AutoSparse(FD, coloring_algorithm=SUBSTITUTION),
}
X = np.linspace(0.5, 1.5, 12)


def banded(x: Any) -> Any:
    xp = ad.array_namespace(x)
    zero = xp.zeros_like(x[:1])
    return xp.concat([zero, x[:-1]]) * x - xp.concat([x[1:], zero]) ** 2


def arrow(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.concat([xp.reshape(xp.sum(x * x), (1,)), x[1:] * x[0]])


def chain(x: Any) -> Any:
    xp = ad.array_namespace(x)
    return xp.sum((x[1:] - x[:-1] ** 2) ** 2) + xp.sum(xp.cos(x))


@pytest.mark.parametrize("name", SPARSE)
@pytest.mark.parametrize("f", [banded, arrow], ids=["banded", "arrow"])
def test_jacobian_variants_equal_dense(name: str, f: Any) -> None:
    backend, dense = SPARSE[name], ad.jacobian(f, FD, X)
    prep = ad.prepare_jacobian(f, backend, X)
    for J in (ad.jacobian(f, backend, X), ad.jacobian(f, backend, X, prep=prep),
              ad.value_and_jacobian(f, backend, X, prep=prep)[1]):
        assert isinstance(J, sp.csr_array) and J.dtype == X.dtype
        np.testing.assert_allclose(J.toarray(), dense, atol=1e-7)
    value, _ = ad.value_and_jacobian(f, backend, X, prep=prep)
    np.testing.assert_allclose(value, f(X))
    # out=: a dense buffer, or an earlier result (same pattern) filled in place
    out = np.full(dense.shape, np.nan)
    assert ad.jacobian(f, backend, X, prep=prep, out=out) is out
    np.testing.assert_allclose(out, dense, atol=1e-7)
    earlier = ad.jacobian(f, backend, 2 * X, prep=prep)
    assert ad.jacobian(f, backend, X, prep=prep, out=earlier) is earlier
    np.testing.assert_allclose(earlier.toarray(), dense, atol=1e-7)


@pytest.mark.parametrize("name", SPARSE)
def test_hessian_variants_equal_dense(name: str) -> None:
    backend, dense = SPARSE[name], ad.hessian(chain, FD, X)
    prep = ad.prepare_hessian(chain, backend, X)
    H = ad.hessian(chain, backend, X, prep=prep)
    assert isinstance(H, sp.csr_array) and H.nnz == 3 * X.size - 2
    np.testing.assert_allclose(H.toarray(), dense, atol=1e-4)
    value, grad, H2 = ad.value_gradient_and_hessian(chain, backend, X, prep=prep)
    np.testing.assert_allclose(value, chain(X))
    np.testing.assert_allclose(grad, ad.gradient(chain, FD, X), atol=1e-6)
    np.testing.assert_allclose(H2.toarray(), dense, atol=1e-4)
    out = (np.empty_like(X), H.copy())
    assert ad.value_gradient_and_hessian(chain, backend, X, prep=prep, out=out)[1:] == out
    np.testing.assert_allclose(out[1].toarray(), dense, atol=1e-4)


def test_the_prep_says_what_it_found() -> None:
    prep = ad.prepare_jacobian(banded, SPARSE["finitediff"], X)
    assert isinstance(prep, ad.Prep)
    assert prep.sparsity_pattern.shape == (12, 12) and prep.sparsity_pattern.nnz == 34
    assert prep.ncolors == 3 and prep.coloring.kind == "column"
    np.testing.assert_array_equal(prep.colors, np.arange(12) % 3)
    assert "3 colors (column) for a 12x12 pattern with 34 nonzeros" in repr(prep)
    mixed = ad.prepare_jacobian(arrow, SPARSE["mixed"], X)
    rows, cols = mixed.colors
    assert mixed.coloring.kind == "bidirectional" and mixed.ncolors <= 4
    assert rows.shape == (12,) and cols.shape == (12,)
    assert (rows < 0).any() or (cols < 0).any()  # some rows or columns are in no seed
    hessian = ad.prepare_hessian(chain, SPARSE["substitution"], X)
    assert hessian.coloring.kind == "acyclic" and hessian.ncolors == 2


def test_the_prep_checks_its_arguments() -> None:
    prep = ad.prepare_jacobian(banded, SPARSE["finitediff"], X)
    with pytest.raises(ad.PrepMismatchError):
        ad.jacobian(banded, SPARSE["finitediff"], X[:5], prep=prep)


def test_both_modes_take_the_fewer_colors() -> None:
    both = ad.AutoSparse(ad.SecondOrder(FORWARD, REVERSE))
    dense_column = lambda x: x * x[0]  # columns: 2 colors, rows: 12
    dense_row = lambda x: ad.array_namespace(x).concat([ad.array_namespace(x).sum(x, keepdims=True), x[1:]])
    assert ad.prepare_jacobian(dense_column, both, X).coloring.kind == "column"
    prep = ad.prepare_jacobian(dense_row, both, X)
    assert prep.coloring.kind == "row" and prep.ncolors == 2
    np.testing.assert_allclose(ad.jacobian(dense_row, both, X, prep=prep).toarray(),
                               ad.jacobian(dense_row, FD, X), atol=1e-7)


def test_contexts_and_in_place_functions() -> None:
    def f(y: Any, x: Any, a: Any, scratch: Any) -> None:
        scratch[...] = a * x
        y[:] = scratch[::-1] * x

    args = (ad.Constant(np.arange(12.0)), ad.Cache(np.zeros(12)))
    dense = ad.jacobian(f, FD, X, *args, y=np.zeros(12))
    for name in ("finitediff", "reverse", "mixed"):
        J = ad.jacobian(f, SPARSE[name], X, *args, y=np.zeros(12))
        np.testing.assert_allclose(J.toarray(), dense, atol=1e-6)


def test_scalar_output_and_empty_patterns() -> None:
    for name in ("finitediff", "reverse", "mixed"):
        J = ad.jacobian(lambda x: ad.array_namespace(x).sum(x**2), SPARSE[name], X)
        np.testing.assert_allclose(J.toarray(), [2 * X], rtol=1e-6)
        Z = ad.jacobian(lambda x: np.ones(3), SPARSE[name], X)
        assert Z.shape == (3, 12) and Z.nnz == 0
    H = ad.hessian(lambda x: ad.array_namespace(x).sum(3 * x), SPARSE["finitediff"], X)
    assert H.shape == (12, 12) and H.nnz == 0


EMPTY = {**SPARSE,
         "dense-detector": ad.AutoSparse(FD, sparsity_detector=ad.DenseSparsityDetector(FD)),
         "known": ad.AutoSparse(FD, sparsity_detector=ad.KnownJacobianSparsity(np.zeros((0, 0)))),
         "known-hessian": ad.AutoSparse(FD, sparsity_detector=ad.KnownHessianSparsity(np.zeros((0, 0))))}


@pytest.mark.parametrize("name", [n for n in EMPTY if n != "known-hessian"])
def test_jacobians_of_an_empty_x(name: str) -> None:
    # issue 16: an x with no elements gives empty results, not an IndexError from the tracer
    backend, x = EMPTY[name], np.zeros(0)

    def double(x: Any) -> Any:
        return 2 * x

    def in_place(y: Any, x: Any) -> None:
        y[...] = 2 * x

    prep = ad.prepare_jacobian(double, backend, x)
    assert prep.ncolors == 0
    for J in (ad.jacobian(double, backend, x), ad.jacobian(double, backend, x, prep=prep),
              ad.value_and_jacobian(double, backend, x, prep=prep)[1],
              ad.jacobian(in_place, backend, x, y=np.zeros(0)),
              ad.jacobian(double, backend, x, prep=prep, out=np.zeros((0, 0)))):
        assert J.shape == (0, 0)
    assert ad.value_and_jacobian(double, backend, x)[0].shape == (0,)
    if name != "known":
        J = ad.jacobian(lambda x: ad.array_namespace(x).sum(x**2), backend, x)
        assert isinstance(J, sp.csr_array) and J.shape == (1, 0)


@pytest.mark.parametrize("name", [n for n in EMPTY if n != "known"])
def test_hessians_of_an_empty_x(name: str) -> None:
    backend, x = EMPTY[name], np.zeros(0)
    prep = ad.prepare_hessian(chain, backend, x)
    assert prep.ncolors == 0
    for H in (ad.hessian(chain, backend, x), ad.hessian(chain, backend, x, prep=prep)):
        assert isinstance(H, sp.csr_array) and H.shape == (0, 0)
    value, grad, H = ad.value_gradient_and_hessian(chain, backend, x, prep=prep)
    assert value == 0 and grad.shape == (0,) and H.shape == (0, 0)


def test_float32_in_float32_out() -> None:
    x = X.astype(np.float32)
    assert ad.jacobian(banded, SPARSE["finitediff"], x).dtype == np.float32
    assert ad.hessian(chain, SPARSE["finitediff"], x).dtype == np.float32


def test_other_operators_are_the_dense_backends() -> None:
    backend, t = SPARSE["finitediff"], np.ones(12)
    np.testing.assert_allclose(ad.gradient(chain, backend, X), ad.gradient(chain, FD, X))
    np.testing.assert_allclose(ad.pushforward(banded, backend, X, (t,))[0],
                               ad.pushforward(banded, FD, X, (t,))[0])
    np.testing.assert_allclose(ad.pullback(banded, SPARSE["reverse"], X, (t,))[0],
                               ad.pullback(banded, REVERSE, X, (t,))[0])
    np.testing.assert_allclose(ad.hvp(chain, backend, X, (t,))[0], ad.hvp(chain, FD, X, (t,))[0])
    assert ad.derivative(np.sin, backend, 1.0) == ad.derivative(np.sin, FD, 1.0)
    assert ad.second_derivative(np.sin, backend, 1.0) == ad.second_derivative(np.sin, FD, 1.0)


def test_backends_are_values() -> None:
    assert SPARSE["finitediff"] == ad.AutoSparse(ad.AutoFiniteDiff())
    assert hash(SPARSE["finitediff"]) == hash(ad.AutoSparse(ad.AutoFiniteDiff()))
    assert repr(SPARSE["finitediff"]) == "AutoSparse(AutoFiniteDiff())"
    assert repr(SPARSE["substitution"]) == (
        "AutoSparse(AutoFiniteDiff(), coloring_algorithm=GreedyColoringAlgorithm("
        "decompression='substitution'))"
    )
    assert SPARSE["finitediff"].modes == FD.modes and SPARSE["finitediff"].inplace
    assert ad.check_available(SPARSE["mixed"]) and ad.check_inplace(SPARSE["mixed"])


def test_misuse_is_explained() -> None:
    with pytest.raises(TypeError, match="`dense` must be an adcore backend"):
        ad.AutoSparse("finitediff")
    with pytest.raises(TypeError, match="once"):
        ad.AutoSparse(ad.AutoSparse(FD))
    with pytest.raises(TypeError, match="sparsity_detector"):
        ad.AutoSparse(FD, sparsity_detector=np.eye(3))
    with pytest.raises(TypeError, match="coloring_algorithm"):
        ad.AutoSparse(FD, coloring_algorithm="greedy")
    with pytest.raises(ValueError, match="pullback from `reverse`"):
        ad.MixedMode(FD, FD)
    with pytest.raises(ad.sparse.TracingError, match="DenseSparsityDetector"):
        ad.jacobian(lambda x: x if x[0] > 0 else -x, SPARSE["finitediff"], X)


def test_import_adcore_imports_neither_scipy_nor_the_sparse_package() -> None:
    code = (
        "import sys, adcore\n"
        "assert 'scipy' not in sys.modules and 'adcore.sparse' not in sys.modules\n"
        "adcore.AutoSparse(adcore.AutoFiniteDiff())\n"
        "assert 'adcore.sparse' in sys.modules and 'scipy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
