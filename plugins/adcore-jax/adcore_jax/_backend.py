"""The ``AutoJAX`` backend object: its options and its preparations.

Importing this module does not import JAX: ``adcore`` registers the class when
its plugins load, and JAX is imported by the first preparation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, final

from adcore import Prep
from adcore.extend import NATIVE_OPERATORS, AbstractBackend, register_array_family

if TYPE_CHECKING:
    from adcore.extend import (
        AbstractDerivative,
        AbstractGradient,
        AbstractHessian,
        AbstractHVP,
        AbstractJacobian,
        AbstractPullback,
        AbstractPushforward,
        AbstractSecondDerivative,
    )

    from ._engine import Setup

__all__ = ["AutoJAX", "JAXPrep"]

# JAX defines its arrays in the package jaxlib: they are of the family "jax".
register_array_family("jaxlib", "jax")

Contexts = tuple[Any, ...]


class JAXPrep(Prep):
    """A ``Prep`` that checks ``jax.Array`` (or tracer) arguments by their ``aval``:
    JAX interns those, so one identity test stands for shape and dtype, at a
    fraction of the cost of reading ``.shape`` and ``.dtype``. Calls with contexts,
    or that do not fit at first sight, get ``Prep``'s whole check. A numpy ``x`` gets
    a plain ``Prep``."""

    __slots__ = ("_aval", "_tangent_aval", "_tangent_avals")

    #: How the prep of a pytree x checks each leaf on a prepared call: one aval, interned.
    leaf_signature = attrgetter("aval")

    def __new__(cls, operator: str, f: Callable[..., Any], backend: Any, executor: Any, x: Any,
                *args: Any, **kwargs: Any) -> Prep:
        # x of the numpy family: a plain Prep, so that its check is called directly
        if getattr(x, "aval", None) is None:
            return Prep(operator, f, backend, executor, x, *args, **kwargs)
        return super().__new__(cls)

    def __init__(self, operator: str, f: Callable[..., Any], backend: Any, executor: Any, x: Any,
                 contexts: Contexts, tangents: tuple[Any, ...] | None = None, *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(operator, f, backend, executor, x, contexts, tangents, *args, **kwargs)
        self._aval = x.aval
        self._tangent_avals = tuple(getattr(t, "aval", None) for t in tangents or ())
        # the aval of the usual single tangent, compared inline; with several, one that no aval is
        self._tangent_aval = self._tangent_avals[0] if len(self._tangent_avals) == 1 else _NO_AVAL

    def check(self, operator: str, f: Callable[..., Any], backend: Any, x: Any, contexts: Contexts,
              tangents: tuple[Any, ...] | None = None, y: Any = None) -> None:
        try:
            if (
                x.aval is self._aval  # any JAX value of this aval fits: an array, a tracer
                and f is self.f
                and operator is self.operator
                and backend is self.backend
                and not contexts
                and y is None
                and (tangents is None
                     or (len(tangents) == 1 and tangents[0].aval is self._tangent_aval)
                     or _same_avals(tangents, self._tangent_avals))
            ):
                return
        except (AttributeError, TypeError):  # not JAX values, or no tuple: the whole check says why
            pass
        Prep._check(self, operator, f, backend, x, contexts, tangents, y)


_NO_AVAL = object()


def _same_avals(values: Any, avals: tuple[Any, ...]) -> bool:
    """Whether ``values`` are JAX values with these avals (False for anything else)."""
    try:
        if len(values) == 1 == len(avals):  # the usual single tangent, without a tuple built
            return values[0].aval is avals[0]
        return tuple(map(_aval, values)) == avals
    except (AttributeError, TypeError):
        return False


_aval = attrgetter("aval")


@final
@dataclass(frozen=True, repr=False)
class AutoJAX(AbstractBackend):
    """AutoJAX(mode=None, jit=True, shard=False): differentiation with JAX.

    Args:
        mode: ``None`` picks per operator (``jax.grad`` for gradients, ``jax.jacfwd``
            or ``jax.jacrev`` for a Jacobian by the sizes of ``x`` and ``f(x)``,
            forward over reverse for hvps and Hessians); ``"forward"`` or
            ``"reverse"`` imposes the outermost differentiation's mode.
        jit: compile each prepared operator with ``jax.jit`` (one compilation per
            function and signature, shared by every preparation); ``False`` runs
            JAX's transformations eagerly, for functions that ``jax.jit`` cannot trace.
        shard: split each batch of tangents across ``jax.devices()`` (when there are
            several): the basis of a Jacobian or Hessian, the seeds of AutoSparse's colors,
            a batch of pushforwards, stacked pullbacks or hvps. Each device computes a
            share of the products, with ``x`` and the contexts on every device; results
            equal the unsharded ones. Pays for large batches on several accelerators.

    float64 numpy inputs are differentiated in float64 (JAX's 64-bit mode is on
    during adcore's calls only); numpy in gives numpy out, ``jax.Array`` in gives
    ``jax.Array`` out, on the device of ``x``.

    >>> import numpy as np, adcore as ad
    >>> ad.gradient(lambda x: (x ** 2).sum(), ad.AutoJAX(), np.array([1.0, 2.0]))
    array([2., 4.])
    """

    mode: str | None = None
    jit: bool = True
    shard: bool = False

    name: ClassVar[str] = "jax"
    distribution: ClassVar[str] = "adcore-jax"
    modes: ClassVar[frozenset[str]] = frozenset({"forward", "reverse"})
    native: ClassVar[frozenset[str]] = frozenset(NATIVE_OPERATORS)
    #: jax.grad takes the pytree itself, jitted (JAX flattens it in C++).
    pytrees: ClassVar[frozenset[str]] = frozenset({"gradient"})
    inplace: ClassVar[bool] = False
    contexts: ClassVar[bool] = True
    batched_tangents: ClassVar[bool] = True
    nested: ClassVar[bool] = True
    thread_safe: ClassVar[bool] = True
    #: No hvp (nor hessian) of a complex x: jax.grad of a real f of complex x follows another
    #: convention, which second order would differentiate (refused with NotSupportedError).
    complex_operators: ClassVar[frozenset[str]] = frozenset({"gradient", "pushforward", "pullback"})
    array_families: ClassVar[frozenset[str]] = frozenset({"numpy", "jax"})
    prep_class: ClassVar[type[Prep]] = JAXPrep

    def available(self) -> bool:
        try:
            import jax  # noqa: F401
        except Exception:
            return False
        return True

    def synchronize(self, result: Any) -> Any:
        import jax

        return jax.block_until_ready(result)

    def _setup(self, f: Callable[..., Any], x: Any, contexts: Contexts, tangents: Any = ()) -> Setup:
        from ._engine import Setup

        return Setup(self, f, x, contexts, tangents)

    # --- primitives

    def prepare_pushforward(self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts,
                            *, y: Any = None, same_point: bool = False) -> AbstractPushforward:
        from ._primitives import LinearizedPushforward, Pushforward

        s = self._setup(f, x, contexts, tx)
        return LinearizedPushforward(s, x) if same_point else Pushforward(s)

    def prepare_pullback(self, f: Callable[..., Any], x: Any, ty: tuple[Any, ...], contexts: Contexts,
                         *, y: Any = None, same_point: bool = False) -> AbstractPullback:
        from ._primitives import LinearizedPullback, Pullback

        s = self._setup(f, x, contexts, ty)
        return LinearizedPullback(s, x) if same_point else Pullback(s)

    # --- native operators

    def prepare_derivative(self, f: Callable[..., Any], x: Any, contexts: Contexts, *,
                           y: Any = None) -> AbstractDerivative:
        from ._first_order import Derivative

        return Derivative(self._setup(f, x, contexts))

    def prepare_gradient(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractGradient:
        from ._first_order import Gradient

        return Gradient(self._setup(f, x, contexts))

    def prepare_jacobian(self, f: Callable[..., Any], x: Any, contexts: Contexts, *,
                         y: Any = None) -> AbstractJacobian:
        from ._first_order import Jacobian

        return Jacobian(self._setup(f, x, contexts))

    def prepare_second_derivative(self, f: Callable[..., Any], x: Any,
                                  contexts: Contexts) -> AbstractSecondDerivative:
        from ._second_order import SecondDerivative

        return SecondDerivative(self._setup(f, x, contexts))

    def prepare_hvp(self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
                    same_point: bool = False) -> AbstractHVP:
        from ._second_order import HVP, LinearizedHVP

        s = self._setup(f, x, contexts, tx)
        _refuse_complex(s, "hvp")
        return LinearizedHVP(s, x) if same_point else HVP(s)

    def prepare_hessian(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractHessian:
        from ._second_order import Hessian

        s = self._setup(f, x, contexts)
        _refuse_complex(s, "hessian")
        return Hessian(s)


def _refuse_complex(s: Setup, operator: str) -> None:
    """Second order of a complex ``x`` would follow JAX's convention, not adcore's."""
    if s.complex:
        from adcore.errors import NotSupportedError

        raise NotSupportedError(
            f"AutoJAX: {operator} of a complex x is not supported (the Hessian of a real "
            "function of complex x is a real-linear map, no complex matrix). Differentiate "
            "with respect to the real and imaginary parts: pass `np.concatenate([x.real, "
            "x.imag])` and rebuild `x` inside f."
        )
