"""The hook implementations that the ``adcore`` entry point ``autograd`` names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adcore.extend import AbstractBackend, hookimpl

from ._backend import AutoAutograd


@hookimpl
def adcore_register_backends(register: Callable[[type[AbstractBackend]], None]) -> None:
    register(AutoAutograd)


@hookimpl
def adcore_array_namespace(x: Any) -> Any:
    # Autograd's boxes (ArrayBox, SequenceBox...) live in autograd's own modules, and the
    # ScratchBox that f receives for a Cache in ours; a box exists only once autograd is
    # imported, so nothing is imported for other values.
    if type(x).__module__.startswith(("autograd.", "adcore_autograd.")):
        from ._namespace import namespace

        return namespace
    return None


@hookimpl
def adcore_differentiate_with(function: Any, x: Any) -> Any:
    # An autograd box: a primitive with its VJP and JVP.
    if type(x).__module__.startswith("autograd."):
        from ._differentiate_with import call

        return call(function, x)
    return None
