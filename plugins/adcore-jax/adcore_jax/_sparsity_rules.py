"""``propagate(jaxpr, ...)``: the dependency pattern of every variable of a jaxpr.

Each variable carries a pattern (see ``_sparsity_sets``) and, when it depends on
constants only, its value, so that indices, conditions and trip counts computed
from constants are followed exactly. Integer and boolean variables carry no
dependence: their derivatives vanish, as do those of ``floor``, ``sign``,
comparisons and ``stop_gradient``.

A rule may answer a superset, never a subset: an entry left out of a pattern is
silently lost by the sparse operators, an extra one only costs colors.
"""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import ClosedJaxpr, Jaxpr, Literal

from ._sparsity_sets import MOVES, VALUES, aggregate, positions, stack, take, union, whole

__all__ = ["propagate"]

_VALUE_LIMIT = 10**7  # known values larger than this are not computed
_DENSE_LIMIT = 5 * 10**7  # entries of a conservative answer beyond which we give up
_warned: set[str] = set()

ZERO = {"floor", "ceil", "round", "sign", "is_finite", "zeros_like"}
# stop_gradient keeps its dependence: what JAX's derivatives drop, finite differences see
SAME = {"squeeze", "copy", "copy_p", "convert_element_type", "reduce_precision", "optimization_barrier",
        "stop_gradient", "device_put", "sharding_constraint", "layout_constraint", "reshard", "pvary"}
ELEMENTWISE = {
    "abs", "acos", "acosh", "add", "add_any", "asin", "asinh", "atan", "atan2", "atanh", "cbrt",
    "clamp", "complex", "conj", "cos", "cosh", "digamma", "div", "erf", "erf_inv", "erfc", "exp",
    "exp2", "expm1", "igamma", "igammac", "imag", "integer_pow", "lgamma", "log", "log1p",
    "logistic", "max", "min", "mul", "neg", "nextafter", "polygamma", "pow", "real", "rem", "rsqrt", "sin",
    "sinh", "sqrt", "square", "sub", "tan", "tanh", "zeta", "bessel_i0e", "bessel_i1e",
    "regularized_incomplete_beta", "random_gamma_grad", "tie_in", "pjit_identity",
}
REDUCTIONS = {"reduce_sum", "reduce_max", "reduce_min", "reduce_prod", "argmax", "argmin",
              "reduce_and", "reduce_or", "reduce_xor"}
CUMULATIVE = {"cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp"}
SCATTERS = {"scatter", "scatter-add", "scatter_add", "scatter-sub", "scatter_sub", "scatter-mul",
            "scatter_mul", "scatter-min", "scatter_min", "scatter-max", "scatter_max"}
# operands whose elements move into the output; the others (indices, conditions) must be known
DATA = {"concatenate": None, "stack": None, "pad": (0, 1), "select_n": slice(1, None),
        "dynamic_update_slice": (0, 1), "dynamic_slice": (0,), "gather": (0,)}
# primitives that run an inner jaxpr on their operands, as given, for their outputs
CALLS = {"jit", "pjit", "closed_call", "core_call", "call", "custom_jvp_call", "custom_jvp_call_jaxpr",
         "custom_vjp_call", "custom_vjp_call_jaxpr", "custom_vmap_call", "remat2", "checkpoint", "remat",
         "composite"}
CALL_PARAMS = ("jaxpr", "call_jaxpr", "fun_jaxpr")


def _size(v: Any) -> int:
    return int(np.prod(getattr(v.aval, "shape", ()), dtype=np.int64))


def _inexact(v: Any) -> bool:
    return jnp.issubdtype(getattr(v.aval, "dtype", np.int32), jnp.inexact)


# --- the interpreter


def propagate(jaxpr: Any, consts: list[Any], ins: list[tuple[Any, Any]], n: int) -> list[tuple[Any, Any]]:
    """The (pattern, value) of each output of ``jaxpr``, given those of its inputs."""
    env: dict[Any, tuple[Any, Any]] = {}
    for v, c in zip(jaxpr.constvars, consts):
        env[v] = (None, np.asarray(c) if _small(c) else None)
    for v, i in zip(jaxpr.invars, ins):
        env[v] = i

    def read(v: Any) -> tuple[Any, Any]:
        return (None, np.asarray(v.val)) if isinstance(v, Literal) else env[v]

    for eqn in jaxpr.eqns:
        got = [read(v) for v in eqn.invars]
        for v, out in zip(eqn.outvars, _apply(eqn, got, n)):
            env[v] = out
    return [read(v) for v in jaxpr.outvars]


def _closed(jaxpr: Any, ins: list[tuple[Any, Any]], n: int) -> list[tuple[Any, Any]]:
    if isinstance(jaxpr, ClosedJaxpr):
        return propagate(jaxpr.jaxpr, list(jaxpr.consts), ins, n)
    return propagate(jaxpr, [], ins, n)


def _small(value: Any) -> bool:
    return value is not None and int(np.size(value)) <= _VALUE_LIMIT


def _apply(eqn: Any, got: list[tuple[Any, Any]], n: int) -> list[tuple[Any, Any]]:
    deps = [d for d, _ in got]
    vals = [v for _, v in got]
    inner = _inner(eqn)
    if inner is not None:  # a call: its body, with the values it is given
        return _closed(inner, got, n)
    if all(d is None for d in deps):
        known = all(v is not None for v in vals) and all(_size(v) <= _VALUE_LIMIT for v in eqn.outvars)
        values = _evaluate(eqn, vals) if known else None
        return [(None, None if values is None else values[i]) for i in range(len(eqn.outvars))]
    if not any(_inexact(v) for v in eqn.outvars):
        return [(None, None)] * len(eqn.outvars)
    outs = _rule(eqn, deps, vals, n)
    return [(d if _inexact(v) else None, None) for v, d in zip(eqn.outvars, outs)]


def _evaluate(eqn: Any, vals: list[Any]) -> list[Any] | None:
    """The outputs of ``eqn`` on known inputs, or None where they cannot be computed."""
    name = eqn.primitive.name
    try:
        if name in VALUES:
            outs = [VALUES[name](*vals, **eqn.params)]
        else:
            params = eqn.primitive.get_bind_params(eqn.params)
            subfuns, params = params if isinstance(params, tuple) else ((), params)  # before jax 0.7
            outs = eqn.primitive.bind(*subfuns, *vals, **params)
            outs = outs if eqn.primitive.multiple_results else [outs]
        return [np.asarray(o, dtype=v.aval.dtype).reshape(v.aval.shape) for o, v in zip(outs, eqn.outvars)]
    except Exception:
        return None


def _rule(eqn: Any, deps: list[Any], vals: list[Any], n: int) -> list[Any]:
    name = eqn.primitive.name
    out = eqn.outvars[0]
    if name in ZERO:
        return [None] * len(eqn.outvars)
    if (name in SAME and len(eqn.invars) == len(eqn.outvars)) or (
            name == "reshape" and eqn.params.get("dimensions") is None):
        return deps[:len(eqn.outvars)]
    if name in ELEMENTWISE:
        return [union([_broadcast(d, v.aval.shape, out.aval.shape) for d, v in zip(deps, eqn.invars)])]
    if name in REDUCTIONS:
        return [_reduce(deps[0], eqn.invars[0].aval.shape, eqn.params["axes"])]
    if name in CUMULATIVE:
        return [_cumulative(deps[0], out.aval.shape, eqn.params["axis"], eqn.params["reverse"])]
    if name in SCATTERS:
        return [_scatter(eqn, deps, vals)]
    if name in ("split", "unstack"):
        shape, axis = eqn.invars[0].aval.shape, eqn.params["axis"]
        grid = positions(shape)
        if name == "unstack":
            return [take(deps[0], np.take(grid, i, axis)) for i in range(shape[axis])]
        return [take(deps[0], p) for p in np.split(grid, np.cumsum(eqn.params["sizes"])[:-1], axis)]
    if name == "reduce":  # lax.reduce with a computation of its own: all operands mix
        dims, shape = eqn.params["dimensions"], eqn.invars[0].aval.shape
        k, rows = len(deps) // 2, np.zeros(_size(out), np.int64)
        mixed = union([_reduce(d, shape, dims) for d in deps[:k]] + [take(whole(d), rows) for d in deps[k:]])
        return [mixed] * len(eqn.outvars)
    if name == "conv_general_dilated":
        from ._sparsity_conv import conv

        got = conv(eqn, deps, vals)
        if got is not None:
            return [got]
    if name == "dot_general":
        return [_dot_general(eqn, deps)]
    if name == "sort":  # where each element goes depends on the keys: anywhere along its lane
        shape, dim = out.aval.shape, eqn.params["dimension"]
        lane = np.broadcast_to(positions(tuple(1 if d == dim else s for d, s in enumerate(shape))), shape)
        return [take(_reduce(d, shape, (dim,)), lane) for d in deps]
    if name == "cond":
        return flow.cond(eqn, deps, vals, n)
    if name == "while":
        return flow.while_loop(eqn, deps, vals, n)
    if name == "scan":
        return flow.scan(eqn, deps, vals, n)
    if name in MOVES or name == "gather":
        moved = _moved(eqn, deps, vals, n)
        if moved is not None:
            return [moved]
        if name == "select_n":  # an unknown condition: either case
            return [union(deps[1:])]
        if name == "dynamic_update_slice":  # an unknown place: anywhere
            return [union([deps[0], take(whole(deps[1]), np.zeros(_size(out), np.int64))])]
    return _conservative(eqn, deps)


def _inner(eqn: Any) -> Any:
    """The jaxpr that a call-like primitive (jit, custom_jvp_call, checkpoint...) runs."""
    if eqn.primitive.name not in CALLS:
        return None
    for p in CALL_PARAMS:
        inner = eqn.params.get(p)
        if isinstance(inner, (Jaxpr, ClosedJaxpr)) and len(_open(inner).invars) == len(eqn.invars):
            return inner
    return None


def _open(jaxpr: Any) -> Any:
    return jaxpr.jaxpr if isinstance(jaxpr, ClosedJaxpr) else jaxpr


def _conservative(eqn: Any, deps: list[Any]) -> list[Any]:
    """Every output element depends on every input element that any input depends on."""
    name = eqn.primitive.name
    everything = whole(union([whole(d) for d in deps]))
    sizes = [_size(v) for v in eqn.outvars]
    if everything.nnz * sum(sizes) > _DENSE_LIMIT:
        from adcore.sparse import TracingError

        raise TracingError(
            f"JaxprSparsityDetector does not know the primitive {name!r}, and the conservative "
            f"pattern it would give ({sum(sizes)} outputs x {everything.nnz} inputs) is too large. "
            "Give the pattern with KnownJacobianSparsity, or detect it at one point with "
            "DenseSparsityDetector(backend)."
        )
    if name not in (_warned | {"conv_general_dilated", "custom_linear_solve"}):
        _warned.add(name)
        warnings.warn(f"JaxprSparsityDetector does not know the primitive {name!r}: every output "
                      "element of it is taken to depend on all of its inputs.", stacklevel=2)
    return [take(everything, np.zeros(s, np.int64)) for s in sizes]


# --- moving elements


def _broadcast(P: Any, shape: tuple[int, ...], out_shape: tuple[int, ...]) -> Any:
    if P is None or tuple(shape) == tuple(out_shape):
        return P
    return take(P, np.broadcast_to(positions(shape), out_shape))


def _moved(eqn: Any, deps: list[Any], vals: list[Any], n: int) -> Any:
    """The pattern of a primitive that moves elements, from its action on index arrays."""
    name = eqn.primitive.name
    data = DATA.get(name, (0,))
    picked = list(range(len(eqn.invars)))[data] if isinstance(data, slice) else (
        range(len(eqn.invars)) if data is None else data)
    args, offset, sizes = list(vals), 0, []
    for i in picked:
        shape = eqn.invars[i].aval.shape
        args[i] = positions(shape, offset)
        sizes.append(_size(eqn.invars[i]))
        offset += sizes[-1]
    if any(a is None for a in args):
        return None
    params = dict(eqn.params)
    if name in MOVES:
        ids = MOVES[name](*args, **params)
    else:  # gather: JAX computes it; out-of-bounds windows filled with "none"
        params["fill_value"] = -1
        ids = np.asarray(eqn.primitive.bind(jnp.asarray(args[0].astype(np.int32)), jnp.asarray(args[1]),
                                            **params))
    source = deps[picked[0]] if len(picked) == 1 else stack([deps[i] for i in picked], sizes, n)
    return take(source, ids)


def _scatter(eqn: Any, deps: list[Any], vals: list[Any]) -> Any:
    operand, _, updates = eqn.invars[:3]
    if vals[1] is None:  # unknown places: every element may receive every update
        return union([deps[0], take(whole(deps[2]), np.zeros(_size(operand), np.int64))])
    # Where each update element lands: the gather that reads the scattered windows.
    dn = eqn.params["dimension_numbers"]
    gather_dn = jax.lax.GatherDimensionNumbers(
        offset_dims=dn.update_window_dims, collapsed_slice_dims=dn.inserted_window_dims,
        start_index_map=dn.scatter_dims_to_operand_dims, operand_batching_dims=dn.operand_batching_dims,
        start_indices_batching_dims=dn.scatter_indices_batching_dims)
    window = iter(dn.update_window_dims)
    sizes = [1 if d in dn.inserted_window_dims or d in dn.operand_batching_dims
             else updates.aval.shape[next(window)] for d in range(len(operand.aval.shape))]
    here = jnp.asarray(positions(operand.aval.shape).astype(np.int32))
    dest = np.asarray(jax.lax.gather(here, jnp.asarray(vals[1]), gather_dn, tuple(sizes),
                                     mode=eqn.params["mode"], fill_value=-1)).ravel()
    received = aggregate(deps[2], dest, _size(operand))
    kept = deps[0]
    if eqn.primitive.name == "scatter" and kept is not None:  # overwritten elements lose their past
        idx = np.arange(_size(operand))
        idx[dest[dest >= 0]] = -1
        kept = take(kept, idx)
    return union([kept, received])


# --- aggregations


def _reduce(P: Any, shape: tuple[int, ...], axes: Any) -> Any:
    kept = tuple(1 if d in axes else s for d, s in enumerate(shape))
    dest = np.broadcast_to(positions(kept), shape)
    return aggregate(P, dest, int(np.prod(kept, dtype=np.int64)))


def _cumulative(P: Any, shape: tuple[int, ...], axis: int, reverse: bool) -> Any:
    """Each element joined to those before it along ``axis`` (after it, if ``reverse``), in
    log2(length) unions of shifted copies (a Hillis-Steele scan)."""
    grid = np.moveaxis(positions(shape), axis, -1)
    length, step = shape[axis], 1
    while step < length:
        shifted = np.full_like(grid, -1)
        if reverse:
            shifted[..., :-step] = grid[..., step:]
        else:
            shifted[..., step:] = grid[..., :-step]
        P = union([P, take(P, np.moveaxis(shifted, -1, axis))])
        step *= 2
    return P


def _dot_general(eqn: Any, deps: list[Any]) -> Any:
    """Each output element depends on its row of ``lhs`` and its column of ``rhs``, whole."""
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    ls, rs = eqn.invars[0].aval.shape, eqn.invars[1].aval.shape
    lfree = [d for d in range(len(ls)) if d not in lc and d not in lb]
    rfree = [d for d in range(len(rs)) if d not in rc and d not in rb]
    out_shape = eqn.outvars[0].aval.shape
    nb, nl, nr = len(lb), len(lfree), len(rfree)

    def side(P: Any, shape: Any, contract: Any, batch: Any, free: Any, place: Any) -> Any:
        if P is None:
            return None
        keep = list(batch) + list(free)
        reduced = _reduce(P, shape, tuple(contract))  # shape with 1 on contracted dims
        kept_shape = [shape[d] for d in keep]
        # the reduced pattern is in the operand's dim order: move it to batch + free order
        grid = np.transpose(positions(tuple(1 if d in contract else s for d, s in enumerate(shape))),
                            [*keep, *contract]).reshape(kept_shape)
        return take(reduced, np.broadcast_to(grid.reshape(place(kept_shape)), out_shape))

    left = side(deps[0], ls, lc, lb, lfree, lambda s: [*s, *[1] * nr])
    right = side(deps[1], rs, rc, rb, rfree, lambda s: [*s[:nb], *[1] * nl, *s[nb:]])
    return union([left, right])


from . import _sparsity_flow as flow  # noqa: E402 - it calls back into propagate
