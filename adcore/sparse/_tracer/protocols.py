"""The tracer's protocols: ``__array_ufunc__``, ``__array_namespace__`` and Python's operators.

They join the rules of ``ufuncs``, ``functions`` and ``moves``, so they sit above all
three; importing this module registers them in ``core.PROTOCOLS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Tracer, is_traced
from .functions import REDUCE, cumulate, matmul
from .moves import clip
from .rules import PROTOCOLS, unsupported
from .ufuncs import apply_binary, apply_unary, result_dtype, trace_of, write_out

__all__ = ["call_ufunc", "namespace"]

# --- ufuncs


def call_ufunc(ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    out = kwargs.pop("out", None)
    if kwargs.pop("where", True) is not True:
        raise unsupported(f"the where= argument of numpy.{ufunc.__name__}")
    dtype = kwargs.pop("dtype", None)
    name = ufunc.__name__
    if method == "__call__":
        result = _call(ufunc, name, inputs, dtype, kwargs)
    elif method == "reduce" and name in ("add", "multiply", "maximum", "minimum", "fmax", "fmin"):
        axis = kwargs.get("axis", 0)
        result = REDUCE[name](inputs[0], axis=axis, keepdims=kwargs.get("keepdims", False))
    elif method == "accumulate" and name in ("add", "multiply"):
        result = cumulate(inputs[0], kwargs.get("axis", 0), nonlinear=name == "multiply")
    elif method == "outer":
        a, b = inputs
        result = ufunc(np.reshape(a, np.shape(a) + (1,) * np.ndim(b)), b)
    else:
        raise unsupported(f"numpy.{name}.{method}")
    return result if out is None else write_out(out, result)


def _call(ufunc: Any, name: str, inputs: tuple[Any, ...], dtype: Any, kwargs: dict[str, Any]) -> Any:
    if name == "matmul":
        return matmul(*inputs)
    if name == "vecdot":
        a, b = inputs
        return np.sum(np.multiply(a, b), axis=kwargs.get("axis", -1))
    if name == "matvec":
        return np.squeeze(matmul(inputs[0], np.expand_dims(inputs[1], -1)), -1)
    if name == "vecmat":
        return np.squeeze(matmul(np.expand_dims(inputs[0], -2), inputs[1]), -2)
    if ufunc.nout == 2 and name in ("divmod", "modf"):
        if name == "divmod":
            return np.floor_divide(*inputs), np.remainder(*inputs)
        (a,) = inputs
        return np.positive(a), np.trunc(a)
    if ufunc.nout != 1 or ufunc.nin > 2:
        raise unsupported(f"numpy.{name}")
    dt = result_dtype(ufunc, inputs, dtype)
    if ufunc.nin == 1:
        return apply_unary(name, inputs[0], dt)
    return apply_binary(name, inputs[0], inputs[1], dt)



# --- the array-API namespace of tracers


class _Namespace:
    """``array_api_compat.numpy``, but for ``asarray`` and ``clip``, which must see a
    tracer before numpy does; everything else reaches the tracer through numpy's protocols."""

    def __init__(self) -> None:
        import array_api_compat.numpy as compat

        self._compat = compat

    def __getattr__(self, name: str) -> Any:
        return getattr(self._compat, name)

    def asarray(self, obj: Any, /, *, dtype: Any = None, device: Any = None, copy: Any = None) -> Any:
        if is_traced(obj):
            return obj if dtype is None else obj.astype(dtype)
        if isinstance(obj, (list, tuple)) and trace_of(*obj) is not None:
            return np.stack([self.asarray(o) for o in obj])
        return self._compat.asarray(obj, dtype=dtype, device=device, copy=copy)

    def clip(self, x: Any, /, min: Any = None, max: Any = None) -> Any:
        return clip(x, min, max)


_NAMESPACE: list[_Namespace] = []


def namespace() -> _Namespace:
    if not _NAMESPACE:
        _NAMESPACE.append(_Namespace())
    return _NAMESPACE[0]


PROTOCOLS.update(ufunc=call_ufunc, namespace=namespace)


# --- Python's operators, as numpy's ufuncs on tracers


def _operator(name: str, reflected: bool = False) -> Callable[[Tracer, Any], Any]:
    ufunc = getattr(np, name)
    if reflected:
        return lambda self, other: ufunc(other, self)
    return lambda self, other: ufunc(self, other)


def _inplace(name: str) -> Callable[[Tracer, Any], Tracer]:
    ufunc = getattr(np, name)

    def iop(self: Tracer, other: Any) -> Tracer:
        # In place, so that every name bound to this tracer (a Cache, y) sees the change.
        self[...] = ufunc(self, other)
        return self

    return iop


for _dunder, _name in {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide",
    "floordiv": "floor_divide", "mod": "remainder", "pow": "power", "matmul": "matmul",
    "and": "logical_and", "or": "logical_or", "xor": "logical_xor",
}.items():
    setattr(Tracer, f"__{_dunder}__", _operator(_name))
    setattr(Tracer, f"__r{_dunder}__", _operator(_name, reflected=True))
    setattr(Tracer, f"__i{_dunder}__", _inplace(_name))
for _dunder, _name in {
    "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal",
    "eq": "equal", "ne": "not_equal",
}.items():
    setattr(Tracer, f"__{_dunder}__", _operator(_name))
Tracer.__neg__ = lambda self: np.negative(self)  # type: ignore[method-assign]
Tracer.__pos__ = lambda self: self  # type: ignore[method-assign]
Tracer.__abs__ = lambda self: np.absolute(self)  # type: ignore[method-assign]
Tracer.__invert__ = lambda self: np.invert(self)  # type: ignore[method-assign]
Tracer.__hash__ = None  # type: ignore[assignment]

