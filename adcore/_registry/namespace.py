"""``array_namespace``: one array API for every backend's values, traced or not."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ArgumentTypeError
from .plugins import ask_each, first_answer, plugin_error

__all__ = ["array_namespace"]

_numpy_namespace: Any = None


def _numpy() -> Any:
    global _numpy_namespace
    if _numpy_namespace is None:
        import array_api_compat.numpy

        _numpy_namespace = array_api_compat.numpy
    return _numpy_namespace


_PLAIN = (np.ndarray, np.generic, float, int, complex, bool)


def array_namespace(*arrays: Any) -> Any:
    """array_namespace(*arrays) -> xp: the array-API namespace of ``arrays``.

    Python scalars and numpy arrays map to an array-API view of numpy; values
    an engine traces (JAX tracers, autograd boxes, TensorFlow tensors) map to
    the namespace their plugin names, so one function serves every backend.

    >>> import numpy as np, adcore as ad
    >>> def f(x):
    ...     xp = ad.array_namespace(x)
    ...     return xp.sum(xp.sin(x))
    >>> float(f(np.zeros(3)))
    0.0
    """
    values = [a for a in arrays if a is not None]
    if all(isinstance(a, _PLAIN) for a in values):
        return _numpy()
    for a in values:
        if isinstance(a, _PLAIN):
            continue
        xp = first_answer("adcore_array_namespace", x=a)
        if xp is not None:
            return xp
        if hasattr(a, "__array_namespace__"):
            return a.__array_namespace__()
        import array_api_compat

        try:
            return array_api_compat.array_namespace(a)
        except TypeError:
            message = (
                f"adcore.array_namespace: no array namespace is known for a value of type "
                f"{type(a).__module__}.{type(a).__qualname__}."
            )
            _, failures = ask_each("adcore_array_namespace", x=a)
            if failures:  # one of them might have known it
                error = plugin_error("adcore_array_namespace", failures, message, x=a)
                raise error from error.__cause__
            raise ArgumentTypeError(
                f"{message} Pass numpy arrays or arrays of an installed backend's engine, or "
                "install the plugin whose engine traces it."
            ) from None
    return _numpy()
