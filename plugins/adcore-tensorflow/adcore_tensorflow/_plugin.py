"""The hook implementations that the ``adcore`` entry point ``tensorflow`` names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adcore.extend import AbstractBackend, hookimpl

from ._backend import AutoTensorFlow


@hookimpl
def adcore_register_backends(register: Callable[[type[AbstractBackend]], None]) -> None:
    register(AutoTensorFlow)


@hookimpl
def adcore_array_namespace(x: Any) -> Any:
    # Tensors, variables and the symbolic tensors of tf.function all live in
    # tensorflow's own modules, and the Scratch that f receives for a Cache in ours:
    # a type test, no import of TensorFlow for other values.
    if type(x).__module__.startswith(("tensorflow.", "adcore_tensorflow.")):
        from ._namespace import namespace

        return namespace
    return None


@hookimpl
def adcore_from_numpy(value: Any, family: str) -> Any:
    if family != "tensorflow":
        return None
    import tensorflow.experimental.numpy as tnp

    return tnp.asarray(value.copy())


@hookimpl
def adcore_differentiate_with(function: Any, x: Any) -> Any:
    # A tensor, eager or symbolic: tf.custom_gradient over tf.numpy_function.
    if type(x).__module__.startswith("tensorflow."):
        from ._differentiate_with import call

        return call(function, x)
    return None
