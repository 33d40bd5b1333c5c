"""Wrappers that hide a backend's native operators, for testing the core's fallbacks.

``ForwardFromPrimitive(b)`` shows only ``b``'s pushforward and
``ReverseFromPrimitive(b)`` only its pullback, so that every other operator goes
through the core's fallbacks, as DifferentiationInterface's
``AutoForwardFromPrimitive`` and ``AutoReverseFromPrimitive`` do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .._core.backend import AbstractBackend
from .wrapper import AbstractWrapper

__all__ = ["ForwardFromPrimitive", "ReverseFromPrimitive"]


@dataclass(frozen=True)
class ForwardFromPrimitive(AbstractWrapper):
    """ForwardFromPrimitive(backend): only ``backend``'s pushforward, everything else derived."""

    backend: AbstractBackend

    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    batched_tangents: ClassVar[bool] = True
    routes: ClassVar[dict[str, str]] = {"pushforward": "backend"}

    def derived(self) -> dict[str, Any]:
        return {**super().derived(), "complex_operators": _from_primitive(self.backend, "pushforward")}


@dataclass(frozen=True)
class ReverseFromPrimitive(AbstractWrapper):
    """ReverseFromPrimitive(backend): only ``backend``'s pullback, everything else derived."""

    backend: AbstractBackend

    modes: ClassVar[frozenset[str]] = frozenset({"reverse"})
    batched_tangents: ClassVar[bool] = True
    routes: ClassVar[dict[str, str]] = {"pullback": "backend"}

    def derived(self) -> dict[str, Any]:
        return {**super().derived(), "complex_operators": _from_primitive(self.backend, "pullback")}


def _from_primitive(backend: AbstractBackend, primitive: str) -> frozenset[str]:
    """At a complex x, the core's fallbacks give every operator of the convention from a
    primitive that follows it."""
    if primitive in backend.complex_operators:
        return frozenset({"gradient", "pushforward", "pullback", "hvp"})
    return frozenset()
