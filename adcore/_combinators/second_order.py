"""SecondOrder: one backend for the outer level of differentiation, another for the inner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from .._core.backend import AbstractBackend
from .bridge import Bridge
from .wrapper import AbstractWrapper

__all__ = ["SecondOrder"]

_FIRST_ORDER = ("pushforward", "pullback", "derivative", "gradient", "jacobian")


@dataclass(frozen=True)
class SecondOrder(AbstractWrapper):
    """SecondOrder(outer, inner): second-order operators differentiate ``inner``'s
    first-order result with ``outer`` (``hvp`` is ``outer``'s pushforward of
    ``inner``'s gradient, forward over reverse). First-order operators use ``inner``.

    Where ``outer`` traces with an engine that ``inner`` cannot take (``SecondOrder(AutoJAX(),
    AutoTorch())``), ``inner``'s gradient reaches the outer engine as a function whose
    Jacobian is ``inner``'s Hessian, the mechanism of ``adcore.DifferentiateWith``: every
    number comes from ``inner``, and the outer engine composes them (see
    docs/mixing-engines.md). Its plugin must implement ``adcore_differentiate_with``.

    >>> import numpy as np, adcore as ad
    >>> b = ad.SecondOrder(ad.AutoFiniteDiff(), ad.AutoFiniteDiff(method="central"))
    >>> H = ad.hessian(lambda x: (x ** 2).sum(), b, np.ones(2))
    >>> np.allclose(H, [[2, 0], [0, 2]], atol=1e-4)
    True
    """

    outer: AbstractBackend
    inner: AbstractBackend
    #: The inner level that the outer engine differentiates, where the engines differ.
    bridge: AbstractBackend | None = field(default=None, init=False, repr=False, compare=False)

    name: ClassVar[str] = "secondorder"
    modes: ClassVar[frozenset[str]] = frozenset({"forward", "reverse"})
    batched_tangents: ClassVar[bool] = True
    routes: ClassVar[dict[str, str]] = {
        "outer": "outer", "inner": "inner", **dict.fromkeys(_FIRST_ORDER, "inner"),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        traced = engines(self.outer) - {_CORE}
        if traced and not engines(self.inner) <= traced:
            object.__setattr__(self, "bridge", Bridge(self.inner, self.outer))

    def route(self, operator: str) -> AbstractBackend:
        if operator == "inner" and self.bridge is not None:
            return self.bridge
        return super().route(operator)

    def derived(self) -> dict[str, Any]:
        # In-place functions reach first-order operators only: the inner backend's.
        # At a complex x: first order is the inner backend's; hvp differentiates its gradient
        # with the outer one's pushforward or pullback.
        first = self.inner.complex_operators - {"hvp"}
        hvp = "gradient" in first and bool({"pushforward", "pullback"} & self.outer.complex_operators)
        return {**super().derived(), "inplace": bool(self.inner.inplace),
                "complex_operators": first | ({"hvp"} if hvp else set())}


#: The distribution of the core's own backends (finite differences, the wrappers), which
#: evaluate a function at plain arrays and so nest over any engine.
_CORE = "adcore"


def engines(backend: AbstractBackend) -> frozenset[str]:
    """The distributions of the engines behind ``backend`` (``{"adcore-jax"}``), through
    the backends it wraps; a backend that declares none is the core's."""
    if isinstance(backend, AbstractWrapper):
        return frozenset().union(*map(engines, backend.wrapped()))
    return frozenset({backend.distribution})
