"""The array-API namespace of TensorFlow's tensors: what ``adcore.array_namespace(t)`` returns.

It is ``tf.experimental.numpy`` (whose functions take and return ``tf.Tensor``)
under the array API's names where they differ (``concat``, ``pow``, ``acos``,
``permute_dims``, ``astype``...), with creation functions that take ``device=``.
Every other name is ``tf.experimental.numpy``'s own. It changes no global
setting: tensors keep TensorFlow's own operators (``@`` is ``tf.linalg.matmul``,
and ``x.T`` exists only under ``tf.experimental.numpy.experimental_enable_numpy_behavior()``),
so a backend-agnostic ``f`` should spell them ``xp.matmul`` and ``xp.matrix_transpose``.

>>> import numpy as np, adcore as ad
>>> def f(x):
...     xp = ad.array_namespace(x)
...     return xp.sum(xp.concat([xp.sin(x), xp.pow(x, 2)]))
>>> ad.gradient(f, ad.AutoTensorFlow(), np.zeros(2))
array([1., 1.])
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf
import tensorflow.experimental.numpy as tnp
from tensorflow.experimental.numpy import (
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
from tensorflow.experimental.numpy import arccos as acos
from tensorflow.experimental.numpy import arccosh as acosh
from tensorflow.experimental.numpy import arcsin as asin
from tensorflow.experimental.numpy import arcsinh as asinh
from tensorflow.experimental.numpy import arctan as atan
from tensorflow.experimental.numpy import arctan2 as atan2
from tensorflow.experimental.numpy import arctanh as atanh
from tensorflow.experimental.numpy import power as pow

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
    # Everything else (einsum, finfo, result_type, dtypes...) is tf.experimental.numpy's.
    try:
        return getattr(tnp, name)
    except AttributeError:
        raise AttributeError(f"the TensorFlow array namespace has no attribute {name!r}") from None


# --- manipulation, statistics and linear algebra under their array-API names


def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> Any:
    if axis is None:
        return tnp.concatenate([tnp.reshape(a, (-1,)) for a in arrays])
    return tnp.concatenate(list(arrays), axis=axis)


def reshape(x: Any, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Any:
    return tnp.reshape(x, shape)


def permute_dims(x: Any, /, axes: tuple[int, ...]) -> Any:
    return tnp.transpose(x, axes)


def matrix_transpose(x: Any, /) -> Any:
    return tnp.swapaxes(x, -1, -2)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    return tuple(tf.unstack(x, axis=axis))


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    return tnp.sum(tnp.conj(x1) * x2, axis=axis)


def cumulative_sum(
    x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Any:
    if axis is None:
        if len(x.shape) > 1:
            raise ValueError("cumulative_sum: axis is required for arrays of more than one dimension")
        axis = 0
    out = tnp.cumsum(x, axis=axis, dtype=dtype)
    if include_initial:
        shape = list(out.shape)
        shape[axis] = 1
        out = tnp.concatenate([tnp.zeros(shape, dtype=out.dtype), out], axis=axis)
    return out


def var(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    squares = tnp.square(x - tnp.mean(x, axis=axis, keepdims=True))
    shape = tuple(x.shape)
    count = math.prod(shape) if axis is None else math.prod(shape[a] for a in _axes(axis))
    return tnp.sum(squares, axis=axis, keepdims=keepdims) / (count - correction)


def std(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    return tnp.sqrt(var(x, axis=axis, correction=correction, keepdims=keepdims))


def _axes(axis: Any) -> tuple[int, ...]:
    return tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    with _on(device):
        return tf.cast(x, dtype)


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None) -> Any:
    with _on(device):
        return tnp.asarray(obj, dtype=dtype)


# --- creation: tf.experimental.numpy's, with the array API's `device=`


def _on(device: Any) -> Any:
    return contextlib.nullcontext() if device is None else tf.device(device)


def _with_device(create: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, device: Any = None, **kwargs: Any) -> Any:
        with _on(device):
            return create(*args, **kwargs)

    wrapped.__name__ = wrapped.__qualname__ = create.__name__
    wrapped.__doc__ = f"tf.experimental.numpy.{create.__name__}, taking the array API's `device=`."
    return wrapped


arange = _with_device(tnp.arange)
empty = _with_device(tnp.empty)
eye = _with_device(tnp.eye)
full = _with_device(tnp.full)
linspace = _with_device(tnp.linspace)
ones = _with_device(tnp.ones)
zeros = _with_device(tnp.zeros)
empty_like = _with_device(tnp.empty_like)
full_like = _with_device(tnp.full_like)
ones_like = _with_device(tnp.ones_like)
zeros_like = _with_device(tnp.zeros_like)
