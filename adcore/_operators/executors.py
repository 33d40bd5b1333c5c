"""Prepared operators: what a backend's ``prepare_*`` returns.

An executor is built once, by preparation, for one function and one signature
of its arguments; calling it is the fast path. Contexts arrive here unwrapped:
``contexts`` is the tuple of their values, and ``f`` is called as
``f(x, *contexts)`` (or ``f(y, x, *contexts)`` when the executor was prepared
with an output buffer ``y``).

Tangents come in two forms. The public form is a tuple ``tx`` of arrays like
``x`` (a batch of ``k`` tangents). The stacked form, used by the core's
Jacobian and Hessian fallbacks, is one array ``dx`` of shape ``(k, *x.shape)``;
its default implementation goes through the tuple form, and a backend that
batches natively should override it, since it is what makes a Jacobian one
engine call.

The gathered form, ``gathered_pushforward(dx, index)`` (and ``gathered_pullback``),
fixes the stacked seeds and a gather of the flattened products once, and returns
a function of ``x`` alone: ``AutoSparse``'s compressed Jacobian and its
decompression. Its default goes through the stacked form; an engine that
compiles overrides it to make a sparse Jacobian one call of its own.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from .batching import Gather, stack, unstack

__all__ = [
    "AbstractDerivative",
    "AbstractGradient",
    "AbstractHVP",
    "AbstractHessian",
    "AbstractJacobian",
    "AbstractPullback",
    "AbstractPushforward",
    "AbstractSecondDerivative",
]

Tangents = tuple[Any, ...]


class AbstractPushforward(ABC):
    """A prepared pushforward (JVP): ``ty[i] = J(x) @ tx[i]``."""

    #: Whether ``gathered_pushforward`` is one call of the engine (it compiles products and
    #: gather together). The fallback Jacobian then reads J through it rather than stacking
    #: and transposing the columns. Declare it with the override.
    fused_gather: ClassVar[bool] = False

    @abstractmethod
    def value_and_pushforward(
        self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        """``(f(x), ty)``; for an in-place ``f``, the value is ``y`` filled with ``f(x)``.

        It must agree with the pullback by the dot-product test:
        ``<ty[i], w> == <tx[i], pullback(w)>``.
        """

    def pushforward(self, x: Any, tx: Tangents, contexts: tuple[Any, ...], y: Any = None) -> Tangents:
        """``ty`` alone; override where the value costs extra."""
        return self.value_and_pushforward(x, tx, contexts, y)[1]

    def value_and_pushforward_stacked(
        self, x: Any, dx: Any, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Any]:
        """``(f(x), dy)`` for stacked tangents ``dx`` of shape ``(k, *x.shape)``."""
        value, ty = self.value_and_pushforward(x, unstack(dx), contexts, y)
        return value, stack(ty, dx)

    def pushforward_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        """``dy`` of shape ``(k, *y.shape)`` for stacked tangents ``dx``."""
        return stack(self.pushforward(x, unstack(dx), contexts, y), dx)

    def gathered_pushforward(self, dx: Any, index: Any, with_value: bool = False) -> Callable[..., Any]:
        """``run(x, contexts, y=None)``: ``pushforward_stacked(x, dx, ...)`` flattened (C order)
        and read at ``index``; ``(f(x), those)`` ``with_value``.

        ``dx`` and ``index`` are fixed once, when ``run`` is built: AutoSparse's seeds and the
        positions of its result's entries among the compressed products. ``index`` is a numpy
        integer array of any shape whose entries lie in ``[0, dx.shape[0] * y.size]``; the last
        value reads zero. Override it where the engine can do the whole in one call. For a
        numpy ``x`` the values read may be the engine's array, which callers read with
        ``numpy.asarray`` (``adcore._core.arrays.writable_numpy``) as late as they can.
        """
        gather = Gather(index)
        if with_value:
            def run_with_value(x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
                value, dy = self.value_and_pushforward_stacked(x, dx, contexts, y)
                return value, gather(dy)

            return run_with_value
        return lambda x, contexts, y=None: gather(self.pushforward_stacked(x, dx, contexts, y))


class AbstractPullback(ABC):
    """A prepared pullback (VJP): ``tx[i] = ty[i] @ J(x)``."""

    #: As ``AbstractPushforward.fused_gather``, for ``gathered_pullback``.
    fused_gather: ClassVar[bool] = False

    @abstractmethod
    def value_and_pullback(
        self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Tangents]:
        """``(f(x), tx)``; it must agree with the pushforward by the dot-product test."""

    def pullback(self, x: Any, ty: Tangents, contexts: tuple[Any, ...], y: Any = None) -> Tangents:
        """``tx`` alone; override where the value costs extra."""
        return self.value_and_pullback(x, ty, contexts, y)[1]

    def value_and_pullback_stacked(
        self, x: Any, dy: Any, contexts: tuple[Any, ...], y: Any = None
    ) -> tuple[Any, Any]:
        """``(f(x), dx)`` for stacked cotangents ``dy`` of shape ``(k, *y.shape)``."""
        value, tx = self.value_and_pullback(x, unstack(dy), contexts, y)
        # No cotangents where f has no outputs: the empty stack is still shaped like x.
        return value, stack(tx, x if hasattr(x, "shape") else dy, tuple(getattr(x, "shape", ())))

    def pullback_stacked(self, x: Any, dy: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        """``dx`` of shape ``(k, *x.shape)`` for stacked cotangents ``dy``."""
        return self.value_and_pullback_stacked(x, dy, contexts, y)[1]

    def gathered_pullback(self, dy: Any, index: Any, with_value: bool = False) -> Callable[..., Any]:
        """``run(x, contexts, y=None)``: ``pullback_stacked(x, dy, ...)`` flattened and read at
        ``index``, entries in ``[0, dy.shape[0] * x.size]``, as for ``gathered_pushforward``."""
        gather = Gather(index)
        if with_value:
            def run_with_value(x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
                value, dx = self.value_and_pullback_stacked(x, dy, contexts, y)
                return value, gather(dx)

            return run_with_value
        return lambda x, contexts, y=None: gather(self.pullback_stacked(x, dy, contexts, y))


class AbstractDerivative(ABC):
    """A prepared derivative of a function of a scalar."""

    @abstractmethod
    def value_and_derivative(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        """``(f(x), f'(x))``, ``f'(x)`` shaped like ``f(x)``."""

    def derivative(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self.value_and_derivative(x, contexts, y)[1]


class AbstractGradient(ABC):
    """A prepared gradient of a scalar function."""

    @abstractmethod
    def value_and_gradient(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        """``(f(x), grad)``, ``grad`` shaped like ``x``."""

    def gradient(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.value_and_gradient(x, contexts)[1]


class AbstractJacobian(ABC):
    """A prepared Jacobian: the matrix ``(y.size, x.size)`` in C order."""

    @abstractmethod
    def value_and_jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> tuple[Any, Any]:
        """``(f(x), J)``."""

    def jacobian(self, x: Any, contexts: tuple[Any, ...], y: Any = None) -> Any:
        return self.value_and_jacobian(x, contexts, y)[1]


class AbstractSecondDerivative(ABC):
    """A prepared second derivative of a function of a scalar."""

    @abstractmethod
    def value_derivative_and_second_derivative(
        self, x: Any, contexts: tuple[Any, ...]
    ) -> tuple[Any, Any, Any]:
        """``(f(x), f'(x), f''(x))``."""

    def second_derivative(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.value_derivative_and_second_derivative(x, contexts)[2]


class AbstractHVP(ABC):
    """A prepared Hessian-vector product of a scalar function: ``tg[i] = H(x) @ tx[i]``."""

    @abstractmethod
    def gradient_and_hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> tuple[Any, Tangents]:
        """``(grad, tg)``."""

    def hvp(self, x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> Tangents:
        return self.gradient_and_hvp(x, tx, contexts)[1]

    def gradient_and_hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any]:
        """``(grad, dg)`` for stacked tangents ``dx`` of shape ``(k, *x.shape)``."""
        grad, tg = self.gradient_and_hvp(x, unstack(dx), contexts)
        return grad, stack(tg, dx)

    def hvp_stacked(self, x: Any, dx: Any, contexts: tuple[Any, ...]) -> Any:
        """``dg`` alone; override where the gradient costs extra (finite differences)."""
        return self.gradient_and_hvp_stacked(x, dx, contexts)[1]


class AbstractHessian(ABC):
    """A prepared Hessian of a scalar function: the matrix ``(x.size, x.size)``."""

    @abstractmethod
    def value_gradient_and_hessian(self, x: Any, contexts: tuple[Any, ...]) -> tuple[Any, Any, Any]:
        """``(f(x), grad, H)``."""

    def hessian(self, x: Any, contexts: tuple[Any, ...]) -> Any:
        return self.value_gradient_and_hessian(x, contexts)[2]
