"""``AutoTorch(create_graph=True)``: results that carry the autograd graph.

A prepared executor's calls at a tensor ``x`` that requires grad (with grad mode on) run
the way they run inside an outer torch.func transform (``_convert.transform_running``):
on ``x`` itself, through the torch.func functions, with no ``no_grad`` and no detaching,
so that the result is a function of ``x`` that autograd differentiates further (a
gradient penalty). Other calls run as usual: no graph leaves them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from ._convert import graph

__all__ = ["with_graph"]

_CLASSES: dict[type, type] = {}


def _keeping_graph(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        if not (isinstance(x, torch.Tensor) and x.requires_grad and torch.is_grad_enabled()):
            return method(self, x, *args, **kwargs)
        graph.depth += 1
        try:
            return method(self, x, *args, **kwargs)
        finally:
            graph.depth -= 1

    return run


def _graph_class(cls: type) -> type:
    found = _CLASSES.get(cls)
    if found is None:
        methods = {name: _keeping_graph(getattr(cls, name)) for name in dir(cls)
                   if not name.startswith("_") and callable(getattr(cls, name))}
        found = _CLASSES[cls] = type(f"{cls.__name__}WithGraph", (cls,), methods)
    return found


def with_graph(executor: Any) -> Any:
    """``executor``, whose calls at a tensor that requires grad keep the graph."""
    executor.__class__ = _graph_class(type(executor))
    return executor
