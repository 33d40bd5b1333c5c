"""What every operator shares: argument validation and the prepared-call path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.arrays import copy_into, describe, family, is_scalar, signature
from .._core.backend import AbstractBackend
from .._core.contexts import Context
from .._core.prep import Prep
from .._core.threads import serialized_prepare
from .._registry.plugins import available_backends
from ..errors import NotSupportedError

__all__ = ["INPLACE_OPERATORS", "copy_tangents", "levels", "make_prep", "prepare_native", "routed",
           "validate"]

#: Operators that accept in-place functions ``f(y, x, *contexts)``.
INPLACE_OPERATORS = ("derivative", "jacobian", "pushforward", "pullback")


def validate(
    operator: str,
    f: Callable[..., Any],
    backend: Any,
    x: Any,
    contexts: tuple[Any, ...],
    tangents: tuple[Any, ...] | None = None,
    y: Any = None,
    *,
    tangents_like_x: bool = True,
) -> None:
    """Raise a clear error for arguments no backend could differentiate."""
    if not callable(f):
        raise TypeError(f"{operator}: `f` must be callable, got {f!r}")
    if not isinstance(backend, AbstractBackend):
        raise TypeError(
            f"{operator}: `backend` must be an adcore backend such as adcore.AutoFiniteDiff(), "
            f"got {backend!r}. Note the argument order: {operator}(f, backend, x, ...)."
        )
    fam = family(x)
    if fam not in backend.array_families:
        raise NotSupportedError(
            f"{operator}: {backend!r} does not take x of array family {fam!r} "
            f"(x is {describe(signature(x))}); it takes {sorted(backend.array_families)}."
        )
    for i, c in enumerate(contexts):
        if not isinstance(c, Context):
            raise TypeError(
                f"{operator}: extra argument {i} after x is {type(c).__name__}, not a context; "
                "wrap inactive arguments as adcore.Constant(value) or adcore.Cache(value)."
            )
    if contexts and not backend.contexts:
        raise NotSupportedError(f"{operator}: {backend!r} does not support contexts.")
    if y is not None:
        if operator not in INPLACE_OPERATORS:
            raise NotSupportedError(
                f"{operator} does not take in-place functions (`y=` was given). In-place "
                f"functions f(y, x) work with {', '.join(INPLACE_OPERATORS)}; write an "
                "out-of-place f(x) for this operator."
            )
        if not backend.inplace:
            raise NotSupportedError(
                f"{operator}: {backend!r} does not support in-place functions f(y, x) (`y=` "
                "was given). Use an out-of-place f(x), or a backend where "
                f"adcore.check_inplace(backend) is True (installed: {_inplace_backends()}); "
                f"in-place functions work with {', '.join(INPLACE_OPERATORS)}."
            )
    if tangents is not None:
        _validate_tangents(operator, x, tangents, tangents_like_x)


def _inplace_backends() -> str:
    names = [b.name for b in available_backends() if b.error is None and b.capabilities["inplace"]]
    return ", ".join(names) or "none"


def _validate_tangents(operator: str, x: Any, tangents: Any, like_x: bool) -> None:
    name = "tx" if like_x else "ty"
    if not isinstance(tangents, tuple) or not tangents:
        raise TypeError(
            f"{operator}: `{name}` must be a non-empty tuple of tangents, got "
            f"{type(tangents).__name__}; wrap a single tangent as (v,)."
        )
    if not like_x:
        return
    xsig = signature(x)
    for i, t in enumerate(tangents):
        if is_scalar(x) and is_scalar(t):
            continue
        if signature(t) != xsig:
            raise ValueError(
                f"{operator}: tangent {i} must be like x ({describe(xsig)}), "
                f"got {describe(signature(t))}."
            )


def make_prep(
    operator: str,
    executor: Any,
    f: Callable[..., Any],
    backend: Any,
    x: Any,
    contexts: tuple[Any, ...],
    tangents: tuple[Any, ...] | None = None,
    y: Any = None,
    *,
    strict: bool = True,
    same_point: bool = False,
) -> Prep:
    # An executor may ask for a richer prep (adcore.sparse's exposes the pattern and colors),
    # a backend for one with a faster check of its arrays.
    cls = getattr(executor, "prep_class", None) or getattr(backend, "prep_class", Prep)
    return cls(
        operator, f, backend, executor, x, contexts, tangents, y, strict=strict, same_point=same_point
    )


def routed(backend: Any, operator: str) -> Any:
    """The backend that prepares ``operator``: a wrapper hands it to a backend it wraps
    (``AbstractBackend.route``), and that one may hand it on."""
    while (to := backend.route(operator)) is not backend:
        backend = to
    return backend


def prepare_native(backend: Any, operator: str, *args: Any, **kwargs: Any) -> Any:
    """``backend.prepare_<operator>(*args, **kwargs)``: every entry of the core into a
    backend's engine goes through here, serialized where the backend is not thread-safe."""
    return serialized_prepare(backend, getattr(backend, f"prepare_{operator}"), *args, **kwargs)


def levels(backend: Any, operator: str) -> tuple[Any, Any]:
    """The backends of the outer and inner levels of a second-order fallback. Raise
    ``NotSupportedError`` where one backend would differentiate its own results and
    declares that it cannot (``nested = False``): never the numbers of a wrong nesting."""
    outer, inner = backend.route("outer"), backend.route("inner")
    if outer == inner and not outer.nested:
        raise NotSupportedError(
            f"{operator}: {outer!r} declares nested=False: it cannot differentiate its own "
            f"results, and has no native {operator}. Differentiate its results with another "
            f"backend: adcore.SecondOrder(adcore.AutoFiniteDiff(), {outer!r})."
        )
    return outer, inner


def copy_tangents(out: Any, results: tuple[Any, ...], what: str = "out") -> tuple[Any, ...]:
    """Fill the tuple of buffers ``out`` with ``results``; return ``out``."""
    if not isinstance(out, tuple) or len(out) != len(results):
        raise TypeError(
            f"`{what}` must be a tuple of {len(results)} buffers, one per tangent; got {out!r:.80}"
        )
    for i, (o, r) in enumerate(zip(out, results)):
        copy_into(o, r, f"{what}[{i}]")
    return out
