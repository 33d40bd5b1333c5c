"""Preparations: what ``prepare_*`` returns, and the check of a prepared call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import PrepMismatchError
from .arrays import describe, signature, type_family

__all__ = ["Prep"]


def _context_signature(contexts: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple([(type(c), signature(c.value)) for c in contexts])


def _fits(got: tuple[Any, ...], expected: tuple[Any, ...]) -> bool:
    """Whether an argument of signature ``got`` fits one prepared as ``expected``: the same
    type, shape and dtype, or another array type of the same family, shape and dtype (a JAX
    tracer where the prep saw a ``jax.Array``: a prep made outside ``jax.jit`` works inside)."""
    return got == expected or (
        got[1] is not None and got[1:] == expected[1:] and type_family(got[0]) == type_family(expected[0])
    )


def _all_fit(got: tuple[Any, ...], expected: tuple[Any, ...]) -> bool:
    return len(got) == len(expected) and all(map(_fits, got, expected))


def _optional_fits(got: tuple[Any, ...] | None, expected: tuple[Any, ...] | None) -> bool:
    """For ``y``: both absent, or both present and fitting."""
    return got is expected is None or (got is not None and expected is not None and _fits(got, expected))


def _contexts_fit(got: tuple[Any, ...], expected: tuple[Any, ...]) -> bool:
    """Contexts of the same kinds (Constant, Cache) whose values fit."""
    return len(got) == len(expected) and all(
        g[0] is e[0] and _fits(g[1], e[1]) for g, e in zip(got, expected)
    )


def _fit(tangents: Any, expected: tuple[Any, ...] | None) -> bool:
    """Whether a tuple of tangents matches the recorded signatures (fast, or False)."""
    if type(tangents) is not tuple or expected is None or len(tangents) != len(expected):
        return False
    for t, (ttype, tshape, tdtype) in zip(tangents, expected):
        if type(t) is not ttype or (tshape is not None and (t.shape != tshape or t.dtype != tdtype)):
            return False
    return True


class Prep:
    """A prepared operator: pass it back as ``prep=`` for the fast path.

    It records what it was built for (operator, function, backend, and the
    array family, shape and dtype of every argument) and, when ``strict``,
    checks each call against that record, raising ``PrepMismatchError``.
    It holds mutable scratch state: use one per thread.
    """

    __slots__ = (
        "_contexts",
        "_tangents",
        "_x",
        "_y",
        "backend",
        "executor",
        "f",
        "operator",
        "same_point",
        "strict",
    )

    def __init__(
        self,
        operator: str,
        f: Callable[..., Any],
        backend: Any,
        executor: Any,
        x: Any,
        contexts: tuple[Any, ...],
        tangents: tuple[Any, ...] | None = None,
        y: Any = None,
        *,
        strict: bool = True,
        same_point: bool = False,
    ) -> None:
        self.operator = operator
        self.f = f
        self.backend = backend
        self.executor = executor
        self.strict = strict
        self.same_point = same_point
        self._x = signature(x)
        self._contexts = _context_signature(contexts)
        self._tangents = None if tangents is None else tuple(map(signature, tangents))
        self._y = None if y is None else signature(y)

    def __repr__(self) -> str:
        kind = "same-point " if self.same_point else ""
        return (
            f"<adcore.Prep: {kind}{self.operator} of {getattr(self.f, '__name__', self.f)!r} "
            f"with {self.backend!r} at x: {describe(self._x)}>"
        )

    def check(
        self,
        operator: str,
        f: Callable[..., Any],
        backend: Any,
        x: Any,
        contexts: tuple[Any, ...],
        tangents: tuple[Any, ...] | None = None,
        y: Any = None,
    ) -> None:
        """Raise ``PrepMismatchError`` unless this call fits the preparation."""
        # The hot path of every prepared call, a few hundred nanoseconds: identity
        # tests, and x's shape and dtype compared without building a signature.
        xtype, xshape, xdtype = self._x
        if (
            type(x) is xtype
            and f is self.f
            and operator is self.operator
            and backend is self.backend
            and (xshape is None or (x.shape == xshape and (x.dtype is xdtype or x.dtype == xdtype)))
            and not contexts
            and not self._contexts
            and y is None
            and self._y is None
            and (tangents is None or _fit(tangents, self._tangents))
        ):
            return
        self._check(operator, f, backend, x, contexts, tangents, y)

    def _check(
        self,
        operator: str,
        f: Callable[..., Any],
        backend: Any,
        x: Any,
        contexts: tuple[Any, ...],
        tangents: tuple[Any, ...] | None,
        y: Any,
    ) -> None:
        """The whole comparison: equal (not only identical) arguments, contexts and y."""
        if (
            _fits(signature(x), self._x)
            and operator == self.operator
            and (f is self.f or f == self.f)
            and (backend is self.backend or backend == self.backend)
            and _contexts_fit(_context_signature(contexts), self._contexts)
            and (tangents is None or (self._tangents is not None
                                      and _all_fit(tuple(map(signature, tangents)), self._tangents)))
            and _optional_fits(None if y is None else signature(y), self._y)
        ):
            return
        raise PrepMismatchError(self._explain(operator, f, backend, x, contexts, tangents, y))

    def _explain(
        self,
        operator: str,
        f: Callable[..., Any],
        backend: Any,
        x: Any,
        contexts: tuple[Any, ...],
        tangents: tuple[Any, ...] | None,
        y: Any,
    ) -> str:
        rows: list[tuple[str, str, str]] = []
        if operator != self.operator:
            rows.append(("operator", self.operator, operator))
        if not (f is self.f or f == self.f):
            rows.append(("f", repr(self.f), repr(f)))
        if not (backend is self.backend or backend == self.backend):
            rows.append(("backend", repr(self.backend), repr(backend)))
        if not _fits(signature(x), self._x):
            rows.append(("x", describe(self._x), describe(signature(x))))
        got_t = None if tangents is None else tuple(map(signature, tangents))
        if got_t is not None and not _all_fit(got_t, self._tangents or ()):
            expected = self._tangents or ()
            if len(got_t) != len(expected):
                rows.append(("tangents", f"a batch of {len(expected)}", f"a batch of {len(got_t)}"))
            for i, (e, g) in enumerate(zip(expected, got_t)):
                if not _fits(g, e):
                    rows.append((f"tangent {i}", describe(e), describe(g)))
        got_c = _context_signature(contexts)
        if not _contexts_fit(got_c, self._contexts):
            if len(got_c) != len(self._contexts):
                rows.append(("contexts", f"{len(self._contexts)} of them", f"{len(got_c)}"))
            for i, (e, g) in enumerate(zip(self._contexts, got_c)):
                if not _contexts_fit((g,), (e,)):
                    rows.append(
                        (f"context {i}", f"{e[0].__name__} of {describe(e[1])}",
                         f"{g[0].__name__} of {describe(g[1])}")
                    )
        got_y = None if y is None else signature(y)
        if not _optional_fits(got_y, self._y):
            rows.append(("y", describe(self._y), describe(got_y)))
        lines = "\n".join(f"  {name}: prep expected {e}, got {g}" for name, e, g in rows)
        return (
            f"this call does not fit its preparation:\n{lines}\n"
            f"Prepare again for these arguments (adcore.prepare_{self.operator}(...)), "
            "or pass strict=False when preparing to skip this check."
        )
