"""``adcore.DifferentiateWith`` (and a cross-engine ``SecondOrder``) under TensorFlow.

A ``ForeignFunction`` becomes a ``tf.custom_gradient`` whose value comes from the
function on numpy (``tf.numpy_function``, so it runs in ``tf.function`` graphs too) and
whose gradient is ``w @ J``, ``J`` the same construction over the Jacobian function: a
tensor that the tapes (an outer ``GradientTape``, a ``ForwardAccumulator``) differentiate
in turn, so second derivatives work.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from adcore import NotSupportedError

__all__ = ["call"]


def _value(function: Any, x: tf.Tensor) -> tf.Tensor:
    with tf.init_scope():  # eagerly, also while tf.function traces: g runs on numbers
        shape, dtype = function.output(tuple(x.shape), np.dtype(x.dtype.as_numpy_dtype))
    # A tf.Variable is read first: numpy_function's own conversion of one warns (numpy 2).
    y = tf.numpy_function(lambda v: np.asarray(function.value(np.asarray(v)), dtype),
                          [tf.convert_to_tensor(x)],
                          tf.as_dtype(dtype), stateful=False)
    return tf.ensure_shape(y, shape)


def _refuse_xla(function: Any) -> None:
    """Raise inside ``tf.function(jit_compile=True)`` (``AutoTensorFlow(jit=True)``): XLA
    compiles the whole function and cannot call back into Python."""
    try:
        from tensorflow.python.framework import ops
        from tensorflow.python.ops.control_flow_util import GraphOrParentsInXlaContext
    except ImportError:  # pragma: no cover - a TensorFlow that moved them
        return
    if GraphOrParentsInXlaContext(ops.get_default_graph()):
        raise NotSupportedError(
            f"{function.description} was called inside a function that XLA compiles "
            "(tf.function(jit_compile=True), AutoTensorFlow(jit=True)); XLA cannot call back "
            "into Python for another engine's numbers. Use AutoTensorFlow() (jit=False) or "
            "tf.function without jit_compile."
        )


def call(function: Any, x: tf.Tensor) -> tf.Tensor:
    """``function(x)`` for a tensor ``x``: differentiable by TensorFlow's tapes."""
    _refuse_xla(function)

    @tf.custom_gradient
    def foreign(x: tf.Tensor) -> Any:
        y = _value(function, x)

        def grad(w: tf.Tensor) -> tf.Tensor:
            J = call(function.jacobian_function(), x)
            g = tf.linalg.matvec(J, tf.cast(tf.reshape(w, [-1]), J.dtype), transpose_a=True)
            return tf.cast(tf.reshape(g, tf.shape(x)), x.dtype)

        return y, grad

    return foreign(x)
