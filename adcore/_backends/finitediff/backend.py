"""The ``AutoFiniteDiff`` backend object: its options, their validation, and preparation.

Every ``prepare_*`` builds an ``Evaluator`` (the private working copy of ``x`` and
the calls of ``f``) and hands it to the executor of that operator.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any, ClassVar, final

from ..._core.backend import AbstractBackend
from ..._core.contexts import Context
from ..._operators.executors import (
    AbstractDerivative,
    AbstractGradient,
    AbstractHessian,
    AbstractHVP,
    AbstractJacobian,
    AbstractPushforward,
    AbstractSecondDerivative,
)
from ...errors import ArgumentError, ArgumentTypeError
from .evaluate import Evaluator
from .first_order import Derivative, Gradient, Jacobian, Pushforward
from .second_order import HVP, Hessian, SecondDerivative
from .steps import METHODS, accuracy

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["AutoFiniteDiff"]

Contexts = tuple[Context[Any], ...]


@final
@dataclass(frozen=True, repr=False)
class AutoFiniteDiff(AbstractBackend):
    """AutoFiniteDiff(method="central", step=None, executor=None, chunksize=None): finite differences.

    Args:
        method: ``"forward"`` or ``"backward"`` (error O(h), ``n + 1`` calls of ``f``
            per gradient), ``"central"`` (O(h**2), ``2n + 1`` calls), or ``"complex"``
            (the complex step: ``f`` is called at ``x + i*h`` and must be complex
            analytic; nearly exact first derivatives for ``n + 1`` calls).
        step: the relative step ``h``, the perturbation of ``x[i]`` being
            ``h * max(1, |x[i]|)``; ``None`` picks the step that balances truncation
            against rounding for the method, the dtype and the derivative's order
            (with eps of x's dtype: sqrt(eps) one-sided and cbrt(eps) central for first
            derivatives, ``eps**(1/3)`` and ``eps**(1/4)`` for second ones; 1e-20 in double and
            1e-10 in single precision for the imaginary step). A given step serves every
            operator; for ``"complex"`` it is the imaginary step. ``"adaptive"`` (with
            ``method="central"``): a ladder of steps per component, Richardson
            extrapolation and the estimate with the least error estimate, at about 15 to
            35 calls of ``f`` per component (see the docs' "Finite differences").
        executor: a ``concurrent.futures.Executor`` (``ThreadPoolExecutor``,
            ``ProcessPoolExecutor``, a Dask cluster's ``client.get_executor()``); when
            given, ``f(x)`` is evaluated here and timed, and the perturbed points in
            chunks, one task per worker, in parallel (``f`` must then be thread-safe, or
            picklable for processes and clusters). Where the whole work is too little to
            share (under 1 ms a task on threads, 5 ms on processes, 25 ms on Dask), the
            points are evaluated here, serially. See the docs' "Scaling out".
        chunksize: the number of points per task on the executor; ``None`` chooses it from
            the number of workers and the time ``f(x)`` took.

    >>> import numpy as np, adcore as ad
    >>> ad.derivative(lambda x: x**3, ad.AutoFiniteDiff(method="complex"), 2.0)
    12.0
    >>> ad.gradient(lambda x: (x**2).sum(), ad.AutoFiniteDiff(), np.array([1.0, 2.0])).round(6)
    array([2., 4.])
    """

    method: str = "central"
    step: float | str | None = None
    executor: Executor | None = None
    chunksize: int | None = None

    name: ClassVar[str] = "finitediff"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    native: ClassVar[frozenset[str]] = frozenset(
        {"derivative", "gradient", "jacobian", "second_derivative", "hvp", "hessian"}
    )
    inplace: ClassVar[bool] = True
    contexts: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    nested: ClassVar[bool] = True  # finite differences of its own results: less accurate, right
    thread_safe: ClassVar[bool] = True  # numpy, and state only in each prep
    array_families: ClassVar[frozenset[str]] = frozenset({"numpy"})

    @property  # type: ignore[override]  # a capability that depends on the method
    def complex_operators(self) -> frozenset[str]:
        """At a complex x: gradient, pushforward and pullback (the real and imaginary parts
        perturbed in turn); nothing with the complex step, whose step would mix with them."""
        return frozenset() if self.method == "complex" else frozenset({"gradient", "pushforward", "pullback"})

    def __post_init__(self) -> None:
        if not isinstance(self.method, str) or self.method not in METHODS:
            raise ArgumentError(
                f"AutoFiniteDiff(method={self.method!r}): method must be one of "
                f"{', '.join(map(repr, METHODS))}."
            )
        step = self.step
        if step == "adaptive":
            if self.method != "central":
                raise ArgumentError(
                    f"AutoFiniteDiff(method={self.method!r}, step='adaptive'): the adaptive step "
                    "extrapolates central differences; leave method at 'central' (the default)."
                )
        elif step is not None:
            if isinstance(step, bool) or not isinstance(step, Real):
                raise ArgumentTypeError(
                    f"AutoFiniteDiff(step={step!r}): step must be a positive float (a relative "
                    "step such as 1e-6), None for a step chosen per method and dtype, or "
                    "'adaptive' for a step chosen per component."
                )
            if not (math.isfinite(step) and step > 0):
                raise ArgumentError(
                    f"AutoFiniteDiff(step={step!r}): step must be positive and finite; "
                    "pass None for a step chosen per method and dtype."
                )
            object.__setattr__(self, "step", float(step))
        # concurrent.futures is imported only by whoever passes an executor.
        from concurrent.futures import Executor

        if self.executor is not None and not isinstance(self.executor, Executor):
            raise ArgumentTypeError(
                f"AutoFiniteDiff(executor={self.executor!r}): executor must be a "
                "concurrent.futures.Executor, e.g. ThreadPoolExecutor() (or "
                "ProcessPoolExecutor() for a picklable f), or None to evaluate f serially."
            )
        chunksize = self.chunksize
        if chunksize is not None:
            if isinstance(chunksize, bool) or not isinstance(chunksize, int):
                raise ArgumentTypeError(
                    f"AutoFiniteDiff(chunksize={chunksize!r}): chunksize must be an int (points "
                    "per task on the executor), or None to choose it from the number of "
                    "workers and the cost of f."
                )
            if chunksize < 1:
                raise ArgumentError(f"AutoFiniteDiff(chunksize={chunksize!r}): chunksize must be at least 1.")

    def accuracy(self, eps: float, order: int) -> float:
        """``h**p + eps / h**order``: the truncation error of the method's stencil (``p`` is 1
        one-sided, 2 central) plus rounding divided by the step, at the step used for
        derivatives of ``order``. The complex step's first derivatives are exact to
        rounding, and its second ones central differences of them; the adaptive step's
        first and second derivatives carry their error estimates, and its Hessians the
        central stencil's error."""
        if self.step == "adaptive":
            return 0.0 if order == 1 else accuracy("central", None, eps, 2)
        return accuracy(self.method, self.step, eps, order)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        args = [] if self.method == "central" else [f"method={self.method!r}"]
        if self.step is not None:
            args.append(f"step={self.step!r}")
        if self.executor is not None:
            args.append(f"executor={self.executor!r}")
        if self.chunksize is not None:
            args.append(f"chunksize={self.chunksize!r}")
        return f"AutoFiniteDiff({', '.join(args)})"

    def prepare_pushforward(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts,
        *, y: Any = None, same_point: bool = False,
    ) -> AbstractPushforward:
        # Nothing worth caching depends on x alone: the steps depend on the tangents too.
        return Pushforward(Evaluator(self, f, x, contexts, y, "pushforward"))

    def prepare_derivative(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractDerivative:
        return Derivative(Evaluator(self, f, x, contexts, y, "derivative", scalar_x=True))

    def prepare_gradient(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractGradient:
        return Gradient(Evaluator(self, f, x, contexts, None, "gradient"))

    def prepare_jacobian(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractJacobian:
        return Jacobian(Evaluator(self, f, x, contexts, y, "jacobian"))

    def prepare_second_derivative(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractSecondDerivative:
        return SecondDerivative(
            Evaluator(self, f, x, contexts, None, "second_derivative", scalar_x=True)
        )

    def prepare_hvp(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts,
        *, same_point: bool = False,
    ) -> AbstractHVP:
        return HVP(Evaluator(self, f, x, contexts, None, "hvp"))

    def prepare_hessian(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractHessian:
        return Hessian(Evaluator(self, f, x, contexts, None, "hessian"))
