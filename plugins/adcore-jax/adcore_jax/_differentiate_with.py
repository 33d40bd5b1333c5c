"""``adcore.DifferentiateWith`` (and a cross-engine ``SecondOrder``) under JAX.

A ``ForeignFunction`` becomes a ``jax.custom_jvp`` whose primal is one ``pure_callback``
of its value, and whose JVP rule is ``J @ t`` with ``(y, J)`` from one callback of
``value_and_jacobian``: a matrix product that JAX transposes for reverse mode, batches
under ``vmap`` and compiles under ``jit``. That pair is itself a ``custom_jvp`` whose rule
differentiates ``J`` by the Jacobian function's own callback, so second derivatives
(``jax.hessian``, a JVP of a gradient) work too.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["call"]


def _struct(function: Any, x: Any) -> jax.ShapeDtypeStruct:
    # Asked while JAX traces; a g written in JAX must run eagerly on its trial input.
    with jax.ensure_compile_time_eval():
        shape, dtype = function.output(tuple(x.shape), np.dtype(x.dtype))
    return jax.ShapeDtypeStruct(shape, jax.dtypes.canonicalize_dtype(dtype))


def _callback(compute: Any, structs: Any, *args: Any) -> Any:
    def host(*values: Any) -> Any:
        out = compute(*(np.asarray(v) for v in values))
        if isinstance(out, tuple):
            return tuple(np.asarray(o, s.dtype) for o, s in zip(out, structs))
        return np.asarray(out, structs.dtype)

    return jax.pure_callback(host, structs, *args, vmap_method="sequential")


def _linear(J: Any, t: Any, shape: tuple[int, ...]) -> Any:
    return jnp.reshape(J @ jnp.reshape(t, (-1,)).astype(J.dtype), shape)


def _value_and_jacobian(function: Any, x: Any) -> tuple[Any, Any]:
    """``(y, J)`` by one callback, differentiable in ``x`` (``J``'s derivative by the
    Jacobian function's callback)."""
    function.check_jacobian()  # while tracing, not in the callback
    y_struct = _struct(function, x)
    j_struct = jax.ShapeDtypeStruct((int(np.prod(y_struct.shape)), int(np.prod(x.shape))),
                                    jnp.result_type(y_struct.dtype, x.dtype))

    m = int(np.prod(y_struct.shape))
    packed = jax.ShapeDtypeStruct((m + j_struct.shape[0] * j_struct.shape[1],), j_struct.dtype)

    def host(x: np.ndarray) -> np.ndarray:
        y, J = function.value_and_jacobian(x)
        return np.concatenate([np.reshape(y, -1), np.reshape(J, -1)])

    @jax.custom_jvp
    def pair(x: Any) -> tuple[Any, Any]:
        # One array back from the callback, not two: each output costs a transfer.
        flat = _callback(host, packed, x)
        y = jnp.reshape(flat[:m], y_struct.shape).astype(y_struct.dtype)
        return y, jnp.reshape(flat[m:], j_struct.shape)

    @pair.defjvp
    def pair_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        y, J = pair(x)
        _, K = _value_and_jacobian(function.jacobian_function(), x)
        return (y, J), (_linear(J, t, y_struct.shape).astype(y.dtype), _linear(K, t, J.shape).astype(J.dtype))

    return pair(x)  # type: ignore[no-any-return]


def call(function: Any, x: Any) -> Any:
    """``function(x)`` for a JAX value ``x``: one callback, differentiable by JAX."""
    struct = _struct(function, x)

    @jax.custom_jvp
    def value(x: Any) -> Any:
        return _callback(function.value, struct, x)

    @value.defjvp
    def value_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        y, J = _value_and_jacobian(function, x)
        return y, _linear(J, t, struct.shape).astype(y.dtype)

    return value(x)
