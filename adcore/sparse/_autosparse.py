"""``AutoSparse`` and ``MixedMode``: sparse Jacobians and Hessians over any dense backend.

Preparation detects the pattern, colors it, and prepares the dense backend's
pushforward, pullback or hvp for the whole batch of compressed seeds (one seed
per color); a prepared call is that one batched engine call and one gather.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, final

from .._combinators.wrapper import AbstractWrapper
from .._core.backend import AbstractBackend
from .._core.contexts import Context
from ..errors import ArgumentError, ArgumentTypeError
from ._coloring import GreedyColoringAlgorithm
from ._decompression import Plan
from ._detectors import AbstractSparsityDetector, TracerSparsityDetector
from ._executors import SparseHessian, SparseJacobian

__all__ = ["AutoSparse", "MixedMode"]

Contexts = tuple[Context[Any], ...]


@final
@dataclass(frozen=True)
class MixedMode(AbstractWrapper):
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
    routes: ClassVar[dict[str, str]] = {"pushforward": "forward", "pullback": "reverse"}

    def __post_init__(self) -> None:
        super().__post_init__()
        if "forward" not in self.forward.modes or "reverse" not in self.reverse.modes:
            raise ArgumentError(
                f"MixedMode(forward, reverse) needs a pushforward from `forward` and a pullback from "
                f"`reverse`; {self.forward!r} has modes {sorted(self.forward.modes)} and "
                f"{self.reverse!r} has {sorted(self.reverse.modes)}."
            )


@final
@dataclass(frozen=True)
class AutoSparse(AbstractWrapper):
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
    native: ClassVar[frozenset[str]] = frozenset({"jacobian", "hessian"})
    batched_tangents: ClassVar[bool] = True
    routes: ClassVar[dict[str, str]] = dict.fromkeys(
        ("pushforward", "pullback", "derivative", "gradient", "second_derivative", "hvp"), "dense"
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.dense, AutoSparse):
            raise ArgumentTypeError("AutoSparse(AutoSparse(...)): wrap a dense backend once.")
        if not isinstance(self.sparsity_detector, AbstractSparsityDetector):
            raise ArgumentTypeError(
                f"AutoSparse: `sparsity_detector` must be a sparsity detector such as "
                f"TracerSparsityDetector(), got {self.sparsity_detector!r}"
            )
        if not isinstance(self.coloring_algorithm, GreedyColoringAlgorithm):
            raise ArgumentTypeError(
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

    def derived(self) -> dict[str, Any]:
        # Every operator but jacobian and hessian is the dense backend's: so are its modes.
        return {**super().derived(), "modes": frozenset(self.dense.modes), "mode": self.dense.mode}

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
