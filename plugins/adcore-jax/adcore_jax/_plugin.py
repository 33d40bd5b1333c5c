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

__all__ = ["adcore_array_namespace", "adcore_register_backends"]


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
