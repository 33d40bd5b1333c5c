"""The hook implementations that ``adcore`` loads through the entry point ``jax``.

Neither hook imports JAX: the backend class registers without it, and the
array namespace is looked up only for values whose type comes from JAX.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from adcore.extend import hookimpl

from ._backend import AutoJAX

__all__ = [
    "adcore_array_namespace",
    "adcore_differentiate_with",
    "adcore_from_numpy",
    "adcore_register_backends",
    "adcore_sparse_result",
]


@hookimpl
def adcore_register_backends(register: Callable[[type], None]) -> None:
    register(AutoJAX)


@hookimpl
def adcore_array_namespace(x: Any) -> Any:
    # JAX tracers (jax._src.interpreters.*), arrays (jaxlib) and the Scratch
    # that a traced f receives for a Cache context all compute with jax.numpy.
    module = type(x).__module__
    if module.startswith(("jax.", "jaxlib", "adcore_jax.")):
        return importlib.import_module("jax.numpy")
    return None


@hookimpl
def adcore_from_numpy(value: Any, family: str) -> Any:
    if family != "jax":
        return None
    return importlib.import_module("jax.numpy").asarray(value.copy())


@hookimpl
def adcore_sparse_result(x: Any, pattern: Any) -> Any:
    if not type(x).__module__.startswith(("jax.", "jaxlib")):
        return None
    from ._sparse_result import BCOOBuilder

    return BCOOBuilder(pattern)


@hookimpl
def adcore_differentiate_with(function: Any, x: Any) -> Any:
    # A JAX value (a tracer, an array): one callback that JAX differentiates, jits and vmaps.
    if not type(x).__module__.startswith(("jax.", "jaxlib")):
        return None
    from ._differentiate_with import call

    return call(function, x)
