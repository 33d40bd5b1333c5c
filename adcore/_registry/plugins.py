"""Backends by name, the listing of installed plugins, and the plugins' answers to hooks.

Nothing here runs at ``import adcore``: the plugins load (``loading``) on the first
backend lookup, the first ``available_backends()`` or the first hook asked.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..errors import ArgumentTypeError, BackendNotInstalledError, PluginError
from .loading import ENV, KNOWN, BackendInfo, Registry, loaded, normalize, registered

if TYPE_CHECKING:
    from .._core.backend import AbstractBackend

__all__ = [
    "BackendInfo",
    "ask_each",
    "available_backends",
    "backend",
    "backend_class_for_attribute",
    "first_answer",
    "install_hint",
    "plugin_error",
]


def _not_installed(reg: Registry, name: str, asked: str) -> tuple[str, BaseException | None]:
    """The message of a failed lookup of ``name``, and the plugin error behind it."""
    installed = ", ".join(reg.classes) or "none"
    dist = f"adcore-{name}" if name in KNOWN.values() else None
    for row in reg.rows:
        if row.error is not None and (row.name.lower() == name or normalize(row.distribution) == dist):
            version = f" {row.version}" if row.version else ""
            return (f"{asked}: its plugin {row.distribution}{version} is installed but failed: "
                    f"{row.error.rstrip('.')}. Installed: {installed}. Fix or reinstall "
                    f"{row.distribution}; `adcore backends` lists every plugin's error.",
                    row.exception)
    message = f"{asked}. Installed: {installed}."
    env = f"{ENV}={os.environ.get(ENV, '')!r}"
    for cand in reg.skipped:
        if cand.name.lower() == name or normalize(cand.distribution) == dist:
            return (f"{message} Its plugin {cand.distribution} is installed, but {env} leaves it "
                    f"out: add {cand.distribution} to {ENV}, or unset {ENV}.", None)
    if reg.skipped:
        message += f" {env} leaves out {', '.join(sorted(c.distribution for c in reg.skipped))}."
    if dist is not None:
        return f"{message} {install_hint(dist)}", None
    return (f"{message} Pass one of these names, or install the plugin distribution that "
            f"provides {name!r}.", None)


def install_hint(dist: str) -> str:
    """How to install the shipped plugin ``dist``: from the source tree, since the plugins are
    not published yet, and by the published name once they are.

    >>> hint = install_hint("adcore-example")
    >>> "`python -m pip install ./plugins/adcore-example -c constraints.txt`" in hint
    True
    >>> "`pip install adcore-example`" in hint
    True
    """
    return (f"Install it from adcore's source tree, at its root: `python -m pip install "
            f"./plugins/{dist} -c constraints.txt` (the constraints pin CPU builds of the "
            f"engines); once {dist} is published, `pip install {dist}`.")


def backend(name: str, /, **options: Any) -> AbstractBackend:
    """backend(name, **options) -> backend: build the backend registered under ``name``.

    Args:
        name: ``"finitediff"``, ``"jax"``, ``"torch"``, ``"autograd"``,
            ``"tensorflow"`` or the name of any installed plugin's backend.
        **options: passed to the backend's class, e.g. ``mode="reverse"``.

    Returns:
        The backend, as its class would build it.

    Raises:
        BackendNotInstalledError: no installed plugin provides ``name``; the
            message names the distribution to install, or the error of the
            plugin that failed to load.

    >>> import adcore as ad
    >>> ad.backend("finitediff", method="forward") == ad.AutoFiniteDiff(method="forward")
    True
    """
    if not isinstance(name, str):
        raise ArgumentTypeError(
            f"adcore.backend expects a backend name such as 'finitediff', got {name!r}."
        )
    reg = loaded()
    key = name.strip().lower()
    cls = registered(reg, key)
    if cls is None:
        message, cause = _not_installed(reg, key, f"No backend named {name!r}")
        raise BackendNotInstalledError(message) from cause
    return cls(**options)


def available_backends() -> list[BackendInfo]:
    """available_backends() -> list[BackendInfo]: the installed backends and failed plugins.

    Each row gives the backend's ``name``, its class ``cls``, the
    ``distribution`` and ``version`` that provide it, its declared
    ``capabilities``, and ``error``: None, or why the plugin or the class was
    left out. Rows come in load order, the core's own first.

    >>> import adcore as ad
    >>> [b.name for b in ad.available_backends() if b.error is None][0]
    'finitediff'
    """
    return list(loaded().rows)


def first_answer(hook: str, **kwargs: Any) -> Any | None:
    """first_answer(hook, **kwargs) -> answer or None: the first plugin's non-None answer to
    the ``firstresult`` hook ``hook`` (``"adcore_array_namespace"``...), if any.

    A plugin that raises is passed over, so that it breaks nothing that another plugin or
    the core's own fallback answers; ``ask_each`` says who raised, for the error of a
    caller left without an answer.
    """
    reg = loaded()
    try:
        return getattr(reg.pm.hook, hook)(**kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException:
        pass
    answer, _ = ask_each(hook, **kwargs)
    return answer


def ask_each(hook: str, **kwargs: Any) -> tuple[Any | None, list[tuple[str, BaseException]]]:
    """ask_each(hook, **kwargs) -> (answer, failures): each plugin's implementation of
    ``hook`` in pluggy's call order, until one answers; ``failures`` lists
    ``(distribution, exception)`` for each that raised on the way."""
    failures: list[tuple[str, BaseException]] = []
    for impl in reversed(getattr(loaded().pm.hook, hook).get_hookimpls()):
        try:
            answer = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            failures.append((impl.plugin_name.partition(":")[0], exc))
            continue
        if answer is not None:
            return answer, failures
    return None, failures


def plugin_error(hook: str, failures: list[tuple[str, BaseException]], then: str,
                 **kwargs: Any) -> PluginError:
    """The error of a caller left without an answer to ``hook`` while plugins raised
    (``ask_each``'s ``failures``): it names them, and ``then`` says what failed for it."""
    what = ", ".join(f"{k} of type {type(v).__qualname__}" for k, v in kwargs.items())
    dist, exc = failures[0]
    others = "".join(f" The plugin {d} raised {type(e).__name__}: {e} too." for d, e in failures[1:])
    error = PluginError(
        f"The plugin {dist} raised {type(exc).__name__}: {exc} in {hook} for {what}.{others} "
        f"{then} Report it to the plugin's authors, or leave the plugin out with {ENV}."
    )
    error.__cause__ = exc
    return error


def backend_class_for_attribute(attr: str) -> type[AbstractBackend]:
    """backend_class_for_attribute(attr) -> class: ``adcore.AutoJAX`` and other plugin classes.

    Raises BackendNotInstalledError for a known plugin class whose distribution
    is missing, AttributeError for any other name.
    """
    if attr.startswith("_"):
        # Dunder probes (copy, pickle, doctest, IDEs) must not load plugins.
        raise AttributeError(f"module 'adcore' has no attribute {attr!r}")
    reg = loaded()
    name = KNOWN.get(attr)
    if name is not None:
        if name in reg.classes:
            return reg.classes[name]
        message, cause = _not_installed(reg, name, f"No backend named {name!r} (adcore.{attr})")
        raise BackendNotInstalledError(message) from cause
    for cls in reg.classes.values():
        if cls.__name__ == attr:
            return cls
    raise AttributeError(f"module 'adcore' has no attribute {attr!r}")
