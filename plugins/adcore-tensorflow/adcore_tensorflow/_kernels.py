"""What ``AutoTensorFlow`` computes, as functions of tensors: tapes and forward accumulators.

Each kernel takes ``(f, x, [tangents,] contexts)`` with ``x`` and the tangents
already tensors, and returns tensors; ``Kernels`` binds ``f`` and, for
``jit=True``, wraps the kernel in ``tf.function(jit_compile=True)`` once.
``vectorized`` kernels (under ``jit`` only) compute a basis of directions with
TensorFlow's ``pfor`` (``GradientTape.jacobian``, ``tf.vectorized_map``); eagerly,
``pfor`` builds and traces a new graph at every call, so the eager kernels loop.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import tensorflow as tf

from adcore.errors import ShapeError

ZERO = tf.UnconnectedGradients.ZERO
Tangents = tuple[Any, ...]


class Kernels:
    """The function being differentiated, and how kernels run: eagerly or compiled."""

    def __init__(self, f: Callable[..., Any], *, jit: bool, contexts: int = 0) -> None:
        self.f, self.jit, self.contexts = f, jit, contexts

    def bind(self, kernel: Callable[..., Any], *, tangents: bool = False, output: int | None = None,
             **options: Any) -> Any:
        """The kernel as ``(x, contexts)``, or ``(x, tangents, contexts)`` when it takes tangents;
        with ``output``, only that item of its results (compiled, the others are not returned)."""
        if not self.jit:
            bound = functools.partial(kernel, self.f, **options)
            if output is None:
                return bound
            return lambda *args: bound(*args)[output]
        key = (kernel, self.f, tuple(sorted(options.items())), output, self.contexts)
        if not tangents:
            compiled = _get(*key, None)
            return lambda x, contexts: compiled(x, *contexts)
        by_count: dict[int, Any] = {}

        def run(x: Any, t: Tangents, contexts: tuple[Any, ...]) -> Any:
            compiled = by_count.get(len(t))
            if compiled is None:
                compiled = by_count[len(t)] = _get(*key, len(t))
            return compiled(x, *t, *contexts)

        return run


def _compile(kernel: Callable[..., Any], f: Callable[..., Any], options: tuple[Any, ...],
             output: int | None, contexts: int, tangents: int | None) -> Any:
    # Every argument positional, and a fixed arity where it is the common one: tf.function
    # binds a tuple argument (or a functools.partial) through a slower path, about 20 us a
    # call, and *args 4 us, against some 100 us for a small compiled gradient; each returned
    # tensor costs a few more, so that a plain call returns its result only.
    kw = dict(options)

    def pick(results: Any) -> Any:
        return results if output is None else results[output]

    if contexts == 0 and tangents is None:
        def run(x: Any) -> Any:
            return pick(kernel(f, x, (), **kw))
    elif contexts == 0 and tangents == 1:
        def run(x: Any, t: Any) -> Any:  # type: ignore[misc]
            return pick(kernel(f, x, (t,), (), **kw))
    elif tangents is None:
        def run(x: Any, *contexts: Any) -> Any:  # type: ignore[misc]
            return pick(kernel(f, x, contexts, **kw))
    else:
        def run(x: Any, *args: Any) -> Any:  # type: ignore[misc]
            return pick(kernel(f, x, args[:tangents], args[tangents:], **kw))
    return tf.function(run, jit_compile=True)


#: One ``tf.function`` per kernel and ``f``, as ``jax.jit`` keeps one per function:
#: preparing ``f`` again (or calling an operator unprepared) reuses its traces and XLA
#: programs, where a new ``tf.function`` would trace and compile again (~0.2 s).
_compiled = functools.lru_cache(maxsize=256)(_compile)


def _get(*key: Any) -> Any:
    try:
        return _compiled(*key)
    except TypeError:  # an unhashable f: compiled for this preparation only
        return _compile(*key)


def _size(shape: Any) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _basis(like: Any) -> Any:
    """The standard basis of the space of ``like``, stacked: ``(size, *shape)``."""
    n = _size(like.shape)
    return tf.reshape(tf.eye(n, dtype=like.dtype), (n, *like.shape))


def require_scalar(y: Any) -> None:
    if y.shape.rank != 0:
        raise ShapeError(
            f"gradient needs a scalar function, but f(x) has shape {tuple(y.shape)}; use "
            "adcore.jacobian for array-valued functions, or reduce the output (e.g. sum)."
        )


# --- first order


def record(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], persistent: bool) -> Any:
    """``(tape, f(x))``: ``f`` recorded on a tape that watches ``x``."""
    with tf.GradientTape(persistent=persistent) as tape:
        tape.watch(x)
        y = f(x, *contexts)
    return tape, y


def pull(tape: Any, y: Any, x: Any, ty: Tangents) -> Tangents:
    # A cotangent takes the dtype of y: a Python number comes in with that of x, which
    # differs for a real f of complex x. The real part of a complex cotangent of a real y is
    # what the real inner product Re(vdot(w, J t)) sees.
    ty = [t if t.dtype == y.dtype else tf.cast(t, y.dtype) for t in ty]
    return tuple([tape.gradient(y, x, output_gradients=t, unconnected_gradients=ZERO) for t in ty])


def vjp(f: Callable[..., Any], x: Any, ty: Tangents, contexts: tuple[Any, ...]) -> Any:
    """``(f(x), tx)``: one recording of ``f``, one backward pass per cotangent."""
    tape, y = record(f, x, contexts, persistent=len(ty) > 1)
    return y, pull(tape, y, x, ty)


def _push(f: Callable[..., Any], x: Any, t: Any, contexts: tuple[Any, ...]) -> Any:
    with tf.autodiff.ForwardAccumulator(x, t) as acc:
        y = f(x, *contexts)
    return y, acc.jvp(y, unconnected_gradients=ZERO)


def jvp(f: Callable[..., Any], x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> Any:
    """``(f(x), ty)``: one forward pass per tangent."""
    if not tx:  # no tangent (the basis of an empty x): f(x) alone
        return f(x, *contexts), ()
    pairs = [_push(f, x, t, contexts) for t in tx]
    return pairs[-1][0], tuple([ty for _, ty in pairs])


def gradient(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...]) -> Any:
    tape, y = record(f, x, contexts, persistent=False)
    require_scalar(y)
    return y, tape.gradient(y, x, unconnected_gradients=ZERO)


def jacobian_reverse(
    f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], *, vectorized: bool
) -> Any:
    """``(f(x), J)``: the rows, pulled back from one recording."""
    tape, y = record(f, x, contexts, persistent=not vectorized)
    m, n = _size(y.shape), _size(x.shape)
    if m * n == 0:  # an empty x or y: no basis to pull back or push forward
        return y, tf.zeros((m, n), dtype=x.dtype)
    if vectorized:
        J = tape.jacobian(y, x, unconnected_gradients=ZERO)
    else:
        J = tf.stack(pull(tape, y, x, tuple(tf.unstack(_basis(y)))))
    return y, tf.reshape(J, (m, n))


def jacobian_forward(
    f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], *, vectorized: bool
) -> Any:
    """``(f(x), J)``: the columns, pushed forward along the basis of ``x``."""
    basis, n = _basis(x), _size(x.shape)
    if n == 0:
        y = f(x, *contexts)
        return y, tf.zeros((_size(y.shape), 0), dtype=x.dtype)
    if vectorized:
        y = f(x, *contexts)
        columns = tf.vectorized_map(lambda t: _push(f, x, t, contexts)[1], basis)
    else:
        y, cols = jvp(f, x, tuple(tf.unstack(basis)), contexts)
        columns = tf.stack(cols)
    return y, tf.transpose(tf.reshape(columns, (n, _size(y.shape))))


# --- second order


def second_derivative(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...]) -> Any:
    """``(f(x), f'(x), f''(x))`` for a scalar ``x``: two nested forward accumulators, one pass."""
    one = tf.ones_like(x)
    with tf.autodiff.ForwardAccumulator(x, one) as outer:
        with tf.autodiff.ForwardAccumulator(x, one) as inner:
            y = f(x, *contexts)
        d = inner.jvp(y, unconnected_gradients=ZERO)
    return y, d, outer.jvp(d, unconnected_gradients=ZERO)


def record_gradient(f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], persistent: bool) -> Any:
    """``(outer tape, f(x), gradient)``: the gradient recorded, to differentiate it again."""
    with tf.GradientTape(persistent=persistent) as outer:
        outer.watch(x)
        tape, y = record(f, x, contexts, persistent=False)
        require_scalar(y)
        g = tape.gradient(y, x, unconnected_gradients=ZERO)
    return outer, y, g


def _push_gradient(f: Callable[..., Any], x: Any, t: Any, contexts: tuple[Any, ...]) -> Any:
    with tf.autodiff.ForwardAccumulator(x, t) as acc:
        tape, y = record(f, x, contexts, persistent=False)
        g = tape.gradient(y, x, unconnected_gradients=ZERO)
    return y, g, acc.jvp(g, unconnected_gradients=ZERO)


def hvp_reverse(f: Callable[..., Any], x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> Any:
    """``(grad, tg)``: reverse over reverse, one recording of the gradient for the batch."""
    outer, _, g = record_gradient(f, x, contexts, persistent=len(tx) > 1)
    return g, pull(outer, g, x, tx)


def hvp_forward(f: Callable[..., Any], x: Any, tx: Tangents, contexts: tuple[Any, ...]) -> Any:
    """``(grad, tg)``: forward over reverse, one pass per tangent."""
    if not tx:
        return gradient(f, x, contexts)[1], ()
    triples = [_push_gradient(f, x, t, contexts) for t in tx]
    return triples[-1][1], tuple([h for _, _, h in triples])


def hessian_reverse(
    f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], *, vectorized: bool
) -> Any:
    """``(f(x), grad, H)``: the Jacobian of the recorded gradient, row by row."""
    outer, y, g = record_gradient(f, x, contexts, persistent=not vectorized)
    n = _size(x.shape)
    if n == 0:
        return y, g, tf.zeros((0, 0), dtype=x.dtype)
    if vectorized:
        H = outer.jacobian(g, x, unconnected_gradients=ZERO)
    else:
        H = tf.stack(pull(outer, g, x, tuple(tf.unstack(_basis(x)))))
    return y, g, tf.reshape(H, (n, n))


def hessian_forward(
    f: Callable[..., Any], x: Any, contexts: tuple[Any, ...], *, vectorized: bool
) -> Any:
    """``(f(x), grad, H)``: forward over reverse along the basis of ``x``, column by column."""
    basis, n = _basis(x), _size(x.shape)
    if n == 0:
        y, g = gradient(f, x, contexts)
        return y, g, tf.zeros((0, 0), dtype=x.dtype)
    if vectorized:
        y, g = gradient(f, x, contexts)
        columns = tf.vectorized_map(lambda t: _push_gradient(f, x, t, contexts)[2], basis)
    else:
        triples = [_push_gradient(f, x, t, contexts) for t in tf.unstack(basis)]
        y, g = triples[0][0], triples[0][1]
        require_scalar(y)
        columns = tf.stack([h for _, _, h in triples])
    return y, g, tf.transpose(tf.reshape(columns, (n, n)))
