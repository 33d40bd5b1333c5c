"""The scenario families of the conformance suite, each with hand-derived references.

Every function is written once through ``adcore.array_namespace``, so one
scenario serves every array family; references are numpy arrays (or Python
floats, for results like a Python float ``x``) in the dtype of ``x``.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._complex import complex_scenarios as complex_scenarios
from ._first_order import default_scenarios as default_scenarios
from ._first_order import float32_scenarios as float32_scenarios
from ._first_order import inplace_scenarios as inplace_scenarios
from ._layouts import layout_scenarios as layout_scenarios
from ._mixed import mixed_scenarios as mixed_scenarios
from ._pytrees import pytree_scenarios as pytree_scenarios
from ._second_order import second_order_scenarios as second_order_scenarios
from ._sparse import sparse_scenarios as sparse_scenarios
from ._with_contexts import context_scenarios as context_scenarios

__all__ = [
    "all_scenarios",
    "complex_scenarios",
    "context_scenarios",
    "default_scenarios",
    "float32_scenarios",
    "inplace_scenarios",
    "layout_scenarios",
    "mixed_scenarios",
    "pytree_scenarios",
    "second_order_scenarios",
    "sparse_scenarios",
]


def all_scenarios() -> list[Scenario]:
    """Every family but the sparse one: default, in-place, context, float32, second order,
    layout, pytree, mixed, complex."""
    return [
        *default_scenarios(),
        *inplace_scenarios(),
        *context_scenarios(),
        *float32_scenarios(),
        *second_order_scenarios(),
        *layout_scenarios(),
        *pytree_scenarios(),
        *mixed_scenarios(),
        *complex_scenarios(),
    ]
