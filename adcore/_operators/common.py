"""What every operator shares: argument validation and the prepared-call path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._core.arrays import describe, family, is_scalar, signature
from .._core.backend import AbstractBackend
from .._core.contexts import Context
from .._core.prep import Prep
from .._core.threads import serialized_prepare
from .._registry.plugins import available_backends
from ..errors import ArgumentError, ArgumentTypeError, NotSupportedError, ShapeError
from .buffers import ARRAY, LIKE, check_out, count, fill

__all__ = [
    "ARRAY",
    "INPLACE_OPERATORS",
    "LIKE",
    "check_out",
    "count",
    "fill",
    "inplace",
    "levels",
    "make_prep",
    "prepare_native",
    "routed",
    "strict",
    "validate",
]

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
        raise ArgumentTypeError(f"{operator}: `f` must be callable, got {f!r}")
    if not isinstance(backend, AbstractBackend):
        raise ArgumentTypeError(
            f"{operator}: `backend` must be an adcore backend such as adcore.AutoFiniteDiff(), "
            f"got {backend!r}. Note the argument order: {operator}(f, backend, x, ...)."
        )
    _validate_x(operator, x)
    fam = family(x)
    if fam not in backend.array_families:
        raise NotSupportedError(
            f"{operator}: {backend!r} does not take x of array family {fam!r} "
            f"(x is {describe(signature(x))}); it takes {sorted(backend.array_families)}."
        )
    for i, c in enumerate(contexts):
        if not isinstance(c, Context):
            raise ArgumentTypeError(
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
        _validate_y(operator, y)
    if tangents is not None:
        _validate_tangents(operator, x, tangents, tangents_like_x)


def _integral(dtype: Any) -> bool:
    """Whether an array dtype of any family (``int64``, ``torch.int32``, ``bool``) holds
    integers or booleans, which no derivative lives in."""
    name = str(getattr(dtype, "name", dtype)).rpartition(".")[2]
    return name.startswith(("int", "uint", "bool"))


def _numpy_subclass(value: Any) -> bool:
    return isinstance(value, np.ndarray) and type(value) is not np.ndarray


def _validate_x(operator: str, x: Any) -> None:
    if _numpy_subclass(x):
        raise ArgumentTypeError(
            f"{operator}: x is a {type(x).__module__}.{type(x).__qualname__}, a subclass of "
            "numpy.ndarray whose arithmetic is not an array's (np.matrix multiplies as "
            "matrices, a masked array skips entries), so each engine would differentiate "
            "another function; pass np.asarray(x) (or x.filled() for a masked array)."
        )
    if isinstance(x, (bool, int)) or _integral(getattr(x, "dtype", None)):
        what = f"the Python {type(x).__name__} {x!r}" if isinstance(x, int) else (
            f"of dtype {x.dtype}")
        raise ArgumentTypeError(
            f"{operator}: x is {what}; derivatives need floating-point x (or complex): pass "
            "a float, e.g. float(x) or x.astype(float)."
        )


def _validate_y(operator: str, y: Any) -> None:
    """A buffer that can hold f(x): an array (not a numpy subclass), writable, floating."""
    if getattr(y, "shape", None) is None or _numpy_subclass(y):
        raise ArgumentTypeError(
            f"{operator}: `y` must be an array that the in-place f(y, x) fills, got "
            f"{type(y).__module__}.{type(y).__qualname__}."
        )
    if _integral(y.dtype):
        raise ArgumentError(
            f"{operator}: `y` has dtype {y.dtype} and cannot hold f(x): its derivatives would "
            "be rounded away. Allocate y with a floating dtype, e.g. np.empty(m)."
        )
    if isinstance(y, np.ndarray) and not y.flags.writeable:
        raise ArgumentError(
            f"{operator}: `y` is read-only, so the in-place f(y, x) cannot write f(x) into "
            "it. Pass a writable buffer, e.g. np.empty_like(y)."
        )


def inplace(f: Callable[..., Any], y: Any) -> Callable[..., Any]:
    """``f`` as the backend calls it: for an in-place ``f`` (``y`` given), checked on every
    call to return None or ``y``, as the contract says, so that an ``f`` that returns its
    result instead of writing ``y`` raises rather than leaving the backend an unchanged
    ``y`` (a zero Jacobian)."""
    if y is None:
        return f

    def checked(y: Any, *args: Any) -> Any:
        result = f(y, *args)
        if result is not None and result is not y and not _view_of(result, y):
            raise ArgumentTypeError(
                f"the in-place function {getattr(f, '__name__', f)!r} returned a "
                f"{type(result).__qualname__} instead of writing f(x) into y: an in-place "
                "f(y, x) writes its whole output into y and returns None (or y). Write "
                "y[...] = ..., or drop y= to pass f as an out-of-place f(x)."
            )
        return result

    return checked


def _view_of(result: Any, y: Any) -> bool:
    """Whether a numpy ``result`` is ``y`` seen through a view (``return y[...]``)."""
    return isinstance(result, np.ndarray) and isinstance(y, np.ndarray) and (
        np.may_share_memory(result, y))


def _inplace_backends() -> str:
    names = [b.name for b in available_backends() if b.error is None and b.capabilities["inplace"]]
    return ", ".join(names) or "none"


def _validate_tangents(operator: str, x: Any, tangents: Any, like_x: bool) -> None:
    name = "tx" if like_x else "ty"
    if not isinstance(tangents, tuple) or not tangents:
        raise ArgumentTypeError(
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
            raise ShapeError(
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


def strict(prep: Any, operator: str) -> bool:
    """Whether ``prep=`` is to be checked against the call; raise unless it is a prep."""
    if not isinstance(prep, Prep):
        raise ArgumentTypeError(
            f"{operator}: `prep` must be what adcore.prepare_{operator}(...) returned, or None "
            f"to prepare on this call; got {prep!r:.80}."
        )
    return prep.strict
