"""``adcore.DifferentiateWith`` (and a cross-engine ``SecondOrder``) under PyTorch.

A ``ForeignFunction`` becomes a ``torch.autograd.Function`` whose forward computes the
value on numpy, and whose backward (``w @ J``) and forward-mode ``jvp`` (``J @ t``) take
``J`` from the same kind of Function over the Jacobian function: a tensor that carries
the graph, so that a second derivative (a double backward, a ``torch.func`` Hessian)
differentiates ``J`` in turn. ``setup_context`` keeps it usable under ``torch.func``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from adcore import NotSupportedError

__all__ = ["call"]


def _numpy(x: torch.Tensor) -> np.ndarray:
    return x.detach().cpu().resolve_conj().numpy()


class _Foreign(torch.autograd.Function):
    @staticmethod
    def forward(x: torch.Tensor, function: Any) -> torch.Tensor:
        y = np.asarray(function.value(_numpy(x)))
        return torch.as_tensor(y.copy(), device=x.device)

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: torch.Tensor) -> None:
        x, function = inputs
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        ctx.function, ctx.y_shape = function, tuple(output.shape)

    @staticmethod
    def backward(ctx: Any, w: torch.Tensor) -> tuple[torch.Tensor, None]:
        (x,) = ctx.saved_tensors
        J = _jacobian(ctx.function, x)
        return (w.reshape(-1).to(J.dtype) @ J).reshape(x.shape).to(x.dtype), None

    @staticmethod
    def jvp(ctx: Any, t: torch.Tensor, _: Any) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        _refuse_forward_over_forward(ctx.function)
        J = _jacobian(ctx.function, x)
        return (J @ t.reshape(-1).to(J.dtype)).reshape(ctx.y_shape)

    @staticmethod
    def vmap(info: Any, in_dims: tuple[Any, ...], x: torch.Tensor, function: Any) -> Any:
        # One call per element of the batch: the function's numbers come from elsewhere.
        if in_dims[0] is None:
            return _Foreign.apply(x, function), None
        rows = [_Foreign.apply(row, function) for row in x.movedim(in_dims[0], 0)]
        return torch.stack(rows), 0


def _refuse_forward_over_forward(function: Any) -> None:
    """Raise under two torch.func forward levels (a jvp of a jvp, as AutoTorch's
    second_derivative): torch does not differentiate a custom jvp rule at the outer
    level, which would miss the second derivative of the function, silently."""
    try:
        from torch._C._functorch import TransformType
        from torch._functorch.pyfunctorch import retrieve_all_functorch_interpreters
    except ImportError:  # pragma: no cover - torch without functorch
        return
    levels = [i for i in retrieve_all_functorch_interpreters() if i.key() == TransformType.Jvp]
    if len(levels) > 1:
        raise NotSupportedError(
            f"{function.description}: PyTorch does not differentiate a custom function's "
            "forward-mode rule in forward mode again (a jvp of a jvp, as AutoTorch's "
            "second_derivative); its second derivative would be wrong. Use reverse mode at "
            "one level: torch.func.jvp over torch.func.grad, or adcore.hvp / hessian with "
            "AutoTorch, or SecondOrder(AutoFiniteDiff(), AutoTorch())."
        )


def _jacobian(function: Any, x: torch.Tensor) -> torch.Tensor:
    """``J(x)`` as a 2-D tensor, differentiable in ``x`` through the Jacobian function."""
    return _Foreign.apply(x, function.jacobian_function())


def call(function: Any, x: torch.Tensor) -> torch.Tensor:
    """``function(x)`` for a tensor ``x``: differentiable by autograd and torch.func."""
    return _Foreign.apply(x, function)
