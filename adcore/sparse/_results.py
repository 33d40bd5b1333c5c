"""Sparse results in the array family of ``x``.

numpy ``x`` gets a ``scipy.sparse.csr_array`` (:meth:`Plan.csr`); another family gets
what its plugin builds through the hook ``adcore_sparse_result`` (adcore-jax: a
``jax.experimental.sparse.BCOO``), or, where no plugin answers, the dense matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._registry.plugins import first_answer
from ._decompression import Plan

__all__ = ["sparse_builder"]


def sparse_builder(plan: Plan, x: Any) -> Callable[[Any], Any] | None:
    """``build(values)``: the result holding the pattern's entries ``values`` (in the order of
    its csr arrays), in the family of ``x``; None where that family gets a dense result."""
    if isinstance(x, np.ndarray):
        return plan.csr
    return first_answer("adcore_sparse_result", x=x, pattern=plan.coloring.pattern)  # type: ignore[no-any-return]
