"""SecondOrder: one backend for the outer level of differentiation, another for the inner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .._core.backend import AbstractBackend
from ..errors import NotSupportedError
from .wrapper import AbstractWrapper

__all__ = ["SecondOrder"]

_FIRST_ORDER = ("pushforward", "pullback", "derivative", "gradient", "jacobian")


@dataclass(frozen=True)
class SecondOrder(AbstractWrapper):
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
    batched_tangents: ClassVar[bool] = True
    routes: ClassVar[dict[str, str]] = {
        "outer": "outer", "inner": "inner", **dict.fromkeys(_FIRST_ORDER, "inner"),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        traced = engines(self.outer) - {_CORE}
        if traced and not engines(self.inner) <= traced:
            raise NotSupportedError(
                f"SecondOrder({self.outer!r}, {self.inner!r}): the outer backend "
                f"({', '.join(sorted(traced))}) differentiates by tracing the inner one with its "
                f"engine's values, which the inner backend ({', '.join(sorted(engines(self.inner)))}) "
                "cannot take: these two engines do not nest. Use one engine at both levels, or "
                f"finite differences outside: SecondOrder(AutoFiniteDiff(), {self.inner!r})."
            )

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
