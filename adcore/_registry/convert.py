"""Conversions between numpy and the engines' arrays, through the plugins that know them."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.arrays import family, to_dense
from ..errors import NotSupportedError, PluginError
from .plugins import ask_each, first_answer, plugin_error

__all__ = ["from_numpy", "to_numpy"]


def to_numpy(value: Any) -> np.ndarray:
    """to_numpy(value) -> ndarray: an array of any family (a sparse result too) as numpy,
    off any autograd graph and device (the plugins' ``adcore_to_numpy``); it may share memory
    with ``value``."""
    value = to_dense(value)
    if isinstance(value, np.ndarray):
        return value
    answer = first_answer("adcore_to_numpy", value=value)
    return np.asarray(value) if answer is None else answer


def from_numpy(value: np.ndarray, family_name: str) -> Any:
    """from_numpy(value, family) -> array: a copy of the numpy array ``value`` in ``family``
    (the plugins' ``adcore_from_numpy``)."""
    if family_name == "numpy":
        return value.copy()
    answer = first_answer("adcore_from_numpy", value=value, family=family_name)
    if answer is None:
        message = (f"no installed plugin converts numpy arrays to the array family "
                   f"{family_name!r}: its plugin must implement the hook adcore_from_numpy.")
        _, failures = ask_each("adcore_from_numpy", value=value, family=family_name)
        if failures:
            raise plugin_error("adcore_from_numpy", failures, message, value=value,
                               family=family_name)
        raise NotSupportedError(message)
    if family(answer) != family_name:
        raise PluginError(f"adcore_from_numpy gave a {type(answer).__qualname__} for family {family_name!r}")
    return answer
