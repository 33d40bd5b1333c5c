"""adcore-torch: the PyTorch backend of adcore, ``AutoTorch``.

``import adcore_torch`` does not import torch: the backend imports it when it
first prepares an operator.

>>> import numpy as np, adcore as ad
>>> from adcore_torch import AutoTorch
>>> ad.gradient(lambda x: (x ** 2).sum(), AutoTorch(), np.array([1.0, 2.0]))
array([2., 4.])
"""

from __future__ import annotations

from ._backend import AutoTorch as AutoTorch

__version__ = "0.1.0"

__all__ = ["AutoTorch"]
