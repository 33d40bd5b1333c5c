"""SecondOrder: one backend for the outer level of differentiation, another for the inner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from .._core.backend import AbstractBackend

__all__ = ["SecondOrder"]


@dataclass(frozen=True)
class SecondOrder(AbstractBackend):
    """SecondOrder(outer, inner): second-order operators differentiate ``inner``'s
    first-order result with ``outer`` (``hvp`` is ``outer``'s pushforward of
    ``inner``'s gradient, forward over reverse). First-order operators use ``inner``.

    >>> import numpy as np, adcore as ad
    >>> b = ad.SecondOrder(ad.AutoFiniteDiff(), ad.AutoFiniteDiff(method="central"))
    >>> H = ad.hessian(lambda x: (x ** 2).sum(), b, np.ones(2))
    >>> np.allclose(H, [[2, 0], [0, 2]], atol=1e-4)
    True
    """

    outer: AbstractBackend
    inner: AbstractBackend

    name: ClassVar[str] = "secondorder"
    modes: ClassVar[frozenset[str]] = frozenset({"forward", "reverse"})
    native: ClassVar[frozenset[str]] = frozenset({"derivative", "gradient", "jacobian"})
    batched_tangents: ClassVar[bool] = True

    def __post_init__(self) -> None:
        for role in ("outer", "inner"):
            if not isinstance(getattr(self, role), AbstractBackend):
                raise TypeError(
                    f"SecondOrder: `{role}` must be an adcore backend, got {getattr(self, role)!r}"
                )

    @property  # type: ignore[override]
    def inplace(self) -> bool:
        return bool(self.inner.inplace)

    @property  # type: ignore[override]
    def contexts(self) -> bool:
        return bool(self.outer.contexts and self.inner.contexts)

    @property  # type: ignore[override]
    def array_families(self) -> frozenset[str]:
        return frozenset(self.outer.array_families) & frozenset(self.inner.array_families)

    def available(self) -> bool:
        return self.outer.available() and self.inner.available()

    def synchronize(self, result: Any) -> Any:
        return self.outer.synchronize(self.inner.synchronize(result))

    # First-order operators are the inner backend's, native or derived.

    def prepare_pushforward(self, f: Callable[..., Any], x: Any, tx: Any, contexts: Any, *,
                            y: Any = None, same_point: bool = False) -> Any:
        from .._operators.pushforward import pushforward_executor

        return pushforward_executor(self.inner, f, x, tx, contexts, y, same_point=same_point)

    def prepare_pullback(self, f: Callable[..., Any], x: Any, ty: Any, contexts: Any, *,
                         y: Any = None, same_point: bool = False) -> Any:
        from .._operators.pullback import pullback_executor

        return pullback_executor(self.inner, f, x, ty, contexts, y, same_point=same_point)

    def prepare_derivative(self, f: Callable[..., Any], x: Any, contexts: Any, *, y: Any = None) -> Any:
        from .._operators.derivative import derivative_executor

        return derivative_executor(self.inner, f, x, contexts, y)

    def prepare_gradient(self, f: Callable[..., Any], x: Any, contexts: Any) -> Any:
        from .._operators.gradient import gradient_executor

        return gradient_executor(self.inner, f, x, contexts)

    def prepare_jacobian(self, f: Callable[..., Any], x: Any, contexts: Any, *, y: Any = None) -> Any:
        from .._operators.jacobian import jacobian_executor

        return jacobian_executor(self.inner, f, x, contexts, y)
