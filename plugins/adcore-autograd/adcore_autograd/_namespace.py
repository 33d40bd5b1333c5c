"""The array-API namespace of autograd's boxes: what ``adcore.array_namespace(box)`` returns.

autograd differentiates the functions of ``autograd.numpy``. Since numpy 2,
``autograd.numpy`` also re-exports numpy's array-API aliases (``concat``,
``pow``, ``acos``, ``permute_dims``...), but without derivatives: autograd
raises "VJP of concat not defined". ``namespace`` maps those names onto the
functions autograd differentiates (``adcore.extend.numpy_like_namespace``),
creation functions accept ``device=`` (the CPU only), and every other name is
``autograd.numpy``'s own. What is autograd's own: ``asarray`` and ``astype``
keep boxes boxes.

>>> import numpy as np, adcore as ad
>>> def f(x):
...     xp = ad.array_namespace(x)
...     return xp.sum(xp.concat([xp.sin(x), xp.pow(x, 2)]))
>>> ad.gradient(f, ad.AutoAutograd(), np.zeros(2))
array([1., 1.])
"""

from __future__ import annotations

from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd.extend import Box

from adcore.extend import numpy_like_namespace

__all__ = ["namespace"]


def _asarray(obj: Any, /, *, dtype: Any = None, copy: bool | None = None) -> Any:
    """A box stays the box (cast if ``dtype`` asks); sequences that hold boxes become one."""
    if isinstance(obj, Box):
        return obj if dtype is None else obj.astype(dtype)
    if isinstance(obj, (list, tuple)):
        return anp.array(obj, dtype=dtype)
    return np.array(obj, dtype=dtype, copy=copy)


def _astype(x: Any, dtype: Any, /, *, copy: bool = True) -> Any:
    """A box or array cast by its own ``astype``, which autograd differentiates."""
    if isinstance(x, (Box, np.ndarray)):
        return x.astype(dtype)
    return np.asarray(x, dtype=dtype)


namespace = numpy_like_namespace(anp, name="autograd", overrides={"asarray": _asarray, "astype": _astype})
