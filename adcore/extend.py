"""The backend author's API.

A plugin imports this module (never ``adcore._anything``): it subclasses
:class:`AbstractBackend`, returns executors built on the ``Abstract*`` classes
from its ``prepare_*`` methods, and registers its backend classes with a hook
implementation marked by :data:`hookimpl`. An engine that traces a numpy-like
module builds the namespace its ``adcore_array_namespace`` hook returns with
:func:`numpy_like_namespace`. An engine whose arrays cannot be written hands
``f`` a :class:`Scratch` for each ``Cache``, through :func:`with_scratch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._arrays import copy_into as copy_into
from ._arrays import family as family
from ._backend import NATIVE_OPERATORS as NATIVE_OPERATORS
from ._backend import AbstractBackend as AbstractBackend
from ._backends.wrappers import AutoZeroForward as AutoZeroForward
from ._backends.wrappers import AutoZeroReverse as AutoZeroReverse
from ._backends.wrappers import ForwardFromPrimitive as ForwardFromPrimitive
from ._backends.wrappers import ReverseFromPrimitive as ReverseFromPrimitive
from ._executors import AbstractDerivative as AbstractDerivative
from ._executors import AbstractGradient as AbstractGradient
from ._executors import AbstractHessian as AbstractHessian
from ._executors import AbstractHVP as AbstractHVP
from ._executors import AbstractJacobian as AbstractJacobian
from ._executors import AbstractPullback as AbstractPullback
from ._executors import AbstractPushforward as AbstractPushforward
from ._executors import AbstractSecondDerivative as AbstractSecondDerivative
from ._numpy_like import numpy_like_namespace as numpy_like_namespace
from ._scratch import Scratch as Scratch
from ._scratch import with_scratch as with_scratch

if TYPE_CHECKING:
    from ._hookspecs import hookimpl as hookimpl
    from .sparse import AbstractSparsityDetector as AbstractSparsityDetector

__all__ = [
    "NATIVE_OPERATORS",
    "AbstractBackend",
    "AbstractDerivative",
    "AbstractGradient",
    "AbstractHVP",
    "AbstractHessian",
    "AbstractJacobian",
    "AbstractPullback",
    "AbstractPushforward",
    "AbstractSecondDerivative",
    "AbstractSparsityDetector",
    "AutoZeroForward",
    "AutoZeroReverse",
    "ForwardFromPrimitive",
    "ReverseFromPrimitive",
    "Scratch",
    "copy_into",
    "family",
    "hookimpl",
    "numpy_like_namespace",
    "with_scratch",
]


def __getattr__(name: str) -> Any:
    # pluggy is imported only by whoever marks or loads hooks, never by `import adcore`.
    if name == "hookimpl":
        from ._hookspecs import hookimpl

        return hookimpl
    if name == "AbstractSparsityDetector":  # adcore.sparse, on first use
        from .sparse import AbstractSparsityDetector

        return AbstractSparsityDetector
    raise AttributeError(f"module 'adcore.extend' has no attribute {name!r}")
