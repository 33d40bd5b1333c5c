"""pullback (VJP): ``tx[i] = ty[i] @ J(x)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.contexts import unwrap
from .._core.prep import Prep
from .common import check_out, count, fill, inplace, make_prep, strict, validate
from .executors import Tangents
from .primitives import pullback_executor
from .tree_executor import prepare_tree
from .trees import is_tree

__all__ = [
    "prepare_pullback",
    "prepare_pullback_same_point",
    "pullback",
    "value_and_pullback",
]

# --- public


def pullback(
    f: Callable[..., Any], backend: Any, x: Any, ty: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Tangents:
    """pullback(f, backend, x, ty, *contexts, prep=None, out=None, y=None) -> tx

    The pullback (also called VJP) of ``f`` at ``x`` of each cotangent of the
    tuple ``ty`` (each like ``f(x)``): a tuple ``tx`` of the same length, each like ``x``.

    >>> import numpy as np, adcore as ad
    >>> tx = ad.pullback(lambda x: x ** 2, ad.AutoFiniteDiff(), np.array([1.0, 2.0]),
    ...                  (np.array([1.0, 1.0]),))
    >>> tx[0].round(6)
    array([2., 4.])
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("pullback", out, count(ty))
    if prep is None:
        prep = _prepare(f, backend, x, ty, contexts, y, True, same_point=False)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "pullback"):  # no frame for a Prep
        prep.check("pullback", f, backend, x, contexts, ty, y)
    tx = prep.executor.pullback(x, ty, contexts and unwrap(contexts), y)
    return tx if out is None else fill(out, tx, len(tx))


def value_and_pullback(
    f: Callable[..., Any], backend: Any, x: Any, ty: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Tangents]:
    """value_and_pullback(f, backend, x, ty, *contexts, prep=None, out=None, y=None) -> (f(x), tx)"""
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("pullback", out, count(ty))
    if prep is None:
        prep = _prepare(f, backend, x, ty, contexts, y, True, same_point=False)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "pullback"):  # no frame for a Prep
        prep.check("pullback", f, backend, x, contexts, ty, y)
    value, tx = prep.executor.value_and_pullback(x, ty, contexts and unwrap(contexts), y)
    return value, (tx if out is None else fill(out, tx, len(tx)))


def prepare_pullback(
    f: Callable[..., Any], backend: Any, x: Any, ty: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_pullback(f, backend, x, ty, *contexts, y=None, strict=True) -> prep

    Preparation for ``pullback`` and ``value_and_pullback`` at any ``x`` and
    batch of cotangents like these ones.
    """
    return _prepare(f, backend, x, ty, contexts, y, strict, same_point=False)


def prepare_pullback_same_point(
    f: Callable[..., Any], backend: Any, x: Any, ty: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_pullback_same_point(f, backend, x, ty, *contexts, y=None, strict=True) -> prep

    Like ``prepare_pullback``, for calls at this very ``x`` (and contexts) with
    new cotangents: the backend may keep the linearization of ``f`` at ``x``.
    """
    return _prepare(f, backend, x, ty, contexts, y, strict, same_point=True)


def _prepare(
    f: Any, backend: Any, x: Any, ty: Any, contexts: Any, y: Any, strict: bool, same_point: bool
) -> Prep:
    if is_tree(x):
        return prepare_tree(
            "pullback",
            lambda g, v, t: pullback_executor(backend, g, v, t, contexts, y, same_point=same_point),
            f, backend, x, contexts, ty, y, strict=strict, same_point=same_point, inplace=inplace(f, y))
    validate("pullback", f, backend, x, contexts, ty, y, tangents_like_x=False)
    executor = pullback_executor(backend, inplace(f, y), x, ty, contexts, y, same_point=same_point)
    return make_prep(
        "pullback", executor, f, backend, x, contexts, ty, y, strict=strict, same_point=same_point
    )
