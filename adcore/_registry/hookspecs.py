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

__all__ = [
    "adcore_array_namespace",
    "adcore_differentiate_with",
    "adcore_from_numpy",
    "adcore_register_backends",
    "adcore_sparse_result",
    "adcore_to_numpy",
    "hookimpl",
    "hookspec",
]

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


@hookspec(firstresult=True)
def adcore_to_numpy(value: Any) -> Any | None:
    """adcore_to_numpy(value) -> numpy array or None: ``value``, an array of the plugin's
    engine, as a numpy array.

    Return None for a value of another engine. The array may share memory with ``value``;
    it holds no autograd graph and lives on the host (torch: ``value.detach().cpu()``, then
    numpy). adcore asks it where it must read an engine's numbers: a dense Jacobian that
    ``DenseSparsityDetector`` turns into a pattern, the conformance suite's comparisons.
    Values of engines that answer no plugin go through ``numpy.asarray``.

    >>> from adcore.extend import hookimpl
    >>> @hookimpl
    ... def adcore_to_numpy(value):
    ...     if type(value).__module__.startswith("myengine"):
    ...         return value.to_host_numpy()
    ...     return None
    """


@hookspec(firstresult=True)
def adcore_from_numpy(value: Any, family: str) -> Any | None:
    """adcore_from_numpy(value, family) -> array or None: the numpy array ``value`` as a new
    array of the array ``family`` (``"jax"``, ``"torch"``), when that family is the plugin's.

    Return None for another family. The conformance suite builds its scenarios' inputs in
    each family a backend declares with it; the result must not share memory with
    ``value``, and keeps its shape and dtype.

    >>> from adcore.extend import hookimpl
    >>> @hookimpl
    ... def adcore_from_numpy(value, family):
    ...     if family == "myengine":
    ...         import myengine
    ...         return myengine.asarray(value.copy())
    ...     return None
    """


@hookspec(firstresult=True)
def adcore_sparse_result(x: Any, pattern: Any) -> Callable[[Any], Any] | None:
    """adcore_sparse_result(x, pattern) -> build or None: how ``AutoSparse`` returns a sparse
    Jacobian or Hessian for an ``x`` of the plugin's array family.

    ``pattern`` is the result's boolean ``scipy.sparse.csr_array`` (canonical: sorted
    indices, no duplicates). Return a function ``build(values)`` that takes the pattern's
    entries in the order of its csr arrays (an array of ``x``'s family, perhaps a traced
    value) and returns the sparse result in the engine's own format (JAX: a ``BCOO``), or
    None for another family: its ``x`` then gets the dense matrix (numpy ``x`` gets a
    ``csr_array`` from adcore itself). ``build`` is made once per preparation and called
    on every call, so it should cost little. Register the sparse type with
    ``adcore.extend.to_dense`` too, so that ``out=`` and the conformance suite read it.

    >>> from adcore.extend import hookimpl
    >>> @hookimpl
    ... def adcore_sparse_result(x, pattern):
    ...     if type(x).__module__.startswith("myengine"):
    ...         return lambda values: myengine.sparse.csr(values, pattern.indices, pattern.indptr)
    ...     return None
    """


@hookspec(firstresult=True)
def adcore_differentiate_with(function: Any, x: Any) -> Any | None:
    """adcore_differentiate_with(function, x) -> value or None: ``function(x)`` for ``x`` a
    value of the plugin's engine (a tracer, a tensor), recorded so that the engine
    differentiates it by ``function``'s own derivatives.

    ``function`` is an ``adcore.extend.ForeignFunction`` (what ``adcore.DifferentiateWith``
    and a cross-engine ``SecondOrder`` hand over): its methods take and return numpy
    arrays: ``value(x)``, ``value_and_jacobian(x)`` (``J`` of shape ``(y.size, x.size)``),
    ``output(shape, dtype)`` (the shape and dtype of ``y`` before any number exists), and
    ``jacobian_function()``, another ``ForeignFunction`` for ``x -> J(x)``. The plugin
    converts ``x`` to numpy (off its graph), calls ``value``, and teaches its engine the
    tangent ``J @ t`` and the cotangent ``J.T @ w`` with ``J`` the value of
    ``jacobian_function()`` called the same way, so that second derivatives work too.
    Return None for a value of another engine; numpy values never reach the hook.
    Errors of ``function`` propagate to the caller.

    >>> from adcore.extend import hookimpl
    >>> @hookimpl
    ... def adcore_differentiate_with(function, x):
    ...     if type(x).__module__.startswith("myengine"):
    ...         return myengine.custom_call(function, x)
    ...     return None
    """
