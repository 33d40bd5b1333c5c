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

from ._combinators.mixing import ForeignFunction as ForeignFunction
from ._combinators.primitives import ForwardFromPrimitive as ForwardFromPrimitive
from ._combinators.primitives import ReverseFromPrimitive as ReverseFromPrimitive
from ._combinators.zeros import AutoZeroForward as AutoZeroForward
from ._combinators.zeros import AutoZeroReverse as AutoZeroReverse
from ._core.arrays import copy_into as copy_into
from ._core.arrays import family as family
from ._core.arrays import register_array_family as register_array_family
from ._core.arrays import to_dense as to_dense
from ._core.backend import NATIVE_OPERATORS as NATIVE_OPERATORS
from ._core.backend import AbstractBackend as AbstractBackend
from ._core.scratch import Scratch as Scratch
from ._core.scratch import with_scratch as with_scratch
from ._operators.executors import AbstractDerivative as AbstractDerivative
from ._operators.executors import AbstractGradient as AbstractGradient
from ._operators.executors import AbstractHessian as AbstractHessian
from ._operators.executors import AbstractHVP as AbstractHVP
from ._operators.executors import AbstractJacobian as AbstractJacobian
from ._operators.executors import AbstractPullback as AbstractPullback
from ._operators.executors import AbstractPushforward as AbstractPushforward
from ._operators.executors import AbstractSecondDerivative as AbstractSecondDerivative
from ._registry.numpy_like import numpy_like_namespace as numpy_like_namespace

if TYPE_CHECKING:
    from ._registry.hookspecs import hookimpl as hookimpl
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
    "ForeignFunction",
    "ForwardFromPrimitive",
    "ReverseFromPrimitive",
    "Scratch",
    "copy_into",
    "family",
    "hookimpl",
    "numpy_like_namespace",
    "register_array_family",
    "to_dense",
    "with_scratch",
]


def __getattr__(name: str) -> Any:
    # pluggy is imported only by whoever marks or loads hooks, never by `import adcore`.
    if name == "hookimpl":
        from ._registry.hookspecs import hookimpl

        return hookimpl
    if name == "AbstractSparsityDetector":  # adcore.sparse, on first use
        from .sparse import AbstractSparsityDetector

        return AbstractSparsityDetector
    raise AttributeError(f"module 'adcore.extend' has no attribute {name!r}")
