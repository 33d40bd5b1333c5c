"""``out=``: the structure of the buffers an operator fills, checked before anything is
computed, and filled once every buffer is checked."""

from __future__ import annotations

from typing import Any

from .._core.arrays import check_fits, copy_into
from ..errors import ArgumentTypeError
from .trees import NAMESPACE, is_tree, optree_module, path_name

__all__ = ["ARRAY", "LIKE", "check_out", "count", "fill"]

#: The structure of ``out=``: ``ARRAY``, ``LIKE``, ``n`` (a tuple of ``n``, one per tangent)
#: or a tuple of structures (``(ARRAY, ARRAY)`` for ``out=(grad, H)``).
ARRAY = "array"
#: An array, or a pytree of arrays where the result is one (results like ``x`` or ``f(x)``).
LIKE = "like"


def count(tangents: Any) -> int | None:
    """The number of tangents, as the structure of ``out=``; None where ``tangents`` is no
    tuple (``validate`` says so)."""
    return len(tangents) if isinstance(tangents, tuple) else None


def check_out(operator: str, out: Any, layout: Any = ARRAY, what: str = "out") -> None:
    """Raise unless ``out`` has the structure ``layout``, before anything is computed."""
    if (out is None and what == "out") or layout is None:
        return
    if layout == ARRAY:
        if isinstance(out, (tuple, list)) or getattr(out, "shape", None) is None:
            raise ArgumentTypeError(
                f"{operator}: `{what}` must be one array to fill with the result; got "
                f"{out!r:.80}."
            )
        return
    if layout == LIKE:
        if getattr(out, "shape", None) is None and not is_tree(out):
            raise ArgumentTypeError(
                f"{operator}: `{what}` must be an array to fill with the result (a pytree of "
                f"arrays for a pytree result); got {out!r:.80}."
            )
        return
    count = layout if isinstance(layout, int) else len(layout)
    if not isinstance(out, tuple) or len(out) != count:
        kind = ", one per tangent" if isinstance(layout, int) else ""
        raise ArgumentTypeError(
            f"{operator}: `{what}` must be a tuple of {count} buffers{kind}; got {out!r:.80}"
        )
    inner = [LIKE] * count if isinstance(layout, int) else layout
    for i, (o, sub) in enumerate(zip(out, inner)):
        check_out(operator, o, sub, f"{what}[{i}]")


def fill(out: Any, results: Any, layout: Any = ARRAY, what: str = "out") -> Any:
    """Fill the buffers ``out`` (of structure ``layout``) with ``results``; return ``out``.
    Every buffer is checked before the first is written."""
    pairs = list(_buffers(out, results, layout, what))
    for o, r, name in pairs:
        check_fits(o, r, name)
    for o, r, name in pairs:
        copy_into(o, r, name)
    return out


def _buffers(out: Any, results: Any, layout: Any, what: str) -> Any:
    if layout == ARRAY or layout == LIKE:
        if layout == LIKE and is_tree(results):
            yield from tree_buffers(out, results, what)
        else:
            yield out, results, what
        return
    inner = [LIKE] * len(results) if isinstance(layout, int) else layout
    for i, (o, r, sub) in enumerate(zip(out, results, inner)):
        yield from _buffers(o, r, sub, f"{what}[{i}]")


def tree_buffers(out: Any, results: Any, what: str = "out") -> Any:
    """``(buffer, leaf, name)`` for each leaf of the pytree ``results`` and the buffer at the
    same place of the pytree ``out``, which must have the structure of ``results``."""
    optree = optree_module()
    leaves, treedef = optree.tree_flatten(results, namespace=NAMESPACE)
    try:
        buffers = treedef.flatten_up_to(out)
    except (ValueError, TypeError) as e:
        raise ArgumentTypeError(
            f"`{what}` must be a pytree of buffers like the result, {treedef}; got {out!r:.80} "
            f"({e})."
        ) from None
    for path, o, r in zip(treedef.paths(), buffers, leaves):
        yield o, r, path_name(what, path)
