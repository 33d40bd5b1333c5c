"""adcore-tensorflow: TensorFlow as an adcore backend, ``AutoTensorFlow``.

Importing this package does not import TensorFlow: the engine loads when a
backend first prepares an operator.

>>> import numpy as np, adcore as ad
>>> ad.gradient(lambda x: ad.array_namespace(x).sum(x ** 2), ad.AutoTensorFlow(), np.array([1.0, 2.0]))
array([2., 4.])
"""

from __future__ import annotations

from ._backend import AutoTensorFlow as AutoTensorFlow

__version__ = "0.1.0"

__all__ = ["AutoTensorFlow"]
