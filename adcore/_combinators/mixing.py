"""Mixing engines: ``DifferentiateWith(g, backend)``, a function that any engine differentiates
by asking adcore for ``g``'s derivatives with ``backend``.

An engine that traces a call of ``DifferentiateWith`` hands its traced value to the plugin
that knows it (the hook ``adcore_differentiate_with``), which records one call of a
``ForeignFunction``: the value and the Jacobian matrix of ``g``, computed here on numpy
arrays by ``backend``, and for a second derivative the Jacobian of that Jacobian, another
``ForeignFunction``. The engine sees a function whose tangent map is ``J @ t`` and whose
cotangent map is ``J.T @ w``: matrix products it differentiates and transposes itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from .._core.arrays import family
from .._core.backend import AbstractBackend
from .._operators.gradient import prepare_gradient, value_and_gradient
from .._operators.hessian import prepare_hessian, value_gradient_and_hessian
from .._operators.jacobian import prepare_jacobian, value_and_jacobian
from .._registry.convert import from_numpy, to_numpy
from .._registry.loading import loaded
from .._registry.namespace import array_namespace
from ..errors import ArgumentTypeError, NotSupportedError

__all__ = ["DifferentiateWith", "ForeignFunction", "call_foreign"]


class ForeignFunction:
    """A function of one array whose numbers come from another engine: what a plugin's
    ``adcore_differentiate_with`` receives. Every method takes and returns numpy arrays.

    - ``value(x) -> y``;
    - ``value_and_jacobian(x) -> (y, J)``, ``J`` the matrix ``(y.size, x.size)``;
    - ``jacobian_function() -> ForeignFunction`` of ``x -> J(x)`` (the second derivative;
      its own ``jacobian_function`` raises ``NotSupportedError``: no third derivative);
    - ``output(shape, dtype) -> (shape, dtype)`` of ``y`` for an ``x`` of that shape and
      dtype (an engine that compiles, JAX, needs it before any number exists);
    - ``check_jacobian()`` raises ``NotSupportedError`` where ``value_and_jacobian`` would.
    """

    #: Says what the function is, in error messages.
    description = "a foreign function"

    def __init__(self, backend: AbstractBackend, order: int = 0) -> None:
        self.backend, self.order = backend, order
        self._family = _family(backend)
        self._preps: dict[Any, Any] = {}
        self._outputs: dict[Any, tuple[tuple[int, ...], np.dtype]] = {}
        self._lock = threading.Lock()

    def value(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def value_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def jacobian_function(self) -> ForeignFunction:
        return _JacobianOnly(self)

    def check_jacobian(self) -> None:
        """Raise ``NotSupportedError`` now where ``value_and_jacobian`` cannot be given (an
        engine that records the call for later, JAX, asks before it records)."""

    def output(self, shape: tuple[int, ...], dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
        found = self._outputs.get((shape, dtype))
        if found is None:
            key = (tuple(shape), np.dtype(dtype))
            with np.errstate(all="ignore"):
                y = self.value(np.ones(key[0], key[1]))
            found = self._outputs[key] = self._outputs[(shape, dtype)] = (y.shape, y.dtype)
        return found

    def __repr__(self) -> str:
        return self.description

    # --- helpers for the subclasses

    def arg(self, x: np.ndarray) -> Any:
        """``x`` as an array of the backend's own family (a copy), for calling ``g``."""
        return from_numpy(np.asarray(x), self._family)

    def darg(self, x: np.ndarray) -> Any:
        """``x`` for the backend's operators: numpy where it takes numpy (AutoJAX then
        computes in 64 bits for a float64 ``x``), else its own family."""
        return np.array(x) if "numpy" in self.backend.array_families else self.arg(x)

    def prepared(self, operator: str, prepare: Callable[..., Any], f: Any, x: Any) -> Any:
        """A prep of ``operator`` for arrays like ``x``, made once (strict=False)."""
        key = (operator, x.shape, x.dtype)
        prep = self._preps.get(key)
        if prep is None:
            with self._lock:
                prep = self._preps.get(key)
                if prep is None:
                    prep = self._preps[key] = prepare(f, self.backend, x, strict=False)
        return prep


def numpy(value: Any) -> np.ndarray:
    """A result of the inner backend (fresh, the caller's own: SPEC 10) as numpy."""
    return np.asarray(to_numpy(value))


def _family(backend: AbstractBackend) -> str:
    """The array family the backend's functions are written for: its engine's, not numpy."""
    own = sorted(set(backend.array_families) - {"numpy"})
    return own[0] if own else "numpy"


class _Function(ForeignFunction):
    """``g`` itself, its derivatives by ``backend``."""

    def __init__(self, g: Callable[[Any], Any], backend: AbstractBackend, description: str) -> None:
        super().__init__(backend)
        self.g, self.description = g, description

    def value(self, x: np.ndarray) -> np.ndarray:
        return numpy(self.g(self.arg(x)))

    def value_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xi = self.darg(x)
        if self.output(x.shape, x.dtype)[0] == ():
            prep = self.prepared("gradient", prepare_gradient, self.g, xi)
            y, grad = value_and_gradient(self.g, self.backend, xi, prep=prep)
            return numpy(y), numpy(grad).reshape(1, -1)
        prep = self.prepared("jacobian", prepare_jacobian, self.g, xi)
        y, J = value_and_jacobian(self.g, self.backend, xi, prep=prep)
        return numpy(y), numpy(J)

    def jacobian_function(self) -> ForeignFunction:
        return _JacobianOf(self)


class _JacobianOf(ForeignFunction):
    """``x -> J(x)`` of a ``_Function``: its Jacobian is the stack of the Hessians of the
    components of ``g`` (one Hessian for a scalar ``g``), each by the same backend."""

    def __init__(self, parent: _Function) -> None:
        super().__init__(parent.backend, order=1)
        self.parent = parent
        self.description = f"the Jacobian of {parent.description}"

    def value(self, x: np.ndarray) -> np.ndarray:
        return self.parent.value_and_jacobian(x)[1]

    def output(self, shape: tuple[int, ...], dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
        return jacobian_output(self.parent, shape, dtype)

    def value_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        parent, xi = self.parent, self.darg(x)
        if parent.output(x.shape, x.dtype)[0] == ():
            prep = self.prepared("hessian", prepare_hessian, parent.g, xi)
            _, grad, H = value_gradient_and_hessian(parent.g, self.backend, xi, prep=prep)
            return numpy(grad).reshape(1, -1), numpy(H).reshape(x.size, x.size)
        J = self.value(x)
        blocks = []
        for i in range(J.shape[0]):
            component = _component(parent.g, i)
            prep = self.prepared(("hessian", i), prepare_hessian, component, xi)
            blocks.append(numpy(value_gradient_and_hessian(component, self.backend, xi, prep=prep)[2]))
        return J, np.stack(blocks).reshape(J.size, x.size) if blocks else np.zeros((0, x.size), J.dtype)


class _JacobianOnly(ForeignFunction):
    """``x -> J(x)`` of a function that gives its own Jacobian, but no derivative of it."""

    def __init__(self, parent: ForeignFunction) -> None:
        super().__init__(parent.backend, order=parent.order + 1)
        self.parent = parent
        self.description = f"the Jacobian of {parent.description}"

    def value(self, x: np.ndarray) -> np.ndarray:
        return self.parent.value_and_jacobian(x)[1]

    def output(self, shape: tuple[int, ...], dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
        return jacobian_output(self.parent, shape, dtype)

    def value_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise self._third()

    def jacobian_function(self) -> ForeignFunction:
        raise self._third()

    def check_jacobian(self) -> None:
        raise self._third()

    def _third(self) -> NotSupportedError:
        return NotSupportedError(
            f"{self.description}: a derivative of it is a third derivative, which another "
            "engine does not give here: DifferentiateWith gives first and second derivatives."
        )


def jacobian_output(
    parent: ForeignFunction, shape: tuple[int, ...], dtype: Any
) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype of ``parent``'s Jacobian matrix at an ``x`` like this."""
    yshape, ydtype = parent.output(shape, dtype)
    return (int(np.prod(yshape)), int(np.prod(shape))), np.result_type(ydtype, dtype)


def _component(g: Callable[[Any], Any], i: int) -> Callable[[Any], Any]:
    def gi(x: Any) -> Any:
        y = g(x)
        return array_namespace(y).reshape(y, (-1,))[i]
    return gi


def call_foreign(function: ForeignFunction, x: Any) -> Any:
    """``function(x)`` for ``x`` of any family: a numpy ``x`` gets ``function.value(x)``,
    an engine's value is recorded by the plugin of that engine (the hook
    ``adcore_differentiate_with``) so that the engine differentiates it."""
    if family(x) == "numpy":
        return function.value(np.asarray(x))
    answer = loaded().pm.hook.adcore_differentiate_with(function=function, x=x)
    if answer is None:
        raise NotSupportedError(
            f"{function.description} was called with a {type(x).__qualname__} (array family "
            f"{family(x)!r}), and no installed plugin teaches that engine to differentiate "
            f"{function.description}: the plugin of that engine must implement the hook "
            "adcore_differentiate_with. Differentiate the outer function with another "
            "backend, or call this function on numpy arrays."
        )
    return answer


class DifferentiateWith:
    """DifferentiateWith(g, backend): a callable equal to ``g``, whose derivatives, whenever
    an engine differentiates it, adcore computes with ``backend``.

    ``g`` takes one array and returns one array (or a scalar); it is written for
    ``backend``'s engine (it receives that engine's arrays), or with
    ``adcore.array_namespace`` for any. Called on a numpy array (as finite differences
    do), it calls ``g`` on a copy of it in ``backend``'s array family and returns numpy.
    Called on an engine's values (a JAX tracer, a torch tensor, an autograd box, a
    TensorFlow tensor), the engine's plugin converts them to numpy, then to ``backend``'s
    arrays, calls ``g`` there, and gives the engine ``g``'s Jacobian from ``backend`` (its
    Hessians for a second derivative). See docs/mixing-engines.md.

    >>> import numpy as np, adcore as ad
    >>> g = ad.DifferentiateWith(lambda x: (x ** 3).sum(), ad.AutoFiniteDiff())
    >>> float(g(np.array([1.0, 2.0])))
    9.0
    """

    def __init__(self, g: Callable[[Any], Any], backend: AbstractBackend) -> None:
        if not callable(g):
            raise ArgumentTypeError(f"DifferentiateWith: `g` must be callable, got {g!r:.80}.")
        if not isinstance(backend, AbstractBackend):
            raise ArgumentTypeError(
                f"DifferentiateWith: `backend` must be an adcore backend such as "
                f"adcore.AutoFiniteDiff(), got {backend!r:.80}. Note the order: "
                "DifferentiateWith(g, backend)."
            )
        self.g, self.backend = g, backend
        self.function: ForeignFunction = _Function(g, backend, repr(self))

    def __call__(self, x: Any) -> Any:
        return call_foreign(self.function, x)

    def __repr__(self) -> str:
        name = getattr(self.g, "__qualname__", None) or repr(self.g)
        return f"DifferentiateWith({name}, {self.backend!r})"
