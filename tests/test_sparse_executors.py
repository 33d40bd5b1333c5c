"""AutoSparse's prepared Jacobian: one gathered call of the dense backend's executor per
Jacobian, its values wrapped in a csr_array; a pattern that does not fit f is refused
when prepared. A prepared Hessian: one batch of hvps, work linear in n."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

import adcore as ad  # noqa: E402
from adcore.extend import AbstractBackend, AbstractHVP, AbstractPullback, AbstractPushforward  # noqa: E402

A = np.diag(np.arange(1.0, 7.0)) + np.diag(np.ones(5), 1)  # bidiagonal: 2 colors either way


class Linear(AbstractPushforward, AbstractPullback):
    """``f(x) = A @ x``, counting the calls of its gathered forms and of what they run."""

    fused_gather = True  # declared with the gathered forms it overrides

    def __init__(self) -> None:
        self.built: list[bool] = []
        self.runs = 0

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        return A @ x, tuple(A @ t for t in tx)

    def value_and_pullback(self, x: Any, ty: Any, contexts: Any, y: Any = None) -> Any:
        return A @ x, tuple(t @ A for t in ty)

    def _count(self, run: Callable[..., Any], with_value: bool) -> Callable[..., Any]:
        self.built.append(with_value)

        def counted(*args: Any) -> Any:
            self.runs += 1
            return run(*args)

        return counted

    def gathered_pushforward(self, dx: Any, index: Any, with_value: bool = False) -> Callable[..., Any]:
        return self._count(super().gathered_pushforward(dx, index, with_value), with_value)

    def gathered_pullback(self, dy: Any, index: Any, with_value: bool = False) -> Callable[..., Any]:
        return self._count(super().gathered_pullback(dy, index, with_value), with_value)


@dataclass(frozen=True)
class AutoLinear(AbstractBackend):
    """A backend for ``f(x) = A @ x`` whose executors are kept, to be inspected."""

    mode: str | None = None
    kept: list[Linear] | None = None

    name: ClassVar[str] = "linear"
    modes: ClassVar[frozenset[str]] = frozenset({"forward", "reverse"})
    batched_tangents: ClassVar[bool] = True

    def _executor(self) -> Linear:
        executor = Linear()
        if self.kept is not None:
            self.kept.append(executor)
        return executor

    def prepare_pushforward(self, f: Any, x: Any, tx: Any, contexts: Any, *, y: Any = None,
                            same_point: bool = False) -> Linear:
        return self._executor()

    def prepare_pullback(self, f: Any, x: Any, ty: Any, contexts: Any, *, y: Any = None,
                         same_point: bool = False) -> Linear:
        return self._executor()


def f(x: Any) -> Any:
    return A @ x


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_a_prepared_jacobian_is_one_gathered_call(mode: str) -> None:
    kept: list[Linear] = []
    backend = ad.AutoSparse(AutoLinear(mode, kept), sparsity_detector=ad.KnownJacobianSparsity(A != 0))
    x = np.ones(6)
    prep = ad.prepare_jacobian(f, backend, x)
    (executor,) = kept
    assert prep.ncolors == 2 and executor.built == [False]
    J = ad.jacobian(f, backend, x, prep=prep)
    value, J2 = ad.value_and_jacobian(f, backend, x, prep=prep)
    assert executor.runs == 2 and executor.built == [False, True]
    for got in (J, J2):
        assert isinstance(got, sp.csr_array)
        np.testing.assert_array_equal(got.toarray(), A)
    np.testing.assert_array_equal(value, A @ x)
    J.data[:] = 0  # each result owns its arrays
    np.testing.assert_array_equal(ad.jacobian(f, backend, x, prep=prep).toarray(), A)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_a_pattern_that_does_not_fit_f_is_refused_when_prepared(mode: str) -> None:
    # Five rows for six outputs: a gather at the pattern's positions would read wrong values.
    known = ad.KnownJacobianSparsity(np.eye(5, 6))
    with pytest.raises(ValueError, match="maps 6 inputs to 6 outputs.*does not fit f"):
        ad.prepare_jacobian(f, ad.AutoSparse(AutoLinear(mode), sparsity_detector=known), np.ones(6))


def test_the_dense_fallback_jacobian_uses_a_gathered_form_where_the_backend_has_one() -> None:
    # No AutoSparse: the core's Jacobian from pushforwards reads the stacked columns as J
    # through the backend's own gathered form, in one call, where its executor declares one.
    kept: list[Linear] = []
    backend, x = AutoLinear("forward", kept), np.linspace(-1.0, 1.0, 6)
    prep = ad.prepare_jacobian(f, backend, x)
    (executor,) = kept
    assert executor.built == [False, True]
    np.testing.assert_array_equal(ad.jacobian(f, backend, x, prep=prep), A)
    value, J = ad.value_and_jacobian(f, backend, x, prep=prep)
    np.testing.assert_array_equal(J, A)
    np.testing.assert_array_equal(value, A @ x)
    assert executor.runs == 2


# --- the prepared Hessian: work linear in n


def ring(x: Any) -> Any:
    """``sum(x[i] x[i+1]) + sum(x**2)``: a tridiagonal Hessian, 2 on the diagonal, 1 beside it."""
    xp = ad.array_namespace(x)
    return xp.sum(x[1:] * x[:-1]) + xp.sum(x * x)


def ring_hvp(t: np.ndarray) -> np.ndarray:
    out = 2 * t
    out[1:] += t[:-1]
    out[:-1] += t[1:]
    return out


class RingHVP(AbstractHVP):
    """The exact hvp of ``ring``, recording the size of every batch of tangents it gets."""

    def __init__(self, batches: list[tuple[int, ...]]) -> None:
        self.batches = batches

    def gradient_and_hvp(self, x: Any, tx: Any, contexts: Any) -> Any:
        self.batches.append((len(tx), *np.shape(tx[0])))
        return ring_hvp(x), tuple(ring_hvp(t) for t in tx)


@dataclass(frozen=True)
class AutoRing(AbstractBackend):
    batches: list[tuple[int, ...]] = field(default_factory=list, compare=False)

    name: ClassVar[str] = "ring"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    native: ClassVar[frozenset[str]] = frozenset({"hvp"})

    def prepare_hvp(self, f: Any, x: Any, tx: Any, contexts: Any, *, same_point: bool = False) -> Any:
        return RingHVP(self.batches)


@pytest.mark.parametrize("n", [100, 4000])
def test_a_prepared_hessian_is_one_batch_of_ncolors_hvps_whatever_n(n: int) -> None:
    # issue 16: the sparse Hessian's own work (seeds, hvps asked for, decompression) is linear
    # in n: one batch of 3 hvps of length n, and no intermediate of n * n entries.
    dense = AutoRing()
    backend, x = ad.AutoSparse(dense), np.linspace(0.5, 1.5, n)
    prep = ad.prepare_hessian(ring, backend, x)
    assert prep.ncolors == 3 and prep.sparsity_pattern.nnz == 3 * n - 2
    ad.hessian(ring, backend, x, prep=prep)  # the first call builds the result's template
    dense.batches.clear()
    tracemalloc.start()
    H = ad.hessian(ring, backend, x, prep=prep)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert dense.batches == [(3, n)]
    assert peak < 150 * n + 50_000, f"{peak} bytes for n = {n}"  # a dense (n, n) takes 8 n**2
    assert H.nnz == 3 * n - 2 and H[0, 0] == 2 and H[0, 1] == 1 and H[n - 1, n - 2] == 1


def test_a_finite_difference_hessian_calls_f_a_number_of_times_linear_in_n() -> None:
    # Finite differences see only values of f, and a tridiagonal Hessian has n unknown
    # diagonal entries: no finite-difference scheme does with fewer than n calls of f. The
    # hvps along the 3 seeds are central differences of central-difference gradients (4n
    # calls each), and the gradient, where asked for, 2n more: linear in n, never n**2.
    for n in (50, 200):
        calls = 0

        def counted(x: Any) -> Any:
            nonlocal calls
            calls += 1
            return ring(x)

        backend, x = ad.AutoSparse(ad.AutoFiniteDiff()), np.linspace(0.5, 1.5, n)
        prep = ad.prepare_hessian(counted, backend, x)
        calls = 0
        ad.value_gradient_and_hessian(counted, backend, x, prep=prep)
        assert calls <= (4 * prep.ncolors + 2) * n + 3, (n, calls)
        calls = 0
        ad.hessian(counted, backend, x, prep=prep)  # the hvps alone: no gradient
        assert calls <= 4 * prep.ncolors * n + 1, (n, calls)
