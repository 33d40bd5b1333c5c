"""The boundary between the caller's arrays and torch.

Inside, everything is a ``torch.Tensor``. Numpy arrays come in without a copy
(``torch.from_numpy``) and results go back without one (``.numpy()``); Python
floats become float64 0-d tensors and 0-d results become Python floats again;
tensors pass through, and results stay on their device with their dtype.
The family of a result follows the ``x`` of each call, not that of the
preparation, so that an executor called on tensors from inside a torch.func
transform (``SecondOrder(AutoTorch(), AutoTorch())``) stays in torch.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import torch

from adcore import NotSupportedError

try:  # the top of torch.func's interpreter stack: None unless a transform is running
    from torch._C._functorch import peek_interpreter_stack as _peek
except ImportError:  # pragma: no cover - torch before 2.0
    _peek = lambda: None


class _Graph(threading.local):
    """AutoTorch(create_graph=True) at work on this thread (``_create_graph``): its calls
    run as inside a transform, on the caller's tensor, so that their results keep the graph."""

    depth = 0


graph = _Graph()


def transform_running() -> Any:
    """Whether computations must let the graph through: a torch.func transform runs (its
    interpreter), or an ``AutoTorch(create_graph=True)`` call on a tensor that requires grad."""
    return _peek() or (graph if graph.depth else None)

Tensor = torch.Tensor

__all__ = [
    "Tensor",
    "back",
    "classic",
    "contexts_to_torch",
    "fill",
    "grad_free",
    "graph",
    "owned",
    "quiet_torch_internals",
    "recording",
    "refuse_under_classic",
    "storages",
    "tangent",
    "to_torch",
    "traceable",
    "transform_running",
]


class _Recording(threading.local):
    depth = 0


#: ``classic.depth``: how many evaluations of ``f`` classic autograd records on this thread.
classic = _Recording()


@contextlib.contextmanager
def quiet_torch_internals() -> Iterator[None]:
    """Ignore the warnings that torch raises from its own modules, about itself.

    torch 2.13 warns, from inside torch, on its own first use of forward-mode AD and
    of torch.compile (``torch.jit.script`` used internally, ``torch._prims_common.check``
    in Inductor, PGO off with the caches); under ``-W error`` they would fail a
    preparation for nothing the caller wrote. Warnings issued from the caller's code
    are kept.
    """
    with warnings.catch_warnings():
        for category in (DeprecationWarning, FutureWarning, UserWarning):
            warnings.filterwarnings("ignore", category=category, module=r"torch(\.|$)")
        yield


@contextlib.contextmanager
def recording() -> Iterator[None]:
    """Mark the evaluation of ``f`` by the classic autograd engine, on this thread."""
    classic.depth += 1
    try:
        yield
    finally:
        classic.depth -= 1


def refuse_under_classic() -> None:
    """Raise where an operator is called from inside ``f`` while classic autograd records
    ``f``: its result carries no graph, so the outer derivative would silently be zero."""
    if classic.depth:
        raise NotSupportedError(
            "AutoTorch: an adcore operator was called inside a function that classic autograd "
            "differentiates (the fallback for functions torch.func cannot trace); its result "
            "carries no graph, so the outer derivative would be zero. Make the function "
            "traceable by torch.func, which sees through nested adcore calls."
        )


def grad_free() -> Any:
    """``torch.no_grad()``, unless a torch.func transform runs around us: then the
    outer transform must see through our computation, and no graph can leak out
    of a transform anyway."""
    if transform_running() is not None:
        return contextlib.nullcontext()
    refuse_under_classic()
    return torch.no_grad()


def to_torch(v: Any) -> Any:
    """``v`` as a tensor when it is a numpy array or a Python number; anything else as it is."""
    if isinstance(v, Tensor):
        return v
    if isinstance(v, (np.ndarray, np.generic)):
        a = np.asarray(v)
        if a.flags.writeable and a.dtype.isnative:
            try:
                return torch.from_numpy(a)
            except (ValueError, TypeError):  # negative strides, or a dtype torch lacks
                pass
        return torch.from_numpy(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("=")))
    if isinstance(v, (float, int)) and not isinstance(v, bool):
        return torch.tensor(v, dtype=torch.float64)
    return v


def tangent(t: Any, like: Tensor) -> Tensor:
    """A tangent (or cotangent) as a tensor of the dtype and device of ``like``."""
    if isinstance(t, Tensor):
        return t
    if isinstance(t, (float, int)):
        return torch.tensor(t, dtype=like.dtype, device=like.device)
    return to_torch(t)


def contexts_to_torch(contexts: Sequence[Any]) -> tuple[Any, ...]:
    return tuple([to_torch(c) for c in contexts]) if contexts else ()


def back(r: Tensor, x: Any) -> Any:
    """The result ``r`` in the array family of ``x``."""
    if isinstance(x, Tensor):
        return r
    a = r.detach().cpu().numpy()
    if isinstance(x, (float, int)):
        return a.item() if a.ndim == 0 else a
    return a[()] if a.ndim == 0 else a


def storages(*tensors: Any) -> frozenset[int]:
    """Where the memory of each tensor among ``tensors`` starts: a view shares its base's.
    None inside a torch.func transform, whose tensors have no storage to read."""
    if transform_running() is not None:
        return frozenset()
    return frozenset(t.untyped_storage().data_ptr() for t in tensors if isinstance(t, Tensor))


def owned(r: Any, taken: frozenset[int]) -> Any:
    """``r``, cloned where it shares memory with the arguments whose storages are ``taken``.

    A result is the caller's own (SPEC 10): torch hands back what it was given where it
    can, a tangent for a linear ``f``, ``x`` or a view of it for an ``f`` that returns one,
    and ``.numpy()`` shares the tensor's memory. Fresh results, the usual case, cost one
    pointer comparison. Inside a torch.func transform nothing reaches the caller, and a
    transform's tensors have no storage to compare.
    """
    if not isinstance(r, Tensor) or transform_running() is not None:
        return r
    return r.clone() if r.untyped_storage().data_ptr() in taken else r


def fill(y: Any, value: Tensor) -> Any:
    """Write ``value`` into the caller's output buffer ``y`` and return ``y``."""
    with torch.no_grad():
        to_torch(y).copy_(value)
    return y


def traceable(f: Callable[..., Any], caches: Sequence[bool], y: Any = None) -> Callable[..., Any]:
    """``f`` as a pure function of ``(x, *contexts)`` that torch.func can transform.

    torch.func refuses writes into tensors captured from outside the transform,
    so the function writes into buffers it allocates: an in-place ``f(y, x)``
    gets a fresh ``y`` and returns it, and each ``Cache`` a fresh copy (a cache's
    content after a call is unspecified, so the caller's is left alone). The
    same function serves classic autograd, where it keeps the caller's buffers
    out of the graph.
    """
    caches = tuple(caches)
    if y is None and not any(caches):
        return f
    shape, dtype = (None, None) if y is None else (tuple(y.shape), to_torch(y).dtype)

    def pure(x: Tensor, *contexts: Any) -> Any:
        if True in caches:
            contexts = tuple(c.clone() if cache and isinstance(c, Tensor) else c
                             for c, cache in zip(contexts, caches))
        if shape is None:
            return f(x, *contexts)
        buffer = torch.zeros(shape, dtype=dtype, device=x.device)
        f(buffer, x, *contexts)
        return buffer

    return pure
