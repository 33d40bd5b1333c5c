"""Backends that return zero derivatives at the cost of nothing, to measure the
interface's own overhead: ``AutoZeroForward`` and ``AutoZeroReverse``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._core.backend import AbstractBackend
from .._operators.executors import AbstractPullback, AbstractPushforward, Tangents
from .._registry.namespace import array_namespace

__all__ = ["AutoZeroForward", "AutoZeroReverse"]


def _zeros_like(v: Any) -> Any:
    if type(v) is np.ndarray:
        return np.zeros_like(v)
    if isinstance(v, (float, int)):
        return 0.0
    return array_namespace(v).zeros_like(v)


def _value(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any) -> Any:
    if y is None:
        return f(x, *contexts)
    f(y, x, *contexts)
    return y


class _ZeroPushforward(AbstractPushforward):
    def __init__(self, f: Callable[..., Any], y0: Any) -> None:
        self.f, self.zero = f, y0

    def value_and_pushforward(self, x: Any, tx: Tangents, contexts: tuple[Any, ...],
                              y: Any = None) -> tuple[Any, Tangents]:
        value = _value(self.f, x, contexts, y)
        return value, tuple(_zeros_like(value) for _ in tx)

    def pushforward(self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None) -> Tangents:
        return tuple(_zeros_like(self.zero) for _ in tx)


class _ZeroPullback(AbstractPullback):
    def __init__(self, f: Callable[..., Any]) -> None:
        self.f = f

    def value_and_pullback(self, x: Any, ty: Tangents, contexts: tuple[Any, ...],
                           y: Any = None) -> tuple[Any, Tangents]:
        return _value(self.f, x, contexts, y), tuple(_zeros_like(x) for _ in ty)

    def pullback(self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None) -> Tangents:
        return tuple(_zeros_like(x) for _ in ty)


@dataclass(frozen=True)
class AutoZeroForward(AbstractBackend):
    """AutoZeroForward(): a pushforward that returns zeros, for measuring overhead."""

    name: ClassVar[str] = "zeroforward"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    inplace: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    thread_safe: ClassVar[bool] = True

    def prepare_pushforward(self, f: Callable[..., Any], x: Any, tx: Tangents, contexts: Any, *,
                            y: Any = None, same_point: bool = False) -> AbstractPushforward:
        values = tuple(c.value for c in contexts)
        return _ZeroPushforward(f, _value(f, x, values, y))


@dataclass(frozen=True)
class AutoZeroReverse(AbstractBackend):
    """AutoZeroReverse(): a pullback that returns zeros, for measuring overhead."""

    name: ClassVar[str] = "zeroreverse"
    modes: ClassVar[frozenset[str]] = frozenset({"reverse"})
    inplace: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    thread_safe: ClassVar[bool] = True

    def prepare_pullback(self, f: Callable[..., Any], x: Any, ty: Tangents, contexts: Any, *,
                         y: Any = None, same_point: bool = False) -> AbstractPullback:
        return _ZeroPullback(f)
