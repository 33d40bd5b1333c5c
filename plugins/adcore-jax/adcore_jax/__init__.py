"""adcore-jax: the JAX backend of adcore, ``AutoJAX``.

Installing this distribution makes ``adcore.AutoJAX`` and
``adcore.backend("jax")`` available; importing it does not import JAX.
"""

from __future__ import annotations

from ._backend import AutoJAX as AutoJAX
from ._sparsity import JaxprSparsityDetector as JaxprSparsityDetector

__all__ = ["AutoJAX", "JaxprSparsityDetector"]
__version__ = "0.1.0"
