"""The array-API namespace of TensorFlow's tensors: what ``adcore.array_namespace(t)`` returns.

``namespace`` is ``tf.experimental.numpy`` under the array API's names where
they differ (``concat``, ``pow``, ``acos``, ``permute_dims``, ``astype``...),
with creation functions that take ``device=``
(``adcore.extend.numpy_like_namespace``). Every other name is
``tf.experimental.numpy``'s own. What is TensorFlow's own: ``device=`` places
the result under ``tf.device``, ``astype`` is ``tf.cast``, ``unstack`` is
``tf.unstack``, and ``std``/``var`` honour ``correction=``, which
``tf.experimental.numpy.std`` lacks. It changes no global setting: tensors keep
TensorFlow's own operators (``@`` is ``tf.linalg.matmul``, and ``x.T`` exists
only under ``tf.experimental.numpy.experimental_enable_numpy_behavior()``), so a
backend-agnostic ``f`` should spell them ``xp.matmul`` and ``xp.matrix_transpose``.

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
from typing import Any

import tensorflow as tf
import tensorflow.experimental.numpy as tnp

from adcore.extend import numpy_like_namespace

__all__ = ["namespace"]


def _on(device: Any) -> Any:
    return contextlib.nullcontext() if device is None else tf.device(device)


def _astype(x: Any, dtype: Any, /, *, copy: bool = True) -> Any:
    """``tf.cast(x, dtype)``."""
    return tf.cast(x, dtype)


def _unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    return tuple(tf.unstack(x, axis=axis))


def _var(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    squares = tnp.square(x - tnp.mean(x, axis=axis, keepdims=True))
    shape = tuple(x.shape)
    count = math.prod(shape) if axis is None else math.prod(shape[a] for a in _axes(axis))
    return tnp.sum(squares, axis=axis, keepdims=keepdims) / (count - correction)


def _std(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    return tnp.sqrt(_var(x, axis=axis, correction=correction, keepdims=keepdims))


def _axes(axis: Any) -> tuple[int, ...]:
    return tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)


namespace = numpy_like_namespace(
    tnp, name="TensorFlow", on_device=_on,
    overrides={"astype": _astype, "unstack": _unstack, "var": _var, "std": _std},
)
