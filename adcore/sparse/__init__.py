"""adcore.sparse: sparse Jacobians and Hessians over any backend (the ``[sparse]`` extra).

- ``AutoSparse(dense, sparsity_detector=..., coloring_algorithm=...)``: a backend whose
  ``jacobian`` and ``hessian`` detect the sparsity pattern, color it, and cost one
  batch of as many pushforwards, pullbacks or hvps of ``dense`` as there are colors;
- ``MixedMode(forward, reverse)``: inside ``AutoSparse``, bidirectional coloring;
- detectors: ``TracerSparsityDetector()`` (global, by tracing), ``DenseSparsityDetector(
  backend, atol=0.0)`` (local, from one dense evaluation), ``KnownJacobianSparsity(pattern)``,
  ``KnownHessianSparsity(pattern)``; a plugin subclasses ``AbstractSparsityDetector``;
- ``GreedyColoringAlgorithm(order=..., decompression=..., seed=None)`` and the
  ``Coloring`` it returns.

Every name is re-exported by ``adcore``; scipy is imported on first use.
"""

from ._autosparse import AutoSparse as AutoSparse
from ._autosparse import MixedMode as MixedMode
from ._coloring import Coloring as Coloring
from ._coloring import GreedyColoringAlgorithm as GreedyColoringAlgorithm
from ._detectors import AbstractSparsityDetector as AbstractSparsityDetector
from ._detectors import DenseSparsityDetector as DenseSparsityDetector
from ._detectors import KnownHessianSparsity as KnownHessianSparsity
from ._detectors import KnownJacobianSparsity as KnownJacobianSparsity
from ._detectors import TracerSparsityDetector as TracerSparsityDetector
from ._executors import SparsePrep as SparsePrep
from ._tracer import TracingError as TracingError

__all__ = [
    "AbstractSparsityDetector",
    "AutoSparse",
    "Coloring",
    "DenseSparsityDetector",
    "GreedyColoringAlgorithm",
    "KnownHessianSparsity",
    "KnownJacobianSparsity",
    "MixedMode",
    "SparsePrep",
    "TracerSparsityDetector",
    "TracingError",
]
