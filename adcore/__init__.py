"""adcore: one syntax for differentiating Python functions with any AD engine.

>>> import numpy as np, adcore as ad
>>> ad.gradient(lambda x: (x ** 2).sum(), ad.AutoFiniteDiff(), np.arange(1.0, 4.0)).round(6)
array([2., 4., 6.])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._core.capabilities import check_available as check_available
from ._core.capabilities import check_inplace as check_inplace
from ._core.contexts import Cache as Cache
from ._core.contexts import Constant as Constant
from ._core.prep import Prep as Prep
from ._operators.derivative import derivative as derivative
from ._operators.derivative import prepare_derivative as prepare_derivative
from ._operators.derivative import value_and_derivative as value_and_derivative
from ._operators.gradient import gradient as gradient
from ._operators.gradient import prepare_gradient as prepare_gradient
from ._operators.gradient import value_and_gradient as value_and_gradient
from ._operators.hessian import hessian as hessian
from ._operators.hessian import prepare_hessian as prepare_hessian
from ._operators.hessian import value_gradient_and_hessian as value_gradient_and_hessian
from ._operators.hvp import gradient_and_hvp as gradient_and_hvp
from ._operators.hvp import hvp as hvp
from ._operators.hvp import prepare_hvp as prepare_hvp
from ._operators.hvp import prepare_hvp_same_point as prepare_hvp_same_point
from ._operators.jacobian import jacobian as jacobian
from ._operators.jacobian import prepare_jacobian as prepare_jacobian
from ._operators.jacobian import value_and_jacobian as value_and_jacobian
from ._operators.pullback import prepare_pullback as prepare_pullback
from ._operators.pullback import prepare_pullback_same_point as prepare_pullback_same_point
from ._operators.pullback import pullback as pullback
from ._operators.pullback import value_and_pullback as value_and_pullback
from ._operators.pushforward import prepare_pushforward as prepare_pushforward
from ._operators.pushforward import prepare_pushforward_same_point as prepare_pushforward_same_point
from ._operators.pushforward import pushforward as pushforward
from ._operators.pushforward import value_and_pushforward as value_and_pushforward
from ._operators.second_derivative import prepare_second_derivative as prepare_second_derivative
from ._operators.second_derivative import second_derivative as second_derivative
from ._operators.second_derivative import (
    value_derivative_and_second_derivative as value_derivative_and_second_derivative,
)
from ._operators.trees import unravel as unravel
from ._registry.namespace import array_namespace as array_namespace
from .errors import AdcoreError as AdcoreError
from .errors import ArgumentError as ArgumentError
from .errors import ArgumentTypeError as ArgumentTypeError
from .errors import BackendNotInstalledError as BackendNotInstalledError
from .errors import MissingDependencyError as MissingDependencyError
from .errors import NotSupportedError as NotSupportedError
from .errors import PluginError as PluginError
from .errors import PrepMismatchError as PrepMismatchError
from .errors import ShapeError as ShapeError

if TYPE_CHECKING:
    from ._backends.finitediff import AutoFiniteDiff as AutoFiniteDiff
    from ._combinators.mixing import DifferentiateWith as DifferentiateWith
    from ._combinators.second_order import SecondOrder as SecondOrder
    from ._registry.plugins import available_backends as available_backends
    from ._registry.plugins import backend as backend
    from .sparse import AutoSparse as AutoSparse
    from .sparse import DenseSparsityDetector as DenseSparsityDetector
    from .sparse import GreedyColoringAlgorithm as GreedyColoringAlgorithm
    from .sparse import KnownHessianSparsity as KnownHessianSparsity
    from .sparse import KnownJacobianSparsity as KnownJacobianSparsity
    from .sparse import MixedMode as MixedMode
    from .sparse import TracerSparsityDetector as TracerSparsityDetector

# Imported on first access, to keep `import adcore` close to `import numpy` in time
# (and adcore.sparse, whose scipy is the [sparse] extra, off the import path).
_LAZY = {
    "AutoFiniteDiff": "adcore._backends.finitediff",
    "SecondOrder": "adcore._combinators.second_order",
    "DifferentiateWith": "adcore._combinators.mixing",
    "available_backends": "adcore._registry.plugins",
    "backend": "adcore._registry.plugins",
    "AutoSparse": "adcore.sparse",
    "DenseSparsityDetector": "adcore.sparse",
    "GreedyColoringAlgorithm": "adcore.sparse",
    "KnownHessianSparsity": "adcore.sparse",
    "KnownJacobianSparsity": "adcore.sparse",
    "MixedMode": "adcore.sparse",
    "TracerSparsityDetector": "adcore.sparse",
}

__version__ = "0.1.0"

__all__ = [
    "AdcoreError",
    "ArgumentError",
    "ArgumentTypeError",
    "AutoFiniteDiff",
    "AutoSparse",
    "BackendNotInstalledError",
    "Cache",
    "Constant",
    "DenseSparsityDetector",
    "DifferentiateWith",
    "GreedyColoringAlgorithm",
    "KnownHessianSparsity",
    "KnownJacobianSparsity",
    "MissingDependencyError",
    "MixedMode",
    "NotSupportedError",
    "PluginError",
    "Prep",
    "PrepMismatchError",
    "SecondOrder",
    "ShapeError",
    "TracerSparsityDetector",
    "array_namespace",
    "available_backends",
    "backend",
    "check_available",
    "check_inplace",
    "derivative",
    "gradient",
    "gradient_and_hvp",
    "hessian",
    "hvp",
    "jacobian",
    "prepare_derivative",
    "prepare_gradient",
    "prepare_hessian",
    "prepare_hvp",
    "prepare_hvp_same_point",
    "prepare_jacobian",
    "prepare_pullback",
    "prepare_pullback_same_point",
    "prepare_pushforward",
    "prepare_pushforward_same_point",
    "prepare_second_derivative",
    "pullback",
    "pushforward",
    "second_derivative",
    "unravel",
    "value_and_derivative",
    "value_and_gradient",
    "value_and_jacobian",
    "value_and_pullback",
    "value_and_pushforward",
    "value_derivative_and_second_derivative",
    "value_gradient_and_hessian",
]


def __getattr__(name: str) -> Any:
    # The plugin machinery and plugin backends (AutoJAX, AutoTorch, ...) resolve on
    # first access, so that `import adcore` imports no plugin and no engine.
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    return importlib.import_module("adcore._registry.plugins").backend_class_for_attribute(name)
