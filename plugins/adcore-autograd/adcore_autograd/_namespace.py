"""The array-API namespace of autograd's boxes: what ``adcore.array_namespace(box)`` returns.

autograd differentiates the functions of ``autograd.numpy``. Since numpy 2,
``autograd.numpy`` also re-exports numpy's array-API aliases (``concat``,
``pow``, ``acos``, ``permute_dims``...), but without derivatives: autograd
raises "VJP of concat not defined". Here those names map onto the functions
autograd differentiates, creation functions accept ``device=``, and every other
name is ``autograd.numpy``'s own.

>>> import numpy as np, adcore as ad
>>> def f(x):
...     xp = ad.array_namespace(x)
...     return xp.sum(xp.concat([xp.sin(x), xp.pow(x, 2)]))
>>> ad.gradient(f, ad.AutoAutograd(), np.zeros(2))
array([1., 1.])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd.extend import Box
from autograd.numpy import (
    abs,
    add,
    broadcast_to,
    clip,
    conj,
    cos,
    cosh,
    divide,
    exp,
    expand_dims,
    expm1,
    flip,
    float32,
    float64,
    hypot,
    imag,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    moveaxis,
    multiply,
    negative,
    prod,
    real,
    repeat,
    roll,
    sign,
    sin,
    sinh,
    sqrt,
    square,
    squeeze,
    stack,
    subtract,
    sum,
    tan,
    tanh,
    tensordot,
    tile,
    where,
)
from autograd.numpy import arccos as acos
from autograd.numpy import arccosh as acosh
from autograd.numpy import arcsin as asin
from autograd.numpy import arcsinh as asinh
from autograd.numpy import arctan as atan
from autograd.numpy import arctan2 as atan2
from autograd.numpy import arctanh as atanh
from autograd.numpy import power as pow

__array_api_version__ = "2023.12"

__all__ = [
    "abs", "acos", "acosh", "add", "arange", "asarray", "asin", "asinh", "astype", "atan",
    "atan2", "atanh", "broadcast_to", "clip", "concat", "conj", "cos", "cosh",
    "cumulative_sum", "divide", "empty", "empty_like", "exp", "expand_dims", "expm1", "eye",
    "flip", "float32", "float64", "full", "full_like", "hypot", "imag", "linspace", "log",
    "log1p", "log2", "log10", "logaddexp", "matmul", "matrix_transpose", "max", "maximum",
    "mean", "min", "minimum", "moveaxis", "multiply", "negative", "ones", "ones_like",
    "permute_dims", "pow", "prod", "real", "repeat", "reshape", "roll", "sign", "sin", "sinh",
    "sqrt", "square", "squeeze", "stack", "std", "subtract", "sum", "tan", "tanh", "tensordot",
    "tile", "unstack", "var", "vecdot", "where", "zeros", "zeros_like",
]


def __getattr__(name: str) -> Any:
    # Everything else (dtypes, finfo, isdtype, linalg, einsum...) is autograd.numpy's.
    try:
        return getattr(anp, name)
    except AttributeError:
        raise AttributeError(f"the autograd array namespace has no attribute {name!r}") from None


# --- manipulation and linear algebra under their array-API names


def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> Any:
    if axis is None:
        return anp.concatenate([anp.reshape(a, (-1,)) for a in arrays])
    return anp.concatenate(list(arrays), axis=axis)


def reshape(x: Any, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Any:
    return anp.reshape(x, shape)


def permute_dims(x: Any, /, axes: tuple[int, ...]) -> Any:
    return anp.transpose(x, axes)


def matrix_transpose(x: Any, /) -> Any:
    return anp.swapaxes(x, -1, -2)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    moved = anp.moveaxis(x, axis, 0)
    return tuple(moved[i] for i in range(np.shape(x)[axis]))


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    return anp.sum(anp.conj(x1) * x2, axis=axis)


def cumulative_sum(
    x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Any:
    if axis is None:
        if np.ndim(x) > 1:
            raise ValueError("cumulative_sum: axis is required for arrays of more than one dimension")
        axis = 0
    # autograd's derivative of cumsum takes no dtype.
    out = anp.cumsum(x, axis=axis) if dtype is None else anp.cumsum(x, axis=axis, dtype=dtype)
    if include_initial:
        shape = list(np.shape(out))
        shape[axis] = 1
        out = anp.concatenate([np.zeros(shape, dtype=anp.result_type(out)), out], axis=axis)
    return out


def std(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    return anp.std(x, axis=axis, ddof=correction, keepdims=keepdims)


def var(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    return anp.var(x, axis=axis, ddof=correction, keepdims=keepdims)


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    _cpu(device)
    if isinstance(x, (Box, np.ndarray)):
        return x.astype(dtype)
    return np.asarray(x, dtype=dtype)


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None) -> Any:
    """A box stays the box (cast if ``dtype`` asks); sequences that hold boxes become one."""
    _cpu(device)
    if isinstance(obj, Box):
        return obj if dtype is None else obj.astype(dtype)
    if isinstance(obj, (list, tuple)):
        return anp.array(obj, dtype=dtype)
    return np.array(obj, dtype=dtype, copy=copy)


# --- creation: numpy's, with the array API's `device=` (the CPU only)


def _cpu(device: Any) -> None:
    if device is not None and device != "cpu":
        raise ValueError(f"autograd arrays live on the CPU; got device={device!r}")


def _with_device(create: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, device: Any = None, **kwargs: Any) -> Any:
        _cpu(device)
        return create(*args, **kwargs)

    wrapped.__name__ = wrapped.__qualname__ = create.__name__
    wrapped.__doc__ = f"numpy.{create.__name__}, taking the array API's `device=` (the CPU only)."
    return wrapped


arange = _with_device(np.arange)
empty = _with_device(np.empty)
eye = _with_device(np.eye)
full = _with_device(np.full)
linspace = _with_device(np.linspace)
ones = _with_device(np.ones)
zeros = _with_device(np.zeros)
# The *_like functions see boxes: autograd's versions read their values.
empty_like = _with_device(anp.empty_like)
full_like = _with_device(anp.full_like)
ones_like = _with_device(anp.ones_like)
zeros_like = _with_device(anp.zeros_like)
