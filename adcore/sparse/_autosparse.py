"""``AutoSparse`` and ``MixedMode``: sparse Jacobians and Hessians over any dense backend.

Preparation detects the pattern, colors it, and prepares the dense backend's
pushforward, pullback or hvp for the whole batch of compressed seeds (one seed
per color); a prepared call is that one batched engine call and one gather.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, final

from .._core.backend import NATIVE_OPERATORS, AbstractBackend
from .._core.contexts import Context
from ._coloring import GreedyColoringAlgorithm
from ._decompression import Plan
from ._detectors import AbstractSparsityDetector, TracerSparsityDetector
from ._executors import SparseHessian, SparseJacobian

__all__ = ["AutoSparse", "MixedMode"]

Contexts = tuple[Context[Any], ...]


def _backend(value: Any, role: str, owner: str) -> None:
    if not isinstance(value, AbstractBackend):
        raise TypeError(f"{owner}: `{role}` must be an adcore backend, got {value!r}")


@final
@dataclass(frozen=True)
class MixedMode(AbstractBackend):
    """MixedMode(forward, reverse): pushforwards from ``forward``, pullbacks from ``reverse``.

    Inside ``AutoSparse`` it asks for a bidirectional coloring: some entries of the
    Jacobian come from compressed pushforwards, the others from compressed pullbacks,
    which beats either alone on patterns with dense rows and dense columns.

    >>> import numpy as np, adcore as ad
    >>> from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
    >>> fd = ad.AutoFiniteDiff()
    >>> b = ad.AutoSparse(ad.MixedMode(ForwardFromPrimitive(fd), ReverseFromPrimitive(fd)))
    >>> def arrow(x):
    ...     return np.concatenate([[np.sum(x * x)], x[1:] * x[0]])
    >>> ad.prepare_jacobian(arrow, b, np.ones(100)).ncolors
    3
    """

    forward: AbstractBackend
    reverse: AbstractBackend

    name: ClassVar[str] = "mixedmode"
    modes: ClassVar[frozenset[str]] = frozenset({"forward", "reverse"})
    batched_tangents: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _backend(self.forward, "forward", "MixedMode")
        _backend(self.reverse, "reverse", "MixedMode")
        if "forward" not in self.forward.modes or "reverse" not in self.reverse.modes:
            raise ValueError(
                f"MixedMode(forward, reverse) needs a pushforward from `forward` and a pullback from "
                f"`reverse`; {self.forward!r} has modes {sorted(self.forward.modes)} and "
                f"{self.reverse!r} has {sorted(self.reverse.modes)}."
            )

    @property  # type: ignore[override]
    def inplace(self) -> bool:
        return bool(self.forward.inplace and self.reverse.inplace)

    @property  # type: ignore[override]
    def contexts(self) -> bool:
        return bool(self.forward.contexts and self.reverse.contexts)

    @property  # type: ignore[override]
    def array_families(self) -> frozenset[str]:
        return frozenset(self.forward.array_families) & frozenset(self.reverse.array_families)

    def available(self) -> bool:
        return self.forward.available() and self.reverse.available()

    def prepare_pushforward(self, f: Callable[..., Any], x: Any, tx: Any, contexts: Contexts, *,
                            y: Any = None, same_point: bool = False) -> Any:
        from .._operators.pushforward import pushforward_executor

        return pushforward_executor(self.forward, f, x, tx, contexts, y, same_point=same_point)

    def prepare_pullback(self, f: Callable[..., Any], x: Any, ty: Any, contexts: Contexts, *,
                         y: Any = None, same_point: bool = False) -> Any:
        from .._operators.pullback import pullback_executor

        return pullback_executor(self.reverse, f, x, ty, contexts, y, same_point=same_point)


@final
@dataclass(frozen=True)
class AutoSparse(AbstractBackend):
    """AutoSparse(dense, sparsity_detector=TracerSparsityDetector(),
    coloring_algorithm=GreedyColoringAlgorithm()): sparse ``jacobian`` and ``hessian``.

    ``jacobian``, ``hessian`` and their variants detect the pattern and color it when
    prepared, then cost one batch of as many pushforwards (forward mode: column
    coloring), pullbacks (reverse mode: row coloring), both (``MixedMode``) or hvps
    (star or acyclic coloring) of ``dense`` as there are colors. For numpy ``x`` they
    return a ``scipy.sparse.csr_array``, for a ``jax.Array`` a ``jax.experimental.sparse.BCOO``;
    for another array family, a dense array of it.
    Every other operator is ``dense``'s. The prep exposes ``sparsity_pattern``,
    ``ncolors``, ``colors`` and ``coloring``.

    With ``dense`` able to do both and no ``mode`` chosen, the Jacobian takes
    whichever of column and row coloring needs fewer colors (columns on a tie).

    >>> import numpy as np, adcore as ad
    >>> def f(x):
    ...     return x[1:] * x[:-1]
    >>> b = ad.AutoSparse(ad.AutoFiniteDiff())
    >>> prep = ad.prepare_jacobian(f, b, np.ones(1000))
    >>> prep.ncolors, prep.sparsity_pattern.nnz
    (2, 1998)
    >>> J = ad.jacobian(f, b, np.arange(1000.0), prep=prep)
    >>> type(J).__name__, J.shape
    ('csr_array', (999, 1000))
    """

    dense: AbstractBackend
    sparsity_detector: AbstractSparsityDetector = field(default_factory=TracerSparsityDetector)
    coloring_algorithm: GreedyColoringAlgorithm = field(default_factory=GreedyColoringAlgorithm)

    name: ClassVar[str] = "sparse"
    native: ClassVar[frozenset[str]] = NATIVE_OPERATORS
    batched_tangents: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _backend(self.dense, "dense", "AutoSparse")
        if isinstance(self.dense, AutoSparse):
            raise TypeError("AutoSparse(AutoSparse(...)): wrap a dense backend once.")
        if not isinstance(self.sparsity_detector, AbstractSparsityDetector):
            raise TypeError(
                f"AutoSparse: `sparsity_detector` must be a sparsity detector such as "
                f"TracerSparsityDetector(), got {self.sparsity_detector!r}"
            )
        if not isinstance(self.coloring_algorithm, GreedyColoringAlgorithm):
            raise TypeError(
                f"AutoSparse: `coloring_algorithm` must be GreedyColoringAlgorithm(...), got "
                f"{self.coloring_algorithm!r}"
            )

    def __repr__(self) -> str:
        args = [repr(self.dense)]
        if self.sparsity_detector != TracerSparsityDetector():
            args.append(f"sparsity_detector={self.sparsity_detector!r}")
        if self.coloring_algorithm != GreedyColoringAlgorithm():
            args.append(f"coloring_algorithm={self.coloring_algorithm!r}")
        return f"AutoSparse({', '.join(args)})"

    @property  # type: ignore[override]
    def modes(self) -> frozenset[str]:
        return frozenset(self.dense.modes)

    @property  # type: ignore[override]
    def mode(self) -> str | None:
        return self.dense.mode

    @property  # type: ignore[override]
    def inplace(self) -> bool:
        return bool(self.dense.inplace)

    @property  # type: ignore[override]
    def contexts(self) -> bool:
        return bool(self.dense.contexts)

    @property  # type: ignore[override]
    def array_families(self) -> frozenset[str]:
        return frozenset(self.dense.array_families)

    def available(self) -> bool:
        return self.dense.available()

    # --- everything but jacobian and hessian is the dense backend's

    def prepare_pushforward(self, f: Callable[..., Any], x: Any, tx: Any, contexts: Contexts, *,
                            y: Any = None, same_point: bool = False) -> Any:
        from .._operators.pushforward import pushforward_executor

        return pushforward_executor(self.dense, f, x, tx, contexts, y, same_point=same_point)

    def prepare_pullback(self, f: Callable[..., Any], x: Any, ty: Any, contexts: Contexts, *,
                         y: Any = None, same_point: bool = False) -> Any:
        from .._operators.pullback import pullback_executor

        return pullback_executor(self.dense, f, x, ty, contexts, y, same_point=same_point)

    def prepare_derivative(self, f: Callable[..., Any], x: Any, contexts: Contexts, *,
                           y: Any = None) -> Any:
        from .._operators.derivative import derivative_executor

        return derivative_executor(self.dense, f, x, contexts, y)

    def prepare_gradient(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> Any:
        from .._operators.gradient import gradient_executor

        return gradient_executor(self.dense, f, x, contexts)

    def prepare_second_derivative(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> Any:
        from .._operators.second_derivative import second_derivative_executor

        return second_derivative_executor(self.dense, f, x, contexts)

    def prepare_hvp(self, f: Callable[..., Any], x: Any, tx: Any, contexts: Contexts, *,
                    same_point: bool = False) -> Any:
        from .._operators.hvp import hvp_executor

        return hvp_executor(self.dense, f, x, tx, contexts, same_point=same_point)

    # --- sparse jacobian and hessian

    def prepare_jacobian(self, f: Callable[..., Any], x: Any, contexts: Contexts, *,
                         y: Any = None) -> SparseJacobian:
        pattern = self.sparsity_detector.jacobian_sparsity(f, x, contexts, y=y)
        algorithm, dense = self.coloring_algorithm, self.dense
        if isinstance(dense, MixedMode):
            coloring = algorithm.color_bidirectional(pattern)
        else:
            forward, reverse = "forward" in dense.modes, "reverse" in dense.modes
            if forward and (not reverse or dense.mode == "forward"):
                coloring = algorithm.color_columns(pattern)
            elif reverse and (not forward or dense.mode == "reverse"):
                coloring = algorithm.color_rows(pattern)
            else:
                by_columns, by_rows = algorithm.color_columns(pattern), algorithm.color_rows(pattern)
                coloring = by_rows if by_rows.ncolors < by_columns.ncolors else by_columns
        return SparseJacobian(dense, f, x, contexts, y, Plan(coloring))

    def prepare_hessian(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> SparseHessian:
        pattern = self.sparsity_detector.hessian_sparsity(f, x, contexts)
        coloring = self.coloring_algorithm.color_symmetric(pattern)
        return SparseHessian(self.dense, f, x, contexts, Plan(coloring))
