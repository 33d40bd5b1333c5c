"""Serialized calls into backends that declare ``thread_safe = False``.

Such a backend's engine keeps state that threads share (torch's forward-mode AD levels are
one example upstream): two threads in it at once may raise, crash, or return wrong numbers.
adcore then holds one process-wide lock around each entry into it: its ``prepare_*`` and
every method of the executors they return. The lock is reentrant, so that a serialized
call that enters the backend again (second order, nested in itself) goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["ENGINE_LOCK", "Serialized", "serialized_prepare"]

#: Held around every call into a backend that is not thread-safe.
ENGINE_LOCK = threading.RLock()


def serialized_prepare(backend: Any, prepare: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``prepare(*args, **kwargs)``, a ``prepare_*`` method of ``backend``; for a backend
    that declares ``thread_safe = False``, under the lock, its executor wrapped to take it."""
    if backend.thread_safe:
        return prepare(*args, **kwargs)
    with ENGINE_LOCK:
        return Serialized(prepare(*args, **kwargs))


class Serialized:
    """An executor whose methods run under ``ENGINE_LOCK``; its other attributes (the
    class attributes ``fused_gather``, ``prep_class``) read through. A method that returns
    a function (``gathered_pushforward``'s ``run``) returns it serialized too."""

    def __init__(self, executor: Any) -> None:
        self._executor = executor

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._executor, name)
        if not callable(attr) or isinstance(attr, type):  # data, or a class: `prep_class`
            return attr

        def locked(*args: Any, **kwargs: Any) -> Any:
            with ENGINE_LOCK:
                result = attr(*args, **kwargs)
            return _locked_function(result) if name.startswith("gathered_") else result

        self.__dict__[name] = locked  # once per method: later calls skip __getattr__
        return locked


def _locked_function(run: Callable[..., Any]) -> Callable[..., Any]:
    def locked(*args: Any, **kwargs: Any) -> Any:
        with ENGINE_LOCK:
            return run(*args, **kwargs)

    return locked
