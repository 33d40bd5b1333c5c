"""``AutoTorch``: the backend object, its options and capabilities.

This module does not import torch, so that registering the plugin costs
nothing; ``_prepare`` (imported by the first ``prepare_*``) does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, final

from adcore import NotSupportedError
from adcore.extend import (
    AbstractBackend,
    AbstractGradient,
    AbstractHessian,
    AbstractHVP,
    AbstractJacobian,
    AbstractPullback,
    AbstractPushforward,
    AbstractSecondDerivative,
)

__all__ = ["AutoTorch"]

Contexts = tuple[Any, ...]


@final
@dataclass(frozen=True, repr=False)
class AutoTorch(AbstractBackend):
    """AutoTorch(mode=None, compile=False, create_graph=False): PyTorch, on torch.func and classic autograd.

    Args:
        mode: where an operator can go either way, which: ``"forward"`` or
            ``"reverse"``; ``None`` picks per operator (``jacobian``: ``jacfwd``
            when ``x`` is no larger than ``y``, else ``jacrev``; ``hessian`` and
            ``hvp``: forward over reverse). ``gradient`` and ``pullback`` are
            always reverse, ``pushforward`` and ``derivative`` always forward.
        compile: compile each prepared function with ``torch.compile`` once, in
            preparation (which then takes seconds); prepared calls run the
            compiled code.
        create_graph: results of a call at a tensor ``x`` that requires grad
            carry the autograd graph (as ``torch.autograd.functional`` names it),
            so that a loss made of them backpropagates to ``x`` (a gradient
            penalty); by default no graph leaves a call.

    Takes numpy arrays (results are numpy, converted without copies), Python
    floats and ``torch.Tensor`` on any device (results are tensors of the same
    dtype and device, with no autograd graph; the caller's tensors keep their
    ``requires_grad`` and ``.grad``).

    >>> import numpy as np, torch, adcore as ad
    >>> ad.jacobian(lambda x: x ** 2 * x[0], ad.AutoTorch(), np.array([1.0, 2.0]))
    array([[3., 0.],
           [4., 4.]])
    >>> ad.gradient(lambda x: (x ** 2).sum(), ad.AutoTorch(), torch.ones(2, dtype=torch.float32))
    tensor([2., 2.])
    """

    mode: str | None = None
    compile: bool = False
    create_graph: bool = False

    name: ClassVar[str] = "torch"
    distribution: ClassVar[str] = "adcore-torch"
    modes: ClassVar[frozenset[str]] = frozenset({"forward", "reverse"})
    native: ClassVar[frozenset[str]] = frozenset(
        {"gradient", "jacobian", "hessian", "hvp", "second_derivative"}
    )
    #: The gradient over a pytree (``dict(model.named_parameters())``): classic autograd on
    #: its leaves, as ``torch.autograd.grad(loss, params)``.
    pytrees: ClassVar[frozenset[str]] = frozenset({"gradient"})
    inplace: ClassVar[bool] = True
    contexts: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    nested: ClassVar[bool] = True
    # torch's forward-mode AD is not thread-safe upstream: adcore-torch serializes it (_prepare).
    thread_safe: ClassVar[bool] = True
    array_families: ClassVar[frozenset[str]] = frozenset({"numpy", "torch"})

    def available(self) -> bool:
        try:
            import torch  # noqa: F401
        except ImportError:
            return False
        return True

    def synchronize(self, result: Any) -> Any:
        torch = sys.modules.get("torch")
        if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
            torch.cuda.synchronize()
        return result

    # --- primitives

    def prepare_pushforward(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
        y: Any = None, same_point: bool = False,
    ) -> AbstractPushforward:
        from ._prepare import prepare

        return prepare(self, "pushforward", f, x, contexts, tangents=tx, y=y)

    def prepare_pullback(
        self, f: Callable[..., Any], x: Any, ty: tuple[Any, ...], contexts: Contexts, *,
        y: Any = None, same_point: bool = False,
    ) -> AbstractPullback:
        from ._prepare import prepare

        return prepare(self, "pullback", f, x, contexts, tangents=ty, y=y)

    # --- native operators

    def prepare_gradient(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractGradient:
        from ._prepare import prepare_gradient

        return prepare_gradient(self, f, x, contexts)

    def prepare_jacobian(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractJacobian:
        from ._prepare import prepare

        return prepare(self, "jacobian", f, x, contexts, y=y)

    def prepare_hessian(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractHessian:
        from ._prepare import prepare

        if _is_complex(x):
            raise NotSupportedError(
                "AutoTorch: hessian of a complex x is not supported: the Hessian of a real "
                "function of complex x is a real-linear map, in general no complex matrix. "
                "Use adcore.hvp (the real-linear map applied to a tangent), or differentiate "
                "with respect to `np.concatenate([x.real, x.imag])` and rebuild `x` inside f."
            )
        return prepare(self, "hessian", f, x, contexts)

    def prepare_hvp(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
        same_point: bool = False,
    ) -> AbstractHVP:
        from ._prepare import prepare

        return prepare(self, "hvp", f, x, contexts, tangents=tx)

    def prepare_second_derivative(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractSecondDerivative:
        from ._prepare import prepare

        return prepare(self, "second_derivative", f, x, contexts)


def _is_complex(x: Any) -> bool:
    """Whether ``x`` (a tensor, an array or a number) is complex, without importing torch."""
    is_complex = getattr(x, "is_complex", None)
    if callable(is_complex):
        return bool(is_complex())
    return isinstance(x, complex) or getattr(getattr(x, "dtype", None), "kind", "") == "c"
