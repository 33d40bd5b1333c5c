"""Scenario: one differentiation case with its reference results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ArgumentError, ArgumentTypeError

__all__ = ["OPERATORS", "Scenario"]

#: The operator families a scenario can test, each named by its base operator.
OPERATORS = (
    "derivative",
    "second_derivative",
    "gradient",
    "jacobian",
    "hessian",
    "pushforward",
    "pullback",
    "hvp",
)

_TANGENT_OPERATORS = ("pushforward", "pullback", "hvp")


@dataclass(frozen=True, eq=False)
class Scenario:
    """Scenario(operator, f, x, *, tangents=None, contexts=(), y=None, res1=None, res2=None,
    name=None, tags=())

    One case for the conformance suite: ``operator`` (a base operator such as
    ``"gradient"``; its ``value_and_*`` and prepared variants are checked too)
    applied to ``f`` at ``x``, with the reference results:

    - ``res1``: the first-order result (``derivative``, ``gradient``,
      ``jacobian``, the tuple of ``pushforward``/``pullback``; the derivative for
      ``second_derivative``, the gradient for ``hessian`` and ``hvp``);
    - ``res2``: the second-order result (``second_derivative``, ``hessian``, the
      tuple of ``hvp``).

    ``tangents`` is the tuple ``tx`` (or ``ty`` for ``pullback``); ``contexts``
    are ``adcore.Constant``/``adcore.Cache`` objects; ``y`` is the output buffer
    of an in-place ``f(y, x, *contexts)``. References are numpy arrays (or
    Python floats); the suite converts inputs to each array family a backend
    declares and compares results after converting them back.
    """

    operator: str
    f: Callable[..., Any]
    x: Any
    tangents: tuple[Any, ...] | None = None
    contexts: tuple[Any, ...] = ()
    y: Any = None
    res1: Any = None
    res2: Any = None
    name: str | None = None
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.operator not in OPERATORS:
            raise ArgumentError(
                f"Scenario: unknown operator {self.operator!r}; use one of {', '.join(OPERATORS)}"
            )
        if (self.tangents is None) == (self.operator in _TANGENT_OPERATORS):
            need = "needs" if self.operator in _TANGENT_OPERATORS else "takes no"
            raise ArgumentError(f"Scenario: {self.operator} {need} tangents")
        if self.tangents is not None and not isinstance(self.tangents, tuple):
            raise ArgumentTypeError("Scenario: `tangents` must be a tuple")

    @property
    def inplace(self) -> bool:
        """Whether ``f`` is in-place, ``f(y, x, *contexts)``."""
        return self.y is not None

    @property
    def id(self) -> str:
        """A short identifier for reports and test ids."""
        return self.name or f"{self.operator}-{getattr(self.f, '__name__', 'f')}"

    def __repr__(self) -> str:
        return f"Scenario({self.id})"
