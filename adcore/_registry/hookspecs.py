"""The hook specifications of adcore plugins: every hook a plugin may implement.

A plugin is a module named by an entry point in the group ``adcore``; it holds
functions named after these specifications and marked with
``adcore.extend.hookimpl``. Hooks are named ``adcore_*``, as pytest names its
own ``pytest_*``. This module is imported only when plugins load, never by
``import adcore``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .._core.backend import AbstractBackend

__all__ = ["adcore_array_namespace", "adcore_register_backends", "hookimpl", "hookspec"]

#: Marks the specifications below.
hookspec = pluggy.HookspecMarker("adcore")
#: Marks a plugin's implementations: ``@hookimpl def adcore_register_backends(register): ...``.
hookimpl = pluggy.HookimplMarker("adcore")


@hookspec
def adcore_register_backends(register: Callable[[type[AbstractBackend]], None]) -> None:
    """adcore_register_backends(register) -> None: register the plugin's backend classes.

    The plugin calls ``register(cls)`` once for each backend class it provides.
    ``cls`` must subclass ``adcore.extend.AbstractBackend`` and declare a
    non-empty ``name``, ``modes`` a non-empty subset of ``{"forward",
    "reverse"}``, and ``native`` a subset of ``adcore.extend.NATIVE_OPERATORS``.
    ``register`` never raises: a class that breaks these rules, or whose name
    an earlier plugin took, is left out and its error is shown by
    ``adcore.available_backends()`` and ``adcore backends``. The hook should not
    import the plugin's engine; do that when the backend is first used.

    >>> from adcore.extend import hookimpl
    >>> @hookimpl
    ... def adcore_register_backends(register):
    ...     register(AutoMyEngine)
    """


@hookspec(firstresult=True)
def adcore_array_namespace(x: Any) -> Any | None:
    """adcore_array_namespace(x) -> xp or None: the array namespace of a value the engine traces.

    Return the array-API namespace that operates on ``x`` when ``x`` is a value
    of the plugin's engine (a JAX tracer, an autograd box, a TensorFlow
    tensor), else ``None`` so that the next plugin is asked. The first
    non-``None`` answer wins. It is called for every value that is neither a
    Python scalar nor a numpy array, so it must be cheap and must not import
    the engine merely to check a type: test ``type(x).__module__`` first, or
    look the engine up in ``sys.modules``.

    >>> import sys
    >>> from adcore.extend import hookimpl
    >>> @hookimpl
    ... def adcore_array_namespace(x):
    ...     if type(x).__module__.startswith("myengine"):
    ...         return sys.modules["myengine"].numpy
    ...     return None
    """
