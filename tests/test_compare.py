"""adcore.testing's comparison of results: tolerances per dtype."""

from __future__ import annotations

from typing import Any

import numpy as np

from adcore.testing._compare import tolerances


class FakeDType:
    """A dtype that prints like TensorFlow's (``<dtype: 'float32'>``) but has a name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return f"<dtype: {self.name!r}>"


class Array:
    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype


def test_tolerances_follow_the_precision_of_x() -> None:
    assert tolerances(np.ones(2, np.float64), False) == (1e-5, 1e-5)
    assert tolerances(np.ones(2, np.float32), True) == (1e-2, 1e-2)
    assert tolerances(0.5, False) == (1e-5, 1e-5)


def test_tolerances_read_dtypes_of_other_families() -> None:
    # By name (TensorFlow's DType), or by the last part of the printed dtype ("torch.float32").
    assert tolerances(Array(FakeDType("float32")), False) == (2e-3, 2e-3)
    assert tolerances(Array(FakeDType("float64")), True) == (1e-4, 1e-4)
    assert tolerances(Array("torch.float32"), False) == (2e-3, 2e-3)
