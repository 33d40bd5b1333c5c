"""How the suite calls each operator: its variants, inputs in an array family, out= buffers.

Every variant's outcome is normalized to ``(value, res1, res2)`` (``None`` where
the variant does not return it), matching ``Scenario.res1``/``res2``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import adcore as ad
from adcore._registry.convert import from_numpy
from adcore._registry.convert import to_numpy as _to_numpy

from ..errors import ArgumentError
from ._layouts import build, layout_of
from ._scenario import Scenario
from ._trees import first_leaf, is_tree, tree_map, walks

__all__ = ["SPECS", "Inputs", "OperatorSpec", "inputs_for", "to_family", "to_numpy"]

Outcome = tuple[Any, Any, Any]


@dataclass(frozen=True)
class OperatorSpec:
    """The public functions of one operator family and the shape of their results."""

    name: str
    plain: Callable[..., Any]
    with_value: Callable[..., Any]
    prepare: Callable[..., Any]
    prepare_same_point: Callable[..., Any] | None
    #: Which of (res1, res2) the plain operator returns.
    plain_result: int
    #: Whether `with_value` returns f(x) first (not `gradient_and_hvp`).
    returns_value: bool
    second_order: bool

    def call(self, variant: str, s: Inputs, backend: Any, prep: Any = None, out: Any = None) -> Outcome:
        """Run one variant, ``"plain"`` or ``"value"``, and normalize its outcome."""
        args = (s.x, *((s.tangents,) if s.tangents is not None else ()), *s.contexts)
        kwargs: dict[str, Any] = {"prep": prep, "out": out}
        if s.y is not None:
            kwargs["y"] = s.y
        if variant == "plain":
            result = self.plain(s.f, backend, *args, **kwargs)
            return (None, result, None) if self.plain_result == 1 else (None, None, result)
        result = self.with_value(s.f, backend, *args, **kwargs)
        if not self.returns_value:  # gradient_and_hvp -> (grad, tg)
            return (None, *result)
        if len(result) == 3:
            return result
        return (result[0], result[1], None)

    def out_buffers(self, variant: str, reference: Outcome, like: Any) -> Any:
        """Fresh buffers for ``out=``, shaped like the reference results, in ``like``'s family."""
        res1, res2 = reference[1], reference[2]
        if variant == "plain":
            return _buffers(res1 if self.plain_result == 1 else res2, like)
        if self.second_order:
            return (_buffers(res1, like), _buffers(res2, like))
        return _buffers(res1, like)

    def prepare_for(self, s: Inputs, backend: Any, *, same_point: bool = False, strict: bool = True) -> Any:
        prepare = self.prepare_same_point if same_point else self.prepare
        if prepare is None:
            raise ArgumentError(f"{self.name} has no same-point preparation")
        args = (s.x, *((s.tangents,) if s.tangents is not None else ()), *s.contexts)
        kwargs: dict[str, Any] = {"strict": strict}
        if s.y is not None:
            kwargs["y"] = s.y
        return prepare(s.f, backend, *args, **kwargs)


def _spec(name: str, with_value: str, *, plain_result: int = 1, tangents: bool = False,
          returns_value: bool = True, second_order: bool = False) -> OperatorSpec:
    return OperatorSpec(
        name=name,
        plain=getattr(ad, name),
        with_value=getattr(ad, with_value),
        prepare=getattr(ad, f"prepare_{name}"),
        prepare_same_point=getattr(ad, f"prepare_{name}_same_point") if tangents else None,
        plain_result=plain_result,
        returns_value=returns_value,
        second_order=second_order,
    )


SPECS: dict[str, OperatorSpec] = {
    spec.name: spec
    for spec in (
        _spec("derivative", "value_and_derivative"),
        _spec("gradient", "value_and_gradient"),
        _spec("jacobian", "value_and_jacobian"),
        _spec("pushforward", "value_and_pushforward", tangents=True),
        _spec("pullback", "value_and_pullback", tangents=True),
        _spec("second_derivative", "value_derivative_and_second_derivative", plain_result=2,
              second_order=True),
        _spec("hessian", "value_gradient_and_hessian", plain_result=2, second_order=True),
        _spec("hvp", "gradient_and_hvp", plain_result=2, tangents=True, returns_value=False,
              second_order=True),
    )
}


# --- inputs in an array family


@dataclass(frozen=True)
class Inputs:
    """A scenario's inputs converted to one array family, fresh for one call."""

    f: Callable[..., Any]
    x: Any
    tangents: tuple[Any, ...] | None
    contexts: tuple[Any, ...]
    y: Any


def inputs_for(scenario: Scenario, family: str, *, x: Any = None) -> Inputs:
    """Fresh copies of the scenario's inputs in ``family`` (at ``x`` if given); ``x`` and
    the tangents like it in the layout that a ``"layout:<name>"`` tag names."""
    conv = lambda v: to_family(v, family)
    x = scenario.x if x is None else x
    layout = layout_of(scenario.tags)
    like_x = conv
    if layout is not None and isinstance(x, np.ndarray):
        xp = ad.array_namespace(conv(np.zeros((1,), dtype=x.dtype)))
        like_x = lambda v: build(layout, v, conv, xp) if np.shape(v) == np.shape(x) else conv(v)
    contexts = tuple(type(c)(conv(c.value)) for c in scenario.contexts)
    tangents = None if scenario.tangents is None else tuple(map(like_x, scenario.tangents))
    y = None if scenario.y is None else conv(scenario.y)
    return Inputs(scenario.f, like_x(x), tangents, contexts, y)


def to_family(value: Any, family: str) -> Any:
    """A copy of the numpy array ``value`` in ``family``; Python scalars stay as they are."""
    if walks(value):  # a pytree: leaf by leaf
        return tree_map(lambda v: to_family(v, family), value)
    if not isinstance(value, np.ndarray):
        return value
    return from_numpy(value, family)


def to_numpy(value: Any) -> Any:
    """``value`` (an array of any family, a scalar, or a tuple of them) as numpy."""
    if is_tree(value):
        return tree_map(to_numpy, value)
    if isinstance(value, tuple):
        return tuple(map(to_numpy, value))
    if value is None or isinstance(value, (float, int)):
        return value
    return _to_numpy(value)


def _buffers(reference: Any, like: Any) -> Any:
    if walks(like):  # a pytree x: its leaves have one family and dtype
        like = first_leaf(like)
    if is_tree(reference):
        return tree_map(lambda r: _buffers(r, like), reference)
    if isinstance(reference, tuple):
        return tuple(_buffers(r, like) for r in reference)
    # NaN, not np.empty: freed memory may hold the very result, and hide an unfilled buffer.
    if isinstance(like, np.ndarray) or not hasattr(like, "shape"):
        return np.full(np.shape(reference), np.nan, dtype=_dtype(reference, like))
    xp = ad.array_namespace(like)
    return xp.full(np.shape(reference), float("nan"), dtype=like.dtype)


def _dtype(reference: Any, like: Any) -> Any:
    return getattr(like, "dtype", None) or np.asarray(reference).dtype

