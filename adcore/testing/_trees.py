"""Pytrees in the suite: the helpers that convert, copy, move and compare values walk
the leaves of a pytree ``x`` (and of results shaped like it) through these.

The suite's helpers already walk plain tuples (a batch of tangents, ``(grad, H)``), and a
plain tuple pytree walks the same way; ``is_tree`` is True for the other containers: dicts,
lists, namedtuples and node types registered with optree (namespace ``"adcore"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["NAMESPACE", "first_leaf", "is_tree", "named_leaves", "tree_map", "walks"]

NAMESPACE = "adcore"


def is_tree(value: Any) -> bool:
    """Whether ``value`` is a pytree container other than a plain tuple."""
    if type(value) is tuple or value is None or hasattr(value, "shape"):
        return False
    if isinstance(value, (dict, list, tuple)):
        return True
    if isinstance(value, (float, int, complex, str, bytes)):
        return False
    try:
        import optree
    except ImportError:
        return False
    return not optree.tree_structure(value, namespace=NAMESPACE).is_leaf()


def walks(value: Any) -> bool:
    """Whether a helper that works leaf by leaf walks into ``value`` (any pytree container,
    plain tuples included)."""
    return type(value) is tuple or is_tree(value)


def tree_map(fn: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    """``fn`` on each leaf (of ``tree`` and, at the same places, of ``rest``), in a pytree
    of the same structure."""
    import optree

    return optree.tree_map(fn, tree, *rest, namespace=NAMESPACE)


def named_leaves(tree: Any, name: str) -> Iterator[tuple[str, Any]]:
    """``(name[key]..., leaf)`` for each leaf of ``tree``."""
    import optree

    paths, leaves, _ = optree.tree_flatten_with_path(tree, namespace=NAMESPACE)
    for path, leaf in zip(paths, leaves):
        yield name + "".join(f"[{k!r}]" for k in path), leaf


def first_leaf(tree: Any) -> Any:
    """An array leaf of ``tree`` (its family and dtype are those of every leaf), else its
    first leaf."""
    import optree

    leaves = optree.tree_leaves(tree, namespace=NAMESPACE)
    return next((leaf for leaf in leaves if hasattr(leaf, "dtype")), leaves[0] if leaves else None)


def structures_differ(got: Any, expected: Any) -> str | None:
    """Why ``got`` has not the structure of ``expected``, or None."""
    import optree

    want = optree.tree_structure(expected, namespace=NAMESPACE)
    have = optree.tree_structure(got, namespace=NAMESPACE)
    if want == have:
        return None
    return f"expected the structure {want}, got {have}"
