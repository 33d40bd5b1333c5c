"""``AutoAutograd``: its options, what it declares, and its preparations.

autograd is imported by the executors module, on the first preparation, never
when the plugin loads.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, final

import numpy as np

from adcore import Cache, NotSupportedError
from adcore.extend import AbstractBackend, with_scratch

if TYPE_CHECKING:
    from adcore.extend import (
        AbstractGradient,
        AbstractHessian,
        AbstractHVP,
        AbstractJacobian,
        AbstractPullback,
        AbstractPushforward,
    )

__all__ = ["AutoAutograd"]

Contexts = tuple[Any, ...]


@final
@dataclass(frozen=True, repr=False)
class AutoAutograd(AbstractBackend):
    """AutoAutograd(mode=None): HIPS autograd, on numpy arrays and Python floats.

    Pullbacks trace ``f`` once with ``autograd.make_vjp`` and pull every
    cotangent of a batch back through that one trace; pushforwards use
    autograd's forward mode (``make_jvp``), one trace per tangent. Gradient,
    Jacobian, Hessian and hvp are native.

    Args:
        mode: where an operator can go either way, which way: ``None`` picks per
            operator (reverse gradients; a Jacobian forward when ``x`` is smaller
            than ``f(x)``, else reverse; Hessians and hvps reverse over
            reverse, as ``autograd.hessian`` and ``autograd.make_hvp`` do);
            ``"forward"`` computes gradients and Jacobians from pushforwards and
            second order forward over reverse; ``"reverse"`` uses pullbacks
            wherever it can. A pushforward is always forward, a pullback reverse.

    ``f`` must be written with ``autograd.numpy``, or with
    ``adcore.array_namespace(x)``, which gives autograd's namespace for its
    boxes. A ``Cache`` reaches ``f`` as a writable box (autograd has no mutable
    arrays, and no numpy array can hold its boxes); in-place functions
    ``f(y, x)`` raise ``adcore.NotSupportedError``.

    >>> import numpy as np, adcore as ad
    >>> ad.jacobian(lambda x: x[::-1] * 2, ad.AutoAutograd(mode="forward"), np.ones(2))
    array([[0., 2.],
           [2., 0.]])
    """

    mode: str | None = None

    name: ClassVar[str] = "autograd"
    distribution: ClassVar[str] = "adcore-autograd"
    modes: ClassVar[frozenset[str]] = frozenset({"forward", "reverse"})
    native: ClassVar[frozenset[str]] = frozenset({"gradient", "jacobian", "hvp", "hessian"})
    inplace: ClassVar[bool] = False
    contexts: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    nested: ClassVar[bool] = True
    thread_safe: ClassVar[bool] = True
    #: No hvp (nor hessian) of a complex x: autograd's grad of a real f of complex x follows another
    #: convention, which second order would differentiate (refused with NotSupportedError).
    complex_operators: ClassVar[frozenset[str]] = frozenset({"gradient", "pushforward", "pullback"})
    array_families: ClassVar[frozenset[str]] = frozenset({"numpy"})

    def available(self) -> bool:
        return importlib.util.find_spec("autograd") is not None

    # --- primitives

    def prepare_pushforward(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
        y: Any = None, same_point: bool = False,
    ) -> AbstractPushforward:
        from ._executors import Pushforward

        return Pushforward(_scratched(f, contexts))

    def prepare_pullback(
        self, f: Callable[..., Any], x: Any, ty: tuple[Any, ...], contexts: Contexts, *,
        y: Any = None, same_point: bool = False,
    ) -> AbstractPullback:
        from ._executors import Pullback, SamePointPullback

        f = _scratched(f, contexts)
        return SamePointPullback(f, x) if same_point else Pullback(f, x)

    # --- native operators

    def prepare_gradient(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractGradient:
        from ._executors import ForwardGradient, Gradient

        f = _scratched(f, contexts)
        # A complex x goes reverse: forward mode along the complex basis sees only the
        # holomorphic part of f.
        forward = self.mode == "forward" and not np.iscomplexobj(x)
        return ForwardGradient(f, x) if forward else Gradient(f, x)

    def prepare_jacobian(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractJacobian:
        from ._executors import ForwardJacobian, ReverseJacobian

        forward = self.mode == "forward"
        if self.mode is None:
            # Columns when x is the smaller side, else rows: a backward pass through the one
            # trace costs autograd less than tracing again forward, so a tie goes to rows.
            value = f(x, *(c.value for c in contexts))
            forward = _size(x) < _size(value)
        f = _scratched(f, contexts)
        return ForwardJacobian(f, x) if forward else ReverseJacobian(f, x)

    def prepare_hvp(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
        same_point: bool = False,
    ) -> AbstractHVP:
        from ._executors import HVP, ForwardOverReverseHVP, SamePointHVP

        _refuse_complex(x, "hvp")
        f = _scratched(f, contexts)
        if self.mode == "forward":
            return ForwardOverReverseHVP(f, x)
        return SamePointHVP(f, x) if same_point else HVP(f, x)

    def prepare_hessian(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractHessian:
        from ._executors import Hessian

        _refuse_complex(x, "hessian")
        return Hessian(_scratched(f, contexts), x, forward=self.mode == "forward")


def _scratched(f: Callable[..., Any], contexts: Contexts) -> Callable[..., Any]:
    """``f`` given a ScratchBox for each Cache's value (``f`` itself without Caches), its
    errors from numpy or Python numbers handed autograd's boxes said in adcore's terms."""
    from ._scratch import make

    g = with_scratch(f, [isinstance(c, Cache) for c in contexts], make)

    def traced(x: Any, *args: Any) -> Any:
        try:
            return g(x, *args)
        except (TypeError, ValueError) as e:
            raise _untraceable(e, g, x, args) from e

    return traced


def _untraceable(e: Exception, g: Callable[..., Any], x: Any, args: tuple[Any, ...]) -> Exception:
    """``e`` itself, unless ``g`` runs at the plain value of ``x``: then the box was what
    failed (``float(x)``, ``math.sin(x)``, a box written into a numpy array), and the error
    says to write f with ``adcore.array_namespace``."""
    from autograd.tracer import getval

    plain = getval(x)
    if plain is x:
        return e
    try:
        g(plain, *args)
    except Exception:
        return e
    first = (str(e).strip().splitlines() or [""])[0]
    return NotSupportedError(
        f"AutoAutograd cannot differentiate f: f passed autograd's traced x (an ArrayBox) to "
        f"numpy or to a Python number ({type(e).__name__}: {first}). Write f with the namespace "
        "of x: `xp = adcore.array_namespace(x)`, then xp.sin(x), xp.sum(...), and build arrays "
        "with xp.stack rather than writing into np.zeros(...); it is autograd's numpy under "
        "autograd and numpy for numpy arrays, so the same f serves every backend."
    )


def _size(v: Any) -> int:
    n = 1
    for d in getattr(v, "shape", ()):
        n *= int(d)
    return n


def _refuse_complex(x: Any, operator: str) -> None:
    """Second order of a complex ``x`` would follow autograd's convention, not adcore's."""
    if np.iscomplexobj(x):
        raise NotSupportedError(
            f"AutoAutograd: {operator} of a complex x is not supported (the Hessian of a real "
            "function of complex x is a real-linear map, no complex matrix). Differentiate "
            "with respect to the real and imaginary parts: pass `np.concatenate([x.real, "
            "x.imag])` and rebuild `x` inside f."
        )
