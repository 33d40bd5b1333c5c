"""``f`` with the errors of numpy or Python numbers handed TensorFlow's tensors said in
adcore's terms: ``NotSupportedError`` pointing to ``adcore.array_namespace``.

Compiled (``jit=True``), ``f`` sees symbolic tensors, which numpy refuses
(``NotImplementedError``) and Python numbers too (``TypeError``). Eagerly, numpy
takes a tensor's value and returns a numpy array, cut off from the tape: an ``f``
that returns one would give a wrong derivative, or fail deep inside TensorFlow.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from adcore import NotSupportedError

__all__ = ["checked"]

_HINT = ("Write f with the namespace of x: `xp = adcore.array_namespace(x)`, then xp.sin(x), "
         "xp.sum(...), and build arrays with xp.stack rather than writing into np.zeros(...); "
         "it is tf.experimental.numpy for tensors and numpy for numpy arrays, so the same f "
         "serves every backend.")

def checked(f: Callable[..., Any]) -> Callable[..., Any]:
    """The checking wrapper of ``f``, one per function (as ``_scratch.scratched`` keeps), so
    that the kernels compiled for ``f``, kept per function, are found again."""
    try:
        return _cached(f)
    except TypeError:  # an unhashable f
        return _wrap(f)


def _wrap(f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def run(x: Any, *args: Any) -> Any:
        try:
            out = f(x, *args)
        except (NotImplementedError, TypeError, ValueError) as e:
            if _numpy_on_symbolic(e, x):
                first = (str(e).strip().splitlines() or [""])[0]
                raise NotSupportedError(
                    f"AutoTensorFlow cannot differentiate f: f passed TensorFlow's traced x to "
                    f"numpy or to a Python number ({type(e).__name__}: {first}). {_HINT}"
                ) from e
            raise
        if isinstance(out, (np.ndarray, np.generic)) and isinstance(x, tf.Tensor):
            raise NotSupportedError(
                "AutoTensorFlow cannot differentiate f: f(x) returned a numpy value for a "
                "TensorFlow tensor x, so numpy computed it and the derivative is lost. " + _HINT
            )
        return out

    return run


_cached = functools.lru_cache(maxsize=256)(_wrap)


def _numpy_on_symbolic(e: Exception, x: Any) -> bool:
    """Whether ``e`` is numpy's or Python's refusal of a symbolic tensor."""
    if not isinstance(x, tf.Tensor) or tf.executing_eagerly():
        return False
    text = str(e)
    if isinstance(e, NotImplementedError):
        return "symbolic" in text
    if isinstance(e, TypeError):
        return "Tensor" in text
    return "setting an array element with a sequence" in text
