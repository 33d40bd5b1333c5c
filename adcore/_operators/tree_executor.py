"""The generic path for a pytree ``x``: prepare the operator on the flattened view, and
move between the two views on each call.

At preparation, ``prepare_tree`` flattens ``x`` once (``Structure``), and, where ``f(x)``
may itself be a pytree (``jacobian``, ``pushforward``, ``pullback``), learns its structure
too; it prepares the operator's executor on the flat problem ``v -> ravel(f(unravel(v),
*contexts))`` at the 1-D ``v``, and wraps it in a ``TreeExecutor``. Every backend takes
pytrees this way, and everything below (fallbacks, sparsity, second order) sees one array.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from .._core.contexts import unwrap
from .._core.prep import Prep, _context_signature, _contexts_fit
from ..errors import ShapeError
from .common import make_prep, routed, validate
from .trees import Structure, is_tree

__all__ = ["TreeExecutor", "TreePrep", "prepare_tree"]

#: Operators whose ``f`` returns a scalar: no structure of ``f(x)`` to learn.
_SCALAR = ("gradient", "hessian", "hvp")


def prepare_tree(
    operator: str,
    build: Callable[[Callable[..., Any], Any, Any], Any],
    f: Callable[..., Any],
    backend: Any,
    x: Any,
    contexts: tuple[Any, ...],
    tangents: tuple[Any, ...] | None = None,
    y: Any = None,
    *,
    strict: bool = True,
    same_point: bool = False,
    inplace: Callable[..., Any] | None = None,
) -> Prep:
    """The prep of ``operator`` at the pytree ``x``: ``build(f_flat, v, flat_tangents)``
    returns the operator's executor for the flat problem (``inplace`` is ``f`` as an
    in-place function is called, when ``y`` is given)."""
    xs = Structure(x, "x")
    v = xs.ravel(x)
    target = routed(backend, operator)
    if operator in target.pytrees and operator in target.native and xs.standard:
        # the engine takes the pytree itself: the prep checks its structure on each call
        validate(operator, f, backend, v, contexts, None, y)
        executor = build(f, x, tangents)
        signature = getattr(target.prep_class, "leaf_signature", None)
        if signature is not None:
            xs.quick(x, signature)
        return TreePrep(operator, f, backend, executor, x, contexts, tangents, y, strict=strict,
                        same_point=same_point, structure=xs)
    ys = None
    flat_tangents = tangents
    if isinstance(tangents, tuple) and tangents:
        if operator == "pullback":
            if is_tree(tangents[0]):
                ys = Structure(tangents[0], "ty[0]")
                flat_tangents = tuple(ys.ravel(t, f"ty[{i}]", ShapeError)
                                      for i, t in enumerate(tangents))
        else:
            flat_tangents = tuple(xs.ravel(t, f"tx[{i}]", ShapeError) for i, t in enumerate(tangents))
    validate(operator, f, backend, v, contexts, flat_tangents, y,
             tangents_like_x=operator != "pullback")
    if y is None and operator not in _SCALAR and ys is None and operator != "pullback":
        value = f(x, *unwrap(contexts))
        ys = Structure(value, "f(x)") if is_tree(value) else None
    flat = _flat(f if inplace is None else inplace, xs, ys, y)
    executor = TreeExecutor(build(flat, v, flat_tangents), xs, ys, flat)
    return make_prep(operator, executor, f, backend, x, contexts, tangents, y,
                     strict=strict, same_point=same_point)


#: The flat function of each ``f``, per structure: engines that compile (AutoJAX) keep what
#: they build per function object, so that every preparation for ``f`` at this structure
#: (every unprepared call) finds the same flat function, and so the same compiled program.
#: It lives as long as ``f``, and reaches ``f`` through a weak reference.
_FLAT: weakref.WeakKeyDictionary[Any, dict[Any, Callable[..., Any]]] = weakref.WeakKeyDictionary()


def _flat(f: Callable[..., Any], xs: Structure, ys: Structure | None, y: Any) -> Callable[..., Any]:
    """``f`` on the flattened view of ``x`` (and of ``f(x)`` where that is a pytree)."""
    unravel = xs.unravel
    if y is not None:
        return lambda y, v, *c: f(y, unravel(v), *c)
    key = (xs.key, None if ys is None else ys.key)
    try:
        table = _FLAT.get(f)
        if table is None:
            table = _FLAT[f] = {}
        ref = weakref.ref(f)
    except TypeError:  # f takes no weak reference: a flat function of its own
        table, ref = {}, lambda: f
    flat = table.get(key)
    if flat is None:
        if ys is None:
            flat = lambda v, *c: ref()(unravel(v), *c)
        else:
            flat = lambda v, *c: ys.ravel_output(ref()(unravel(v), *c))
        table[key] = flat
    return flat


class TreeExecutor:
    """An executor of any operator for a pytree ``x``: flattens ``x`` and the tangents,
    calls the executor prepared on the flat problem, and rebuilds the results: gradients,
    pullbacks and hvps like ``x``, values and pushforwards like ``f(x)``, Jacobians and
    Hessians as they are (2-D over the flattened leaves)."""

    prep_class = Prep

    def __init__(self, inner: Any, xs: Structure, ys: Structure | None,
                 flat: Callable[..., Any]) -> None:
        self.inner, self.xs, self.ys = inner, xs, ys
        self.flat = flat  # held here: an engine may hold it weakly
        # A prep made by an executor's own class (AutoSparse's exposes the coloring) stays so.
        self.prep_class = getattr(inner, "prep_class", None) or Prep

    def __getattr__(self, name: str) -> Any:
        # what a prep reads of its executor (AutoSparse's coloring), from the flat one
        if name.startswith("__") or name in ("inner", "xs", "ys", "flat"):
            raise AttributeError(name)
        return getattr(self.inner, name)

    def _out(self, value: Any) -> Any:
        return value if self.ys is None else self.ys.unravel(value)

    def _tx(self, tx: Any) -> tuple[Any, ...]:
        ravel = self.xs.ravel
        if type(tx) is not tuple:
            return tx  # type: ignore[no-any-return]
        return tuple([ravel(t, f"tx[{i}]") for i, t in enumerate(tx)])

    def _ty(self, ty: Any) -> tuple[Any, ...]:
        if self.ys is None or type(ty) is not tuple:
            return ty  # type: ignore[no-any-return]
        ravel = self.ys.ravel
        return tuple([ravel(t, f"ty[{i}]") for i, t in enumerate(ty)])

    # --- gradient

    def gradient(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.xs.unravel(self.inner.gradient(self.xs.ravel(x), contexts))

    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        value, grad = self.inner.value_and_gradient(self.xs.ravel(x), contexts)
        return value, self.xs.unravel(grad)

    # --- jacobian

    def jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self.inner.jacobian(self.xs.ravel(x), contexts, y)

    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        value, J = self.inner.value_and_jacobian(self.xs.ravel(x), contexts, y)
        return self._out(value), J

    # --- hessian

    def hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.inner.hessian(self.xs.ravel(x), contexts)

    def value_gradient_and_hessian(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any, Any]:
        value, grad, H = self.inner.value_gradient_and_hessian(self.xs.ravel(x), contexts)
        return value, self.xs.unravel(grad), H

    # --- pushforward

    def pushforward(self, x: Any, tx: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        ty = self.inner.pushforward(self.xs.ravel(x), self._tx(tx), contexts, y)
        return tuple([self._out(t) for t in ty])

    def value_and_pushforward(self, x: Any, tx: Any, contexts: tuple[Any, ...],
                              y: Any = None) -> tuple[Any, Any]:
        value, ty = self.inner.value_and_pushforward(self.xs.ravel(x), self._tx(tx), contexts, y)
        return self._out(value), tuple([self._out(t) for t in ty])

    # --- pullback

    def pullback(self, x: Any, ty: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        tx = self.inner.pullback(self.xs.ravel(x), self._ty(ty), contexts, y)
        return tuple([self.xs.unravel(t) for t in tx])

    def value_and_pullback(self, x: Any, ty: Any, contexts: tuple[Any, ...],
                           y: Any = None) -> tuple[Any, Any]:
        value, tx = self.inner.value_and_pullback(self.xs.ravel(x), self._ty(ty), contexts, y)
        return self._out(value), tuple([self.xs.unravel(t) for t in tx])

    # --- hvp

    def hvp(self, x: Any, tx: Any, contexts: tuple[Any, ...]) -> Any:
        tg = self.inner.hvp(self.xs.ravel(x), self._tx(tx), contexts)
        return tuple([self.xs.unravel(t) for t in tg])

    def gradient_and_hvp(self, x: Any, tx: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        grad, tg = self.inner.gradient_and_hvp(self.xs.ravel(x), self._tx(tx), contexts)
        return self.xs.unravel(grad), tuple([self.xs.unravel(t) for t in tg])


class TreePrep(Prep):
    """The prep of an operator that the engine computes on the pytree ``x`` itself: it checks
    the structure on each call (a dict of arrays without flattening it)."""

    __slots__ = ("_quick", "structure")

    def __init__(self, *args: Any, structure: Structure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.structure = structure
        self._quick = structure._dict or (None, None, None)

    def check(self, operator: str, f: Any, backend: Any, x: Any, contexts: tuple[Any, ...],
              tangents: tuple[Any, ...] | None = None, y: Any = None) -> None:
        # The hot path: identity tests, then a dict of arrays read without flattening it.
        keys, signature, sigs = self._quick
        try:
            if (
                f is self.f
                and operator is self.operator
                and backend is self.backend
                and y is None
                and tangents is None
                and type(x) is dict
                and tuple(x) == keys
                and list(map(signature, x.values())) == sigs
                and ((not contexts and not self._contexts)
                     or _contexts_fit(_context_signature(contexts), self._contexts))
            ):
                return
        except (AttributeError, TypeError):  # not arrays: the whole check says what differs
            pass
        self.structure.leaves(x, "x")  # a PrepMismatchError naming the key or leaf
        for i, t in enumerate(tangents if type(tangents) is tuple else ()):
            self.structure.leaves(t, f"tx[{i}]")
        self._check(operator, f, backend, x, contexts, tangents, y)
