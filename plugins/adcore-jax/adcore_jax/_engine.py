"""What every AutoJAX executor shares.

- The functions built for ``f`` (jitted, when ``jit=True``) are cached per
  function object, in a table that lives as long as ``f``: preparing again for
  the same ``f`` (as every unprepared call does) finds them, and ``jax.jit``'s
  own cache then holds one compiled program per signature.
- 64-bit inputs (float64 numpy arrays, Python floats) run with JAX's 64-bit
  mode switched on for the call only, on this thread: results are float64 and
  JAX's global configuration is never touched.
- numpy in, numpy out: results for an ``x`` of the numpy family are copied
  into fresh, writable numpy arrays (0-d results become numpy scalars).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from adcore import Cache
from adcore.errors import ArgumentTypeError, NotSupportedError
from adcore.extend import with_scratch

from ._scratch import make

__all__ = ["HOST", "Setup", "bind", "check_x", "host", "in_x64", "to_numpy", "untraceable", "wants_x64"]

#: Types of an ``x`` of the numpy family: results go back to numpy.
HOST = (np.ndarray, np.generic, float, int)

# --- numpy out


def to_numpy(r: Any) -> Any:
    """JAX results (or a tuple of them) as fresh numpy arrays; 0-d ones as numpy scalars."""
    if type(r) is tuple:
        return tuple(map(to_numpy, r))
    a = np.array(r)
    return a[()] if a.ndim == 0 else a


def host(x: Any, r: Any) -> Any:
    """``r`` in the array family of ``x``; checked per call, so that a traced ``x``
    (an executor used inside another JAX transformation) keeps tracers."""
    return to_numpy(r) if isinstance(x, HOST) else r


# --- inputs


def is_tree(x: Any) -> bool:
    """Whether ``x`` is a pytree of arrays (the core hands one to the operators that AutoJAX
    declares in ``pytrees``), not one array or number."""
    return isinstance(x, (dict, list, tuple)) and all(
        isinstance(leaf, (np.ndarray, np.generic, float, jax.Array))
        for leaf in jax.tree_util.tree_leaves(x))


def tree_to_numpy(r: Any) -> Any:
    """JAX results of a numpy pytree ``x`` (a pytree, or a tuple of them) as fresh numpy arrays."""
    return jax.tree_util.tree_map(lambda a: np.array(a), r)


def check_x(x: Any) -> None:
    """Refuse an ``x`` that is not one array (or a pytree of them, which the core hands only
    to the operators declared in ``pytrees``)."""
    if isinstance(x, (np.ndarray, np.generic, float, int, jax.Array)) and not isinstance(x, bool):
        return
    if is_tree(x):
        return
    what = type(x).__name__
    if isinstance(x, (dict, list, tuple)):
        what = f"a {what} (a pytree)"
    raise ArgumentTypeError(
        f"AutoJAX differentiates with respect to an array x (or a pytree of arrays), got "
        f"{what}; pass the other arguments as adcore.Constant(value)."
    )


def _is_64bit(v: Any) -> bool:
    dtype = getattr(v, "dtype", None)
    if dtype is None:
        return False
    dtype = np.dtype(dtype)
    return (dtype.kind == "f" and dtype.itemsize >= 8) or (dtype.kind == "c" and dtype.itemsize >= 16)


def wants_x64(x: Any, *others: Any) -> bool:
    """Whether a computation on these inputs needs JAX's 64-bit mode: a float64 (or
    complex128) x, tangent or context, or a Python float x (a double). Python floats
    elsewhere are weakly typed, and take the precision of x."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return True
    return any(map(_is_64bit, jax.tree_util.tree_leaves((x, others))))


# What `with jax.enable_x64(True):` does on entry and exit (a thread-local setting),
# without building a context manager per call; through it where JAX lacks these.
_X64 = jax.enable_x64
if hasattr(_X64, "swap_local") and hasattr(_X64, "set_local"):
    x64_on, x64_restore = _X64.swap_local, _X64.set_local
else:  # pragma: no cover - other JAX versions

    def x64_on(value: bool) -> Any:
        manager = jax.enable_x64(value)
        manager.__enter__()
        return manager

    def x64_restore(manager: Any) -> None:
        manager.__exit__(None, None, None)


def in_x64(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` run with JAX's 64-bit mode on for the call only, on this thread."""

    def run(*args: Any) -> Any:
        previous = x64_on(True)
        try:
            return fn(*args)
        finally:
            x64_restore(previous)

    return run


# --- the functions built for f, per function object

_lock = threading.Lock()
_weak: dict[int, tuple[Any, dict[Any, Any]]] = {}
_strong: OrderedDict[int, tuple[Any, dict[Any, Any]]] = OrderedDict()
_STRONG_SIZE = 64


def _forget(key: int, ref: Any) -> None:
    entry = _weak.get(key)
    if entry is not None and entry[0] is ref:
        _weak.pop(key, None)


def functions_of(f: Callable[..., Any]) -> tuple[Callable[[], Any], dict[Any, Any]]:
    """``(ref, table)``: ``ref()`` returns ``f``; ``table`` holds what was built for ``f``.

    Built functions reach ``f`` through ``ref``, a weak reference, so that the
    table (dropped when ``f`` is collected) never keeps ``f`` alive. Functions
    that take no weak reference (builtins) are kept, the last few of them.
    """
    key = id(f)
    entry = _weak.get(key)
    if entry is not None and entry[0]() is f:
        return entry
    with _lock:
        try:
            ref = weakref.ref(f, lambda r, key=key: _forget(key, r))
        except TypeError:
            entry = _strong.get(key)
            if entry is None:
                entry = _strong[key] = ((lambda: f), {})
                while len(_strong) > _STRONG_SIZE:
                    _strong.popitem(last=False)
            _strong.move_to_end(key)
            return entry
        entry = _weak[key] = (ref, {})
        return entry


def _caller(ref: Callable[[], Any], scratch: tuple[bool, ...]) -> Callable[..., Any]:
    """``call(x, c)``: ``f(x, *c)``, each Cache value wrapped as a writable Scratch."""
    call = with_scratch(lambda x, *c: ref()(x, *c), scratch, make)

    def checked(x: Any, c: tuple[Any, ...]) -> Any:
        try:
            out = call(x, *c)  # checked when JAX traces, once per jitted signature
        except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError) as e:
            raise untraceable(e) from e
        if not isinstance(out, (jax.Array, np.ndarray, np.generic, float, int, complex)):
            what = "None" if out is None else f"a {type(out).__qualname__}"
            raise ArgumentTypeError(
                f"f(x) returned {what}; AutoJAX differentiates functions that return one "
                "array (or a number). Return the array itself: jnp.stack(values) for a list "
                "of values, and make sure f ends with a `return`."
            )
        return out

    return checked


def _devices() -> tuple[Any, ...] | None:
    devices = tuple(jax.devices())
    return devices if len(devices) > 1 else None


def untraceable(e: Exception) -> Exception:
    """JAX's error where f handed a tracer to numpy (``np.sin(x)``) or to Python (``float(x)``,
    ``math.sin``), as adcore's ``NotSupportedError`` that says how to write f; a tracer in
    Python control flow (``if x > 0``) or as an index keeps JAX's own error, which says what
    to do there."""
    if isinstance(e, (jax.errors.TracerBoolConversionError, jax.errors.TracerIntegerConversionError)):
        return e
    first = (str(e).strip().splitlines() or [""])[0]
    return NotSupportedError(
        f"AutoJAX cannot differentiate f: f passed JAX's traced x to numpy or to a Python "
        f"number ({type(e).__name__}: {first}). Write f with the namespace of x: "
        "`xp = adcore.array_namespace(x)`, then xp.sin(x), xp.sum(...) in place of np.sin, "
        "np.sum or math.sin; it is numpy for numpy arrays and jax.numpy under JAX, so the same "
        "f serves every backend."
    )


class Setup:
    """What the preparation of one operator learns once, and the functions it builds.

    ``fn(build, *params)`` is ``build(call, *params)``, jitted when the backend
    jits, found in the table of ``f`` or built and stored there, and run in
    64-bit mode when the inputs need it; ``method(build, *params)`` is the same
    as an executor's method, its results converted to numpy for numpy inputs.
    """

    def __init__(self, backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...],
                 tangents: tuple[Any, ...] = ()) -> None:
        check_x(x)
        self.f, self.mode, self.jit = f, backend.mode, backend.jit
        #: With ``shard=True`` and more than one device: the devices a batch of tangents is
        #: split across (a parameter of the functions built, so these are built apart).
        self.devices = _devices() if backend.shard else None
        self.values = tuple(c.value for c in contexts)
        self.x64 = wants_x64(x, tangents, self.values)
        self.tree = is_tree(x)
        leaves = jax.tree_util.tree_leaves(x) if self.tree else [x]
        self.host = all(isinstance(leaf, HOST) for leaf in leaves)
        self.complex = any(map(np.iscomplexobj, leaves))
        self.scratch = tuple(isinstance(c, Cache) for c in contexts)
        ref, self._table = functions_of(f)
        self.call = self._table.get(("call", self.scratch))
        if self.call is None:
            self.call = self._table[("call", self.scratch)] = _caller(ref, self.scratch)

    def built(self, build: Callable[..., Any], *params: Any) -> Callable[..., Any]:
        key = (build, self.jit, self.scratch, params)
        fn = self._table.get(key)
        if fn is None:
            fn = build(self.call, *params)
            if self.jit:
                fn = jax.jit(fn)
            self._table[key] = fn
        return fn

    def fn(self, build: Callable[..., Any], *params: Any) -> Callable[..., Any]:
        fn = self.built(build, *params)
        return in_x64(fn) if self.x64 else fn

    def method(self, build: Callable[..., Any], *params: Any) -> Callable[..., Any]:
        """The built function as an executor's method ``(x, *args)``: the jitted function
        itself for JAX arrays in their own precision, else one wrapper that runs it in
        64-bit mode and gives numpy results for a numpy (or Python scalar) ``x``."""
        fn = self.built(build, *params)
        if self.tree:  # a pytree x: numpy leaves give numpy results
            if not self.x64 and not self.host:
                return fn
            return _tree_method(fn, self.x64, self.host)
        if not self.x64:
            return fn if not self.host else lambda x, *args: host(x, fn(x, *args))

        def method(x: Any, *args: Any) -> Any:
            previous = x64_on(True)
            try:
                r = fn(x, *args)
            finally:
                x64_restore(previous)
            return to_numpy(r) if isinstance(x, HOST) else r

        return method


def _tree_method(fn: Callable[..., Any], x64: bool, on_host: bool) -> Callable[..., Any]:
    def method(x: Any, *args: Any) -> Any:
        previous = x64_on(True) if x64 else None
        try:
            r = fn(x, *args)
        finally:
            if x64:
                x64_restore(previous)
        return tree_to_numpy(r) if on_host else r

    return method


def bind(executor: Any, **methods: Callable[..., Any]) -> None:
    """Make ``methods`` the executor's own (instance) methods, over those of its class
    that call them: a prepared call then costs no frame of ours."""
    for name, fn in methods.items():
        setattr(executor, name, fn)
