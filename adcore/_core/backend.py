"""The abstract backend: what a backend declares and what it implements."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import ArgumentError, ArgumentTypeError, NotSupportedError
from .contexts import Context
from .prep import Prep

if TYPE_CHECKING:  # for annotations only: the executors live in the operator layer above
    from .._operators.executors import (
        AbstractDerivative,
        AbstractGradient,
        AbstractHessian,
        AbstractHVP,
        AbstractJacobian,
        AbstractPullback,
        AbstractPushforward,
        AbstractSecondDerivative,
    )

__all__ = ["NATIVE_OPERATORS", "AbstractBackend"]

#: The operators a backend may implement natively, besides its primitives.
NATIVE_OPERATORS = frozenset(
    {"derivative", "gradient", "jacobian", "second_derivative", "hvp", "hessian"}
)

Contexts = tuple[Context[Any], ...]


class AbstractBackend:
    """Base class of every backend.

    A concrete backend is a small frozen dataclass (immutable, hashable, its
    repr rebuilds it) that declares its capabilities as class attributes and
    implements at least one primitive: ``prepare_pushforward`` (declare
    ``"forward"`` in ``modes``) or ``prepare_pullback`` (declare ``"reverse"``).
    The core derives every other operator from the primitives, unless the
    backend lists the operator in ``native`` and implements its ``prepare_*``.

    Every ``prepare_*`` receives the function, a sample ``x`` (and tangents),
    the contexts as ``Constant``/``Cache`` objects, and for an in-place function
    the output buffer ``y``; it returns an executor from ``adcore.extend``.

    For a dataclass backend (declared with ``repr=False``), this class checks the
    options on construction (``mode`` is None, ``"forward"`` or ``"reverse"``; an
    option whose default is a bool is a bool) and writes the repr, naming the
    options that differ from their defaults: ``AutoJAX(mode='reverse')``.
    """

    #: Name under which ``adcore.backend(name)`` builds it, e.g. ``"jax"``.
    name: ClassVar[str] = ""
    #: The distribution that provides it, named in errors and listings.
    distribution: ClassVar[str] = "adcore"
    #: Primitives implemented: ``"forward"`` (pushforward), ``"reverse"`` (pullback).
    modes: ClassVar[frozenset[str]] = frozenset()
    #: Operators implemented natively, a subset of ``NATIVE_OPERATORS``.
    native: ClassVar[frozenset[str]] = frozenset()
    #: Whether in-place functions ``f(y, x, *contexts)`` are supported.
    inplace: ClassVar[bool] = False
    #: The operators (of ``native``) whose ``prepare_*`` takes a pytree ``x`` itself: a dict,
    #: list, tuple or namedtuple of arrays of one family and dtype (and tangents like it). The
    #: executor returns results in adcore's structures (a gradient like ``x``). Every other
    #: operator, and every backend, gets the flattened view (one 1-D array) from the core.
    pytrees: ClassVar[frozenset[str]] = frozenset()
    #: Whether ``Constant`` and ``Cache`` contexts are supported.
    contexts: ClassVar[bool] = True
    #: Whether a tuple of several tangents is handled in one call; if not, the
    #: core hands the primitives one tangent at a time.
    batched_tangents: ClassVar[bool] = False
    #: Array families accepted for ``x``: ``"numpy"``, ``"torch"``, ``"jax"``...
    array_families: ClassVar[frozenset[str]] = frozenset({"numpy"})
    #: Whether the backend can differentiate its own results (nested in itself, as the core's
    #: second-order fallbacks nest it). If not, those fallbacks raise ``NotSupportedError``
    #: and the conformance suite runs second order as ``SecondOrder(AutoFiniteDiff(), backend)``.
    nested: ClassVar[bool] = True
    #: Whether concurrent calls from several threads, each with its own prep, are correct.
    #: If not, adcore serializes every call into the backend: its ``prepare_*`` and the
    #: methods of the executors they return hold one process-wide lock.
    thread_safe: ClassVar[bool] = False
    #: The operators this backend computes at a complex ``x``, in adcore's convention (the
    #: gradient of a real ``f`` is the direction of steepest ascent, the pushforward the
    #: real-linear ``J t``, the pullback its adjoint, the hvp the pushforward of that
    #: gradient); at a complex ``x`` every other operator raises ``NotSupportedError``
    #: (``hessian``, ``jacobian``: a real-linear map has no complex matrix in general). The
    #: conformance suite's complex family checks both.
    complex_operators: ClassVar[frozenset[str]] = frozenset({"gradient", "pushforward", "pullback", "hvp"})
    #: The conformance checks this backend is known to fail, ``{key: reason}``: a key is a
    #: check's name, or a check's name and a scenario tag, ``"check_reference[second_order]"``.
    #: The suite (``parametrize_with_checks``, ``check_differentiation``, ``pytest
    #: --adcore-backend``) runs them as strict expected failures.
    expected_failures: ClassVar[Mapping[str, str]] = {}
    #: What ``prepare_*`` returns: ``adcore.Prep``, or a subclass with a faster
    #: ``check`` for the engine's arrays (an executor's own ``prep_class`` wins).
    prep_class: ClassVar[type[Prep]] = Prep
    #: The mode the user asked for, if the backend takes a ``mode`` option.
    mode: str | None = None
    #: For a backend made of others (``SecondOrder``, ``AutoSparse``): the operators it hands
    #: to a backend it wraps, each to the name of the field that holds that backend
    #: (``{"gradient": "inner"}``); the keys ``"outer"`` and ``"inner"`` name the two levels
    #: of second-order operators. See ``route``.
    routes: ClassVar[Mapping[str, str]] = {}

    def __post_init__(self) -> None:
        name = type(self).__name__
        for field in _options(self):
            value = getattr(self, field.name)
            if field.name == "mode" and value not in (None, "forward", "reverse"):
                raise ArgumentError(
                    f"{name}(mode={value!r}): mode must be None (chosen per operator), "
                    "'forward' or 'reverse'."
                )
            if isinstance(field.default, bool) and not isinstance(value, bool):
                raise ArgumentTypeError(
                    f"{name}({field.name}={value!r}): {field.name} must be True or False."
                )

    def __repr__(self) -> str:
        args = [f"{f.name}={getattr(self, f.name)!r}" for f in _options(self)
                if f.repr and getattr(self, f.name) != f.default]
        return f"{type(self).__name__}({', '.join(args)})"

    def route(self, operator: str) -> AbstractBackend:
        """route(operator) -> backend: the backend that prepares ``operator``: this one, or the
        one it wraps that ``routes`` names. For ``"outer"`` and ``"inner"``: the backend that
        differentiates the outer or inner level of a second-order operator (this one, unless
        it is a ``SecondOrder``). The core asks this of every backend it prepares an operator
        with, so a wrapper forwards by declaring ``routes``, never by overriding ``prepare_*``.
        """
        to = self.routes.get(operator)
        return self if to is None else getattr(self, to)  # type: ignore[no-any-return]

    def available(self) -> bool:
        """Whether the engine behind this backend imports and works here."""
        return True

    def accuracy(self, eps: float, order: int) -> float:
        """accuracy(eps, order) -> float: the relative error this backend's derivatives of
        ``order`` (1 or 2) may carry, beyond rounding, when computed at machine epsilon ``eps``.

        0.0 (the default) declares derivatives exact up to rounding, as automatic
        differentiation gives; an approximating backend states its own error (finite
        differences: truncation plus rounding divided by the step). The conformance suite
        widens its tolerances to it, so that an approximation is held to what it declares.
        """
        return 0.0

    def synchronize(self, result: Any) -> Any:
        """synchronize(result) -> result: return once the engine has finished computing ``result``.

        ``result`` is what an operator returned: an array, or a tuple of arrays
        (and None). Engines that dispatch work asynchronously return arrays
        whose numbers may not exist yet; benchmarks (``adcore bench``,
        ``adcore.testing.benchmark_differentiation``) call this after every
        timed call so that the engine's work is timed to its end. Override it
        where the engine is asynchronous: ``jax.block_until_ready(result)``, or
        ``torch.cuda.synchronize()`` for results on a GPU. The default does
        nothing, right for numpy and other synchronous engines.
        """
        return result

    # --- primitives

    def prepare_pushforward(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
        y: Any = None, same_point: bool = False,
    ) -> AbstractPushforward:
        """Prepare ``tx -> J(x) @ tx``; ``same_point`` promises the same ``x`` at every call."""
        raise NotSupportedError(f"{self!r} has no pushforward primitive")

    def prepare_pullback(
        self, f: Callable[..., Any], x: Any, ty: tuple[Any, ...], contexts: Contexts, *,
        y: Any = None, same_point: bool = False,
    ) -> AbstractPullback:
        """Prepare ``ty -> ty @ J(x)``, in agreement with the pushforward (dot-product test)."""
        raise NotSupportedError(f"{self!r} has no pullback primitive")

    # --- native operators (declare them in `native`)

    def prepare_derivative(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractDerivative:
        """Prepare ``f'(x)`` for a scalar ``x``."""
        raise NotSupportedError(f"{self!r} has no native derivative")

    def prepare_gradient(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractGradient:
        """Prepare the gradient of a scalar ``f``."""
        raise NotSupportedError(f"{self!r} has no native gradient")

    def prepare_jacobian(
        self, f: Callable[..., Any], x: Any, contexts: Contexts, *, y: Any = None
    ) -> AbstractJacobian:
        """Prepare the Jacobian matrix ``(y.size, x.size)``."""
        raise NotSupportedError(f"{self!r} has no native jacobian")

    def prepare_second_derivative(
        self, f: Callable[..., Any], x: Any, contexts: Contexts
    ) -> AbstractSecondDerivative:
        """Prepare ``f''(x)`` for a scalar ``x``."""
        raise NotSupportedError(f"{self!r} has no native second derivative")

    def prepare_hvp(
        self, f: Callable[..., Any], x: Any, tx: tuple[Any, ...], contexts: Contexts, *,
        same_point: bool = False,
    ) -> AbstractHVP:
        """Prepare ``tx -> H(x) @ tx``."""
        raise NotSupportedError(f"{self!r} has no native hvp")

    def prepare_hessian(self, f: Callable[..., Any], x: Any, contexts: Contexts) -> AbstractHessian:
        """Prepare the Hessian matrix ``(x.size, x.size)``."""
        raise NotSupportedError(f"{self!r} has no native hessian")


def _options(backend: AbstractBackend) -> tuple[dataclasses.Field[Any], ...]:
    """The options of a dataclass backend: its fields (none for another class)."""
    return dataclasses.fields(backend) if dataclasses.is_dataclass(backend) else ()
