"""The hook implementations that the ``adcore`` entry point ``torch`` names.

Neither hook imports torch: the class registers without it, and a value can
only be a tensor once torch has been imported by whoever made it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from adcore.extend import AbstractBackend, hookimpl

from ._backend import AutoTorch


@hookimpl
def adcore_register_backends(register: Callable[[type[AbstractBackend]], None]) -> None:
    register(AutoTorch)


@hookimpl
def adcore_array_namespace(x: Any) -> Any | None:
    """array_api_compat's torch namespace for tensors, also inside torch.func transforms."""
    module = type(x).__module__
    if (module == "torch" or module.startswith("torch.")) and "torch" in sys.modules:
        import torch

        if isinstance(x, torch.Tensor):
            import array_api_compat.torch as xp

            return xp
    return None
