"""pushforward (JVP): ``ty[i] = J(x) @ tx[i]``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.contexts import unwrap
from .._core.prep import Prep
from .common import check_out, count, fill, inplace, make_prep, strict, validate
from .executors import Tangents
from .primitives import pushforward_executor
from .tree_executor import prepare_tree
from .trees import is_tree

__all__ = [
    "prepare_pushforward",
    "prepare_pushforward_same_point",
    "pushforward",
    "value_and_pushforward",
]

# --- public


def pushforward(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Tangents:
    """pushforward(f, backend, x, tx, *contexts, prep=None, out=None, y=None) -> ty

    The pushforward (also called JVP) of ``f`` at ``x`` along each tangent of the
    tuple ``tx``: a tuple ``ty`` of the same length, each like ``f(x)``.

    >>> import numpy as np, adcore as ad
    >>> ty = ad.pushforward(lambda x: x ** 2, ad.AutoFiniteDiff(), np.array([1.0, 2.0]),
    ...                     (np.array([1.0, 0.0]),))
    >>> ty[0].round(6)
    array([2., 0.])
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("pushforward", out, count(tx))
    if prep is None:
        prep = _prepare(f, backend, x, tx, contexts, y, True, same_point=False)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "pushforward"):  # no frame for a Prep
        prep.check("pushforward", f, backend, x, contexts, tx, y)
    ty = prep.executor.pushforward(x, tx, contexts and unwrap(contexts), y)
    return ty if out is None else fill(out, ty, len(ty))


def value_and_pushforward(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Tangents]:
    """value_and_pushforward(f, backend, x, tx, *contexts, prep=None, out=None, y=None) -> (f(x), ty)"""
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("pushforward", out, count(tx))
    if prep is None:
        prep = _prepare(f, backend, x, tx, contexts, y, True, same_point=False)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "pushforward"):  # no frame for a Prep
        prep.check("pushforward", f, backend, x, contexts, tx, y)
    value, ty = prep.executor.value_and_pushforward(x, tx, contexts and unwrap(contexts), y)
    return value, (ty if out is None else fill(out, ty, len(ty)))


def prepare_pushforward(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_pushforward(f, backend, x, tx, *contexts, y=None, strict=True) -> prep

    Preparation for ``pushforward`` and ``value_and_pushforward`` at any ``x``
    and batch of tangents like these ones.
    """
    return _prepare(f, backend, x, tx, contexts, y, strict, same_point=False)


def prepare_pushforward_same_point(
    f: Callable[..., Any], backend: Any, x: Any, tx: Tangents, *contexts: Any,
    y: Any = None, strict: bool = True,
) -> Prep:
    """prepare_pushforward_same_point(f, backend, x, tx, *contexts, y=None, strict=True) -> prep

    Like ``prepare_pushforward``, for calls at this very ``x`` (and contexts)
    with new tangents: the backend may keep the linearization of ``f`` at ``x``.
    """
    return _prepare(f, backend, x, tx, contexts, y, strict, same_point=True)


def _prepare(
    f: Any, backend: Any, x: Any, tx: Any, contexts: Any, y: Any, strict: bool, same_point: bool
) -> Prep:
    if is_tree(x):
        return prepare_tree(
            "pushforward",
            lambda g, v, t: pushforward_executor(backend, g, v, t, contexts, y, same_point=same_point),
            f, backend, x, contexts, tx, y, strict=strict, same_point=same_point, inplace=inplace(f, y))
    validate("pushforward", f, backend, x, contexts, tx, y)
    executor = pushforward_executor(backend, inplace(f, y), x, tx, contexts, y, same_point=same_point)
    return make_prep(
        "pushforward", executor, f, backend, x, contexts, tx, y, strict=strict, same_point=same_point
    )
