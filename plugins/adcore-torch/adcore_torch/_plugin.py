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


@hookimpl
def adcore_to_numpy(value: Any) -> Any | None:
    """A tensor off its graph and device, as numpy (the conjugate bit resolved)."""
    module = type(value).__module__
    if (module == "torch" or module.startswith("torch.")) and "torch" in sys.modules:
        import torch

        if isinstance(value, torch.Tensor):
            return value.detach().cpu().resolve_conj().numpy()
    return None


@hookimpl
def adcore_from_numpy(value: Any, family: str) -> Any | None:
    if family != "torch":
        return None
    import torch

    return torch.asarray(value.copy())


@hookimpl
def adcore_differentiate_with(function: Any, x: Any) -> Any | None:
    """A tensor: one autograd.Function, differentiable by autograd and torch.func."""
    module = type(x).__module__
    if (module == "torch" or module.startswith("torch.")) and "torch" in sys.modules:
        from ._differentiate_with import call

        return call(function, x)
    return None
