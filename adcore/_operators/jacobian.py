"""jacobian: the matrix ``(y.size, x.size)`` of an array function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._core.arrays import is_scalar
from .._core.contexts import unwrap
from .._core.prep import Prep
from ..errors import ArgumentTypeError, NotSupportedError
from .common import check_out, fill, inplace, make_prep, prepare_native, routed, strict, validate
from .executors import AbstractJacobian
from .primitives import jacobian_from_pullback, jacobian_from_pushforward, output, size
from .tree_executor import prepare_tree
from .trees import is_tree

__all__ = ["jacobian", "jacobian_executor", "prepare_jacobian", "value_and_jacobian"]

# --- public


def jacobian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> Any:
    """jacobian(f, backend, x, *contexts, prep=None, out=None, y=None) -> J

    The Jacobian of ``f`` at ``x``, a matrix of shape ``(y.size, x.size)`` whose
    rows and columns follow the C order of ``y`` and ``x``.

    >>> import numpy as np, adcore as ad
    >>> ad.jacobian(lambda x: x[::-1] * 2, ad.AutoFiniteDiff(), np.ones(2)).round(6)
    array([[0., 2.],
           [2., 0.]])
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("jacobian", out)
    if prep is None:
        prep = prepare_jacobian(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "jacobian"):  # no frame for a Prep
        prep.check("jacobian", f, backend, x, contexts, None, y)
    J = prep.executor.jacobian(x, contexts and unwrap(contexts), y)
    return J if out is None else fill(out, J)


def value_and_jacobian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any,
    prep: Prep | None = None, out: Any = None, y: Any = None,
) -> tuple[Any, Any]:
    """value_and_jacobian(f, backend, x, *contexts, prep=None, out=None, y=None) -> (f(x), J)

    >>> import numpy as np, adcore as ad
    >>> value, J = ad.value_and_jacobian(lambda x: 3 * x, ad.AutoFiniteDiff(), np.ones(1))
    >>> value, J.round(6)
    (array([3.]), array([[3.]]))
    """
    if out is not None:  # the usual prepared call passes no out=: skip the frame
        check_out("jacobian", out)
    if prep is None:
        prep = prepare_jacobian(f, backend, x, *contexts, y=y)
    elif prep.strict if isinstance(prep, Prep) else strict(prep, "jacobian"):  # no frame for a Prep
        prep.check("jacobian", f, backend, x, contexts, None, y)
    value, J = prep.executor.value_and_jacobian(x, contexts and unwrap(contexts), y)
    return value, (J if out is None else fill(out, J))


def prepare_jacobian(
    f: Callable[..., Any], backend: Any, x: Any, *contexts: Any, y: Any = None, strict: bool = True
) -> Prep:
    """prepare_jacobian(f, backend, x, *contexts, y=None, strict=True) -> prep

    Preparation for ``jacobian`` and ``value_and_jacobian`` at any ``x`` like this one.
    """
    if is_tree(x):
        return prepare_tree("jacobian", lambda g, v, _: jacobian_executor(backend, g, v, contexts, y),
                            f, backend, x, contexts, y=y, strict=strict, inplace=inplace(f, y))
    validate("jacobian", f, backend, x, contexts, y=y)
    if is_scalar(x):
        raise ArgumentTypeError("jacobian: x must be an array; for a scalar x use adcore.derivative.")
    executor = jacobian_executor(backend, inplace(f, y), x, contexts, y)
    return make_prep("jacobian", executor, f, backend, x, contexts, y=y, strict=strict)


# --- preparation


def jacobian_executor(
    backend: Any, f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], y: Any = None
) -> AbstractJacobian:
    """The backend's native Jacobian, else one built from its primitives:
    batched pushforwards when ``x`` is smaller than ``y``, pullbacks otherwise."""
    backend = routed(backend, "jacobian")
    if "jacobian" in backend.native:
        return prepare_native(backend, "jacobian", f, x, contexts, y=y)
    forward, reverse = "forward" in backend.modes, "reverse" in backend.modes
    if not (forward or reverse):
        raise NotSupportedError(f"jacobian: {backend!r} declares neither pushforward nor pullback.")
    y0 = None
    if forward and reverse and backend.mode is None:
        y0 = output(f, x, contexts, y)
        forward = size(x) <= size(y0)
    elif forward and reverse:
        forward = backend.mode == "forward"
    if forward:
        return jacobian_from_pushforward(backend, f, x, contexts, y)
    return jacobian_from_pullback(backend, f, x, contexts, y, y0)
