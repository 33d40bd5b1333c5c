"""``AutoTensorFlow``: its options, what it declares, and its preparations.

TensorFlow is imported by the executors module, on the first preparation, never
when the plugin loads: its import takes seconds.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, final

import adcore as ad
from adcore.extend import AbstractBackend

if TYPE_CHECKING:
    from adcore.extend import (
        AbstractGradient,
        AbstractHessian,
        AbstractHVP,
        AbstractJacobian,
        AbstractPullback,
        AbstractPushforward,
        AbstractSecondDerivative,
    )

__all__ = ["AutoTensorFlow"]

Contexts = tuple[Any, ...]


@final
@dataclass(frozen=True, repr=False)
class AutoTensorFlow(AbstractBackend):
    """AutoTensorFlow(mode=None, jit=False): TensorFlow, on numpy arrays and TensorFlow tensors.

    Pullbacks record ``f`` on a ``tf.GradientTape`` (one recording for a whole
    batch of cotangents), pushforwards run it under a
    ``tf.autodiff.ForwardAccumulator``; gradient, Jacobian, Hessian and hvp
    are native, and so is the second derivative (two nested accumulators, one
    pass). numpy in gives numpy out; ``tf.Tensor`` and ``tf.Variable``
    in give ``tf.Tensor`` out; dtypes are kept.

    Args:
        mode: where an operator can go either way, which way: ``None`` picks per
            operator (reverse gradients; a Jacobian forward when ``x`` is no
            larger than ``f(x)`` with ``jit``, at most a tenth of it eagerly, where
            forward passes are slow, else reverse; Hessians and hvps reverse over
            reverse, TensorFlow's fastest); ``"forward"`` computes gradients and
            Jacobians with the forward accumulator and second order forward over
            reverse; ``"reverse"`` uses tapes wherever it can. A pushforward is
            always forward, a pullback reverse.
        jit: when True, each preparation wraps its computation in
            ``tf.function(jit_compile=True)`` once: every later call runs one
            compiled XLA program (the first call at a new shape or dtype traces
            and compiles it). Reverse Jacobians and Hessians then use
            ``GradientTape.jacobian``, vectorized by TensorFlow's ``pfor``.

    ``f`` must be written with TensorFlow operations, or with
    ``adcore.array_namespace(x)``, which gives ``tf.experimental.numpy`` (under
    array-API names) for tensors. Tensors are immutable: a ``Cache`` reaches
    ``f`` as a writable stand-in whose writes are differentiable scatters, and
    in-place functions ``f(y, x)`` raise ``adcore.NotSupportedError``.

    >>> import numpy as np, adcore as ad
    >>> ad.jacobian(lambda x: x[::-1] * 2, ad.AutoTensorFlow(mode="forward"), np.ones(2))
    array([[0., 2.],
           [2., 0.]])
    """

    mode: str | None = None
    jit: bool = False

    name: ClassVar[str] = "tensorflow"
    distribution: ClassVar[str] = "adcore-tensorflow"
    modes: ClassVar[frozenset[str]] = frozenset({"forward", "reverse"})
    native: ClassVar[frozenset[str]] = frozenset(
        {"gradient", "jacobian", "second_derivative", "hvp", "hessian"}
    )
    inplace: ClassVar[bool] = False
    contexts: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    nested: ClassVar[bool] = True
    thread_safe: ClassVar[bool] = True
    array_families: ClassVar[frozenset[str]] = frozenset({"numpy", "tensorflow"})

    def available(self) -> bool:
        return importlib.util.find_spec("tensorflow") is not None

    # --- primitives

    def prepare_pushforward(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
        y: Any = None, same_point: bool = False,
    ) -> AbstractPushforward:
        from ._executors import Pushforward

        return Pushforward(self._kernels(f, "pushforward", contexts), x)

    def prepare_pullback(
        self, f: Callable[..., Any], x: Any, ty: tuple[Any, ...], contexts: Contexts, *,
        y: Any = None, same_point: bool = False,
    ) -> AbstractPullback:
        from ._executors import Pullback, SamePointPullback

        kernels = self._kernels(f, "pullback", contexts)
        return SamePointPullback(kernels, x) if same_point and not self.jit else Pullback(kernels, x)

    # --- native operators

    def prepare_gradient(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractGradient:
        from ._executors import Gradient

        # A complex x goes reverse: forward mode along the complex basis sees only the
        # holomorphic part of f.
        forward = self.mode == "forward" and not _is_complex(x)
        return Gradient(self._kernels(f, "gradient", contexts), x, forward=forward)

    def prepare_jacobian(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractJacobian:
        from ._executors import Jacobian, size_of_value

        kernels = self._kernels(f, "jacobian", contexts)
        forward = self.mode == "forward"
        if self.mode is None:
            # Columns when x is the smaller side, rows otherwise; eagerly, a forward
            # accumulator's pass costs about ten backward passes through one recording.
            columns = 1 if self.jit else 10
            forward = columns * _size(x) <= size_of_value(kernels.f, x, contexts)
        return Jacobian(kernels, x, forward=forward)

    def prepare_second_derivative(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractSecondDerivative:
        from ._executors import SecondDerivative

        return SecondDerivative(self._kernels(f, "second_derivative", contexts), x)

    def prepare_hvp(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
        same_point: bool = False,
    ) -> AbstractHVP:
        from ._executors import HVP, SamePointHVP

        kernels = self._kernels(f, "hvp", contexts)
        if self.mode == "forward":
            return HVP(kernels, x, forward=True)
        return SamePointHVP(kernels, x) if same_point and not self.jit else HVP(kernels, x)

    def prepare_hessian(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractHessian:
        from ._executors import Hessian

        if _is_complex(x):
            raise ad.NotSupportedError(
                "AutoTensorFlow: hessian of a complex x is not supported: the Hessian of a "
                "real function of complex x is a real-linear map, in general no complex "
                "matrix. Use adcore.hvp (the real-linear map applied to a tangent), or "
                "differentiate with respect to `np.concatenate([x.real, x.imag])` and "
                "rebuild `x` inside f."
            )
        return Hessian(self._kernels(f, "hessian", contexts), x, forward=self.mode == "forward")

    def _kernels(self, f: Callable[..., Any], operator: str, contexts: Contexts) -> Any:
        if not self.available():
            raise ad.BackendNotInstalledError(
                f"{operator}: {self!r} needs TensorFlow, which is not installed. Install a "
                "build of it: `pip install tensorflow-cpu`, `pip install tensorflow`, or any "
                "other (from adcore's source tree, at its root: `python -m pip install "
                "\"./plugins/adcore-tensorflow[cpu]\" -c constraints.txt`; once adcore-tensorflow "
                "is published, `pip install \"adcore-tensorflow[cpu]\"` or `[gpu]`)."
            )
        from ._kernels import Kernels
        from ._scratch import scratched
        from ._untraceable import checked

        return Kernels(checked(scratched(f, contexts)), jit=self.jit, contexts=len(contexts))


def _size(v: Any) -> int:
    n = 1
    for d in getattr(v, "shape", ()):
        n *= int(d)
    return n


def _is_complex(x: Any) -> bool:
    """Whether ``x`` (a tensor, an array or a number) is complex, without importing TensorFlow."""
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return isinstance(x, complex)
    return bool(getattr(dtype, "is_complex", False)) or getattr(dtype, "kind", "") == "c"
