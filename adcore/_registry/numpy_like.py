"""``numpy_like_namespace``: a numpy-like module under the array API's names.

Engines such as autograd (``autograd.numpy``) and TensorFlow
(``tf.experimental.numpy``) differentiate a module that speaks numpy's dialect:
``concatenate``, ``power``, ``arccos``, ``transpose``, ``ddof=``, creation
functions without ``device=``. Users' functions written with
``adcore.array_namespace(x)`` speak the array API's: ``concat``, ``pow``,
``acos``, ``permute_dims``, ``correction=``, ``device=``. A plugin's
``adcore_array_namespace`` hook returns a namespace built here, which translates
one into the other, and passes only what its engine does otherwise.
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..errors import ArgumentError

__all__ = ["numpy_like_namespace"]

# The array API's names that numpy spells the same: the module's own functions.
_SAME = (
    "abs", "add", "broadcast_to", "clip", "conj", "cos", "cosh", "divide", "exp", "expand_dims",
    "expm1", "flip", "float32", "float64", "hypot", "imag", "log", "log1p", "log2", "log10",
    "logaddexp", "matmul", "max", "maximum", "mean", "min", "minimum", "moveaxis", "multiply",
    "negative", "prod", "real", "repeat", "roll", "sign", "sin", "sinh", "sqrt", "square",
    "squeeze", "stack", "subtract", "sum", "tan", "tanh", "tensordot", "tile", "where",
)
# The array API's name -> numpy's, for the same function. (numpy 2 has both, but an
# engine's numpy-like module may give derivatives only under numpy's.)
_RENAMED = {
    "acos": "arccos", "acosh": "arccosh", "asin": "arcsin", "asinh": "arcsinh",
    "atan": "arctan", "atan2": "arctan2", "atanh": "arctanh", "pow": "power",
}
# The module's creation functions, to which the namespace adds the array API's `device=`.
_CREATION = (
    "arange", "empty", "empty_like", "eye", "full", "full_like", "linspace", "ones", "ones_like",
    "zeros", "zeros_like",
)


def numpy_like_namespace(
    module: Any,
    *,
    name: str,
    on_device: Callable[[Any], AbstractContextManager[Any]] | None = None,
    overrides: Mapping[str, Callable[..., Any]] | None = None,
) -> types.ModuleType:
    """numpy_like_namespace(module, *, name, on_device=None, overrides=None) -> xp: ``module``
    under the array API's names.

    ``xp`` maps the array API's names onto the functions of ``module`` that the
    engine differentiates (``concat`` onto ``concatenate``, ``pow`` onto
    ``power``, ``permute_dims`` onto ``transpose``, ``std(correction=)`` onto
    ``std(ddof=)``...), gives the creation functions, ``asarray`` and ``astype``
    a ``device=`` keyword, and takes every other name from ``module``. It is
    what a plugin's ``adcore_array_namespace`` hook returns for the values its
    engine traces; build it once, at import of the plugin's namespace module.

    Args:
        module: the engine's numpy-like module (``autograd.numpy``,
            ``tf.experimental.numpy``); it must have numpy's functions under
            numpy's names.
        name: the engine, as error messages name it (``"autograd"``).
        on_device: ``on_device(device)`` returns the context manager in which
            ``device=`` functions run (TensorFlow: ``tf.device(device)``). By
            default only ``None`` and ``"cpu"`` are accepted, and any other
            device raises ``ValueError``.
        overrides: functions that replace the translations, or add names, for
            what the engine does otherwise (``{"astype": cast}``). Overrides of
            ``asarray``, ``astype`` and the creation functions take no
            ``device=``: the namespace adds it.

    Returns:
        A module object: its ``__all__`` lists the array-API names it defines,
        and a name it lacks is looked up on ``module`` (but for dunders such as
        ``__file__``: ``xp`` does not pass for ``module`` itself).

    >>> import numpy as np
    >>> from adcore.extend import numpy_like_namespace
    >>> xp = numpy_like_namespace(np, name="numpy")
    >>> x = xp.asarray([[1.0, 2.0], [3.0, 5.0]], device="cpu")
    >>> xp.permute_dims(x, (1, 0))
    array([[1., 3.],
           [2., 5.]])
    >>> xp.var(x, axis=0, correction=1)
    array([2. , 4.5])
    >>> xp.einsum is np.einsum
    True
    >>> xp.zeros(2, device="cuda")
    Traceback (most recent call last):
    ...
    adcore.errors.ArgumentError: numpy arrays live on the CPU; got device='cuda'
    """
    if on_device is None:
        on_device = _cpu_only(name)
    functions: dict[str, Any] = {n: getattr(module, n) for n in (*_SAME, *_CREATION)}
    functions.update({n: getattr(module, numpy_name) for n, numpy_name in _RENAMED.items()})
    functions.update(_translations(module))
    functions.update(overrides or {})
    for n in (*_CREATION, "asarray", "astype"):
        create = functions[n]
        own = create is getattr(module, n, None)  # numpy's long docstring would mislead
        doc = f"``{module.__name__}.{n}``" if own else (create.__doc__ or f"``{n}``")
        functions[n] = _with_device(create, n, on_device, doc)

    def __getattr__(attr: str) -> Any:
        try:
            # Dunders (__file__, __path__...) would make xp pass for module itself.
            if not attr.startswith("__"):
                return getattr(module, attr)
        except AttributeError:
            pass
        raise AttributeError(f"the {name} array namespace has no attribute {attr!r}")

    xp = types.ModuleType(
        f"{module.__name__} under the array API",
        f"``{module.__name__}`` under the array API's names: see ``adcore.extend.numpy_like_namespace``.",
    )
    vars(xp).update(functions, __getattr__=__getattr__, __array_api_version__="2023.12",
                    __all__=sorted(functions))
    return xp


def _cpu_only(name: str) -> Callable[[Any], AbstractContextManager[Any]]:
    def on_device(device: Any) -> AbstractContextManager[Any]:
        if device is not None and device != "cpu":
            raise ArgumentError(f"{name} arrays live on the CPU; got device={device!r}")
        return contextlib.nullcontext()

    return on_device


def _with_device(create: Callable[..., Any], name: str, on_device: Callable[[Any], Any],
                 doc: str) -> Callable[..., Any]:
    def wrapped(*args: Any, device: Any = None, **kwargs: Any) -> Any:
        with on_device(device):
            return create(*args, **kwargs)

    wrapped.__name__ = wrapped.__qualname__ = name
    wrapped.__doc__ = f"{doc.strip()}\n\nIt takes the array API's ``device=``."
    return wrapped


def _translations(m: Any) -> dict[str, Callable[..., Any]]:
    """The array API's functions that numpy spells otherwise, over the numpy-like module ``m``."""

    def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> Any:
        if axis is None:
            return m.concatenate([m.reshape(a, (-1,)) for a in arrays])
        return m.concatenate(list(arrays), axis=axis)

    def reshape(x: Any, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Any:
        return m.reshape(x, shape)

    def permute_dims(x: Any, /, axes: tuple[int, ...]) -> Any:
        return m.transpose(x, axes)

    def matrix_transpose(x: Any, /) -> Any:
        return m.swapaxes(x, -1, -2)

    def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
        moved = m.moveaxis(x, axis, 0)
        return tuple(moved[i] for i in range(m.shape(x)[axis]))

    def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
        return m.sum(m.conj(x1) * x2, axis=axis)

    def cumulative_sum(
        x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
    ) -> Any:
        if axis is None:
            if m.ndim(x) > 1:
                raise ArgumentError("cumulative_sum: axis is required for arrays of more than one dimension")
            axis = 0
        # No dtype unless asked: autograd's derivative of cumsum takes none.
        out = m.cumsum(x, axis=axis) if dtype is None else m.cumsum(x, axis=axis, dtype=dtype)
        if include_initial:
            shape = list(m.shape(out))
            shape[axis] = 1
            out = m.concatenate([m.zeros(shape, dtype=out.dtype), out], axis=axis)
        return out

    def std(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
        return m.std(x, axis=axis, ddof=correction, keepdims=keepdims)

    def var(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
        return m.var(x, axis=axis, ddof=correction, keepdims=keepdims)

    def asarray(obj: Any, /, *, dtype: Any = None, copy: bool | None = None) -> Any:
        """``asarray(obj, dtype=)`` of the module (``copy`` is not honoured)."""
        return m.asarray(obj, dtype=dtype)

    def astype(x: Any, dtype: Any, /, *, copy: bool = True) -> Any:
        """``asarray(x, dtype=)`` of the module (``copy`` is not honoured)."""
        return m.asarray(x, dtype=dtype)

    translations = (concat, reshape, permute_dims, matrix_transpose, unstack, vecdot,
                    cumulative_sum, std, var, asarray, astype)
    return {f.__name__: f for f in translations}
