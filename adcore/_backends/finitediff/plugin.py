"""The core's own plugin: registers ``AutoFiniteDiff`` as any plugin registers its backends.

It is named by the entry point ``finitediff`` of the ``adcore`` distribution
(``[project.entry-points.adcore]`` in ``pyproject.toml``) and is loaded, like
every other plugin, on the first backend lookup.
"""

from __future__ import annotations

from collections.abc import Callable

from ..._core.backend import AbstractBackend
from ..._registry.hookspecs import hookimpl
from . import AutoFiniteDiff


@hookimpl
def adcore_register_backends(register: Callable[[type[AbstractBackend]], None]) -> None:
    register(AutoFiniteDiff)
