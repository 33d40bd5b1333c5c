"""Plugin loading: the ``adcore`` entry points, imported and registered once, lazily.

Nothing here runs at ``import adcore``: pluggy, ``importlib.metadata`` and the
plugins load together, once, on the first backend lookup, the first
``available_backends()`` or the first ``array_namespace`` of a non-numpy value.
The core's ``AutoFiniteDiff`` arrives through the same path as any plugin.
A plugin that fails to import or to register is recorded, never raised: it
shows in ``available_backends()`` and in the error of a lookup that needed it.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import AdcoreError

if TYPE_CHECKING:
    import pluggy

    from .._core.backend import AbstractBackend

__all__ = ["ENV", "KNOWN", "BackendInfo", "Candidate", "Registry", "loaded", "normalize", "registered"]

_GROUP = "adcore"
_CORE = "adcore"
_BUILTIN_MODULE = "adcore._backends.finitediff.plugin"
ENV = "ADCORE_LOAD_PLUGINS"
_MODES = frozenset({"forward", "reverse"})
#: Backends that live in a plugin distribution ``adcore-<name>``, by the
#: attribute of ``adcore`` that names their class.
KNOWN = {"AutoJAX": "jax", "AutoTorch": "torch", "AutoAutograd": "autograd",
          "AutoTensorFlow": "tensorflow"}


@dataclass(frozen=True)
class BackendInfo:
    """One row of ``available_backends()``: a registered backend, or a plugin that failed.

    ``cls`` is None where the plugin failed before registering a class; ``error``
    is None for a backend that ``adcore.backend(name)`` builds, and ``exception``
    holds the original exception of a failure, for its traceback.
    """

    name: str
    cls: type[AbstractBackend] | None
    distribution: str
    version: str | None
    capabilities: dict[str, Any] = field(hash=False)
    error: str | None = None
    exception: BaseException | None = field(default=None, repr=False, compare=False)


class Candidate(NamedTuple):
    distribution: str
    version: str | None
    name: str
    load: Callable[[], object]


@dataclass
class Registry:
    pm: pluggy.PluginManager
    rows: list[BackendInfo] = field(default_factory=list)
    classes: dict[str, type[AbstractBackend]] = field(default_factory=dict)
    plugins: list[tuple[str, object]] = field(default_factory=list)
    skipped: list[Candidate] = field(default_factory=list)


_lock = threading.RLock()
_registry: Registry | None = None
_loading = False


def normalize(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).strip().lower()


def loaded() -> Registry:
    global _registry, _loading
    if _registry is not None:
        return _registry
    with _lock:
        if _registry is None:
            if _loading:
                raise AdcoreError(
                    "A backend was looked up while adcore plugins were loading (from a plugin's "
                    "import or its adcore_register_backends hook). Look backends up when they "
                    "are used, not when the plugin loads."
                )
            _loading = True
            try:
                _registry = _load()
            finally:
                _loading = False
        return _registry


def _candidates() -> list[Candidate]:
    import importlib
    import importlib.metadata as md

    found = []
    for ep in md.entry_points(group=_GROUP):
        dist = (ep.dist.name if ep.dist else None) or ep.module.partition(".")[0]
        version = ep.dist.version if ep.dist else None
        found.append(Candidate(dist, version, ep.name, ep.load))
    if not any(normalize(c.distribution) == _CORE for c in found):
        # A source checkout on sys.path without `pip install`: no metadata, same plugin.
        try:
            version = md.version(_CORE)
        except md.PackageNotFoundError:
            version = getattr(sys.modules.get(_CORE), "__version__", None)
        found.append(Candidate(_CORE, version, "finitediff",
                                lambda: importlib.import_module(_BUILTIN_MODULE)))
    found.sort(key=lambda c: (normalize(c.distribution) != _CORE, normalize(c.distribution),
                              c.name))
    return found


def _load() -> Registry:
    import pluggy

    from . import hookspecs

    pm = pluggy.PluginManager(_GROUP)
    pm.add_hookspecs(hookspecs)
    reg = Registry(pm)
    env = os.environ.get(ENV)
    wanted = None if env is None else {normalize(d) for d in env.split(",") if d.strip()}
    for cand in _candidates():
        dist = normalize(cand.distribution)
        if wanted is not None and dist != _CORE and dist not in wanted:
            reg.skipped.append(cand)
            continue
        _load_one(reg, cand)
    return reg


def _load_one(reg: Registry, cand: Candidate) -> None:
    # Everything a plugin raises is its failure, SystemExit included (a plugin that calls
    # sys.exit() on import must not end the lookup of every other backend); only Ctrl-C
    # goes through.
    def fail(exc: BaseException) -> None:
        if isinstance(exc, KeyboardInterrupt):
            raise exc
        reg.rows.append(BackendInfo(cand.name, None, cand.distribution, cand.version, {},
                                    f"{type(exc).__name__}: {exc}" if str(exc) else
                                    f"{type(exc).__name__} (no message)", exc))

    try:
        plugin = cand.load()
    except BaseException as exc:
        return fail(exc)
    pm = reg.pm
    try:
        pm.register(plugin, name=f"{cand.distribution}:{cand.name}")
        pm.check_pending()  # a misspelt adcore_* hook fails here, not silently
    except BaseException as exc:
        if pm.is_registered(plugin):
            pm.unregister(plugin)
        return fail(exc)
    others = [p for p in pm.get_plugins() if p is not plugin]
    try:
        pm.subset_hook_caller("adcore_register_backends", others)(
            register=lambda cls: _register(reg, cand, cls)
        )
    except BaseException as exc:
        pm.unregister(plugin)
        return fail(exc)
    reg.plugins.append((cand.distribution, plugin))


def registered(reg: Registry, name: str) -> type[AbstractBackend] | None:
    """The backend class registered under ``name``, whatever its case (as the built-ins)."""
    key = name.strip().lower()
    return next((cls for n, cls in reg.classes.items() if n.lower() == key), None)


def _capabilities(cls: type[AbstractBackend]) -> dict[str, Any]:
    return {
        "modes": tuple(sorted(cls.modes)),
        "native": tuple(sorted(cls.native)),
        "inplace": bool(cls.inplace),
        "contexts": bool(cls.contexts),
        "batched_tangents": bool(cls.batched_tangents),
        "nested": bool(cls.nested),
        "thread_safe": bool(cls.thread_safe),
        "array_families": tuple(sorted(cls.array_families)),
    }


def _problem(cls: Any) -> str | None:
    from .._core.backend import NATIVE_OPERATORS, AbstractBackend

    if not (isinstance(cls, type) and issubclass(cls, AbstractBackend)):
        return (f"register({cls!r}): not a subclass of adcore.extend.AbstractBackend; "
                "register backend classes only")
    what = cls.__qualname__
    if not isinstance(cls.name, str) or not cls.name:
        return f"{what} has no `name`: set the class attribute that adcore.backend(name) looks up"
    for attr in ("modes", "native", "array_families"):
        value = getattr(cls, attr)
        if not isinstance(value, (set, frozenset, tuple, list)) or not all(
            isinstance(v, str) for v in value
        ):
            return f"{what}.{attr} = {value!r}: declare a frozenset of strings"
    for attr, allowed in (("modes", _MODES), ("native", NATIVE_OPERATORS)):
        value = getattr(cls, attr)
        if not set(value) <= allowed or (attr == "modes" and not value):
            return (f"{what}.{attr} = {sorted(value)!r}: declare a "
                    f"{'non-empty ' if attr == 'modes' else ''}subset of {sorted(allowed)}")
    return None


def _register(reg: Registry, cand: Candidate, cls: Any) -> None:
    problem = _problem(cls)
    caps = {} if problem else _capabilities(cls)
    taken = None if problem else registered(reg, cls.name)
    if taken is not None:  # names are looked up case-insensitively, so "Good" takes "good"
        first = next(r for r in reg.rows if r.error is None and r.cls is taken)
        problem = (f"{cls.__qualname__} is named {cls.name!r}, a name already taken by "
                   f"{taken.__qualname__} from {first.distribution}, which is "
                   "kept; uninstall one of the two distributions")
    name = getattr(cls, "name", None)
    if not (isinstance(name, str) and name):
        name = getattr(cls, "__name__", None) or repr(cls)
    reg.rows.append(BackendInfo(name, cls if isinstance(cls, type) else None, cand.distribution,
                                cand.version, caps, problem))
    if problem is None:
        reg.classes[name] = cls
