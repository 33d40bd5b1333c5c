"""Array-family helpers the core needs: signatures, namespaces, bases, copies.

The core never imports an engine: every array that is not numpy is handled
through its array-API namespace (``adcore.array_namespace``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..errors import ArgumentTypeError, ShapeError

__all__ = [
    "basis",
    "check_fits",
    "copy_into",
    "describe",
    "family",
    "register_array_family",
    "signature",
    "to_dense",
    "type_family",
    "writable_numpy",
]

# The top-level package of a type -> its array family, where they differ; engines add theirs
# with register_array_family.
_FAMILY_ALIASES = {"builtins": "numpy"}


def family(value: Any) -> str:
    """The array family of ``value``: ``"numpy"`` for numpy arrays and Python scalars,
    else the top-level package that defines its type (``"torch"``, ``"jax"``)."""
    return type_family(type(value))


def register_array_family(package: str, family: str) -> None:
    """register_array_family(package, family) -> None: values whose type is defined in the
    top-level ``package`` belong to the array ``family`` (JAX's arrays are defined in
    ``jaxlib``: ``register_array_family("jaxlib", "jax")``). A plugin calls it when its
    backend module is imported."""
    _FAMILY_ALIASES[package] = family


def type_family(t: type) -> str:
    """The array family of values of type ``t`` (see ``family``)."""
    if t is np.ndarray or t is float or t is int:
        return "numpy"
    top = t.__module__.partition(".")[0]
    return _FAMILY_ALIASES.get(top, top)


def signature(value: Any) -> tuple[Any, ...]:
    """What a preparation records of one argument: its type, shape and dtype."""
    t = type(value)
    if t is np.ndarray:
        return (t, value.shape, value.dtype)
    return (t, getattr(value, "shape", None), getattr(value, "dtype", None))


def describe(sig: tuple[Any, ...] | None) -> str:
    """A signature in words, for error messages."""
    if sig is None:
        return "nothing"
    t, shape, dtype = sig
    name = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
    if shape is None:
        return name
    return f"{name} of shape {tuple(shape)} and dtype {dtype}"


def writable_numpy(values: Any) -> np.ndarray:
    """``values`` as a numpy array that its receiver may write to: an engine's array (perhaps
    still being computed: this waits for it) read by ``numpy.asarray``, copied where numpy
    may not write to what it reads (a JAX array's buffer)."""
    a = np.asarray(values)
    return a if a.flags.writeable else a.copy()


@functools.singledispatch
def to_dense(value: Any) -> Any:
    """to_dense(value) -> array: a sparse result of an engine as its dense array; anything
    else as it is. An engine whose sparse type numpy cannot read (numpy would read JAX's
    ``BCOO`` as an array of objects) registers it: ``to_dense.register(BCOO)(BCOO.todense)``.
    """
    return value


def is_scalar(value: Any) -> bool:
    """Whether ``value`` is a Python number, as opposed to an array."""
    return isinstance(value, (float, int, complex)) and not isinstance(value, np.ndarray)


def basis(x: Any, xp: Any) -> Any:
    """The standard basis of the space of ``x``, stacked: shape ``(x.size, *x.shape)``
    (``(1,)`` for a Python scalar)."""
    if is_scalar(x):
        return np.ones((1,))
    n = _size(x)
    eye = xp.eye(n, dtype=x.dtype, device=_device(x, xp))
    return xp.reshape(eye, (n, *x.shape))


def ones_scalar(x: Any, xp: Any) -> Any:
    """A 0-d one of the family, dtype and device of ``x``: the cotangent of a scalar."""
    if is_scalar(x):
        return 1.0
    return xp.ones((), dtype=x.dtype, device=_device(x, xp))


def _size(x: Any) -> int:
    n = 1
    for d in x.shape:
        n *= int(d)
    return n


def _device(x: Any, xp: Any) -> Any:
    if type(x) is np.ndarray:
        return None
    from array_api_compat import device

    return device(x)


def check_fits(out: Any, value: Any, what: str = "out") -> None:
    """Raise a ``ShapeError`` that says what differs unless the buffer ``out`` has the shape
    and dtype of the result ``value`` (dense or sparse); write nothing."""
    shape, oshape = getattr(value, "shape", ()), getattr(out, "shape", None)
    if oshape is None or tuple(oshape) != tuple(shape):
        raise ShapeError(
            f"`{what}` must be an array of shape {tuple(shape)} to receive this result; "
            f"got {_what(out)}. Allocate it like the result, e.g. `np.empty({tuple(shape)})`."
        )
    dtype = getattr(value, "dtype", None)
    if dtype is not None and out.dtype != dtype:
        raise ShapeError(
            f"`{what}` has dtype {out.dtype} but the result has dtype {dtype}; "
            f"allocate `{what}` with dtype {dtype}."
        )


def _copy_dense(out: Any, value: Any, what: str) -> Any:
    value = to_dense(value)
    check_fits(out, value, what)
    try:
        out[...] = value
    except TypeError as e:
        raise ArgumentTypeError(
            f"`{what}` is a {type(out).__module__}.{type(out).__qualname__}, an immutable "
            "array that cannot be filled in place; call the operator without `out=` and use "
            "its return value."
        ) from e
    return out


# By the type of the result: a result type that is not an array (adcore.sparse's
# csr_array) registers how it fills a buffer.
_copiers = functools.singledispatch(_copy_dense)


def copy_into(out: Any, value: Any, what: str = "out") -> Any:
    """copy_into(out, value, what="out") -> out: write ``value`` into the preallocated
    buffer ``out`` and return ``out``.

    Raises a ``ValueError`` that says what differs when the buffer does not fit,
    and a ``TypeError`` for an immutable array family (JAX, TensorFlow). A result type
    that fills buffers its own way registers a function ``copy(out, value, what) -> out``
    with ``copy_into.register(ResultType)(copy)``.
    """
    return _copiers.dispatch(type(value))(out, value, what)


copy_into.register = _copiers.register  # type: ignore[attr-defined]


def _what(value: Any) -> str:
    return describe(signature(value)) if hasattr(value, "shape") else repr(type(value).__name__)
