"""adcore-autograd: HIPS autograd as an adcore backend, ``AutoAutograd``.

Importing this package does not import autograd: the engine loads when a
backend first prepares an operator.

>>> import numpy as np, adcore as ad
>>> ad.gradient(lambda x: (x ** 2).sum(), ad.AutoAutograd(), np.array([1.0, 2.0]))
array([2., 4.])
"""

from __future__ import annotations

from ._backend import AutoAutograd as AutoAutograd

__version__ = "0.1.0"

__all__ = ["AutoAutograd"]
