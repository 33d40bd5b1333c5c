"""The pattern of ``conv_general_dilated``: each output element depends on the input
elements under its window (for the input features of its group) and on its kernel.

Where each kernel tap reads from is computed by JAX itself: a convolution, with the
same strides, padding and dilations, of the spatial positions (plus one, 0 meaning
padding or a dilation hole) with one one-hot kernel per tap. Taps of a known kernel
that are exactly zero are skipped.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
import scipy.sparse as sp

from ._sparsity_sets import merged, positions, union

__all__ = ["conv"]

LIMIT = 5 * 10**7  # (output, input) pairs beyond which the caller's conservative rule is used


def conv(eqn: Any, deps: list[Any], vals: list[Any]) -> Any:
    """The output pattern, or None where this rule does not apply (batch groups, size)."""
    p = eqn.params
    if p["batch_group_count"] != 1:
        return None
    lhs, rhs, out = (v.aval.shape for v in (*eqn.invars, eqn.outvars[0]))
    dn = p["dimension_numbers"]
    # every array as (batch or out-feature, feature, flat spatial) grids of flat positions
    L = _grid(lhs, dn.lhs_spec)
    R = _grid(rhs, dn.rhs_spec)
    Y = _grid(out, dn.out_spec)
    N, (F, Cg, T), P = L.shape[0], R.shape, Y.shape[2]
    if N * F * P * Cg * T > LIMIT:
        return None
    src = _sources([lhs[d] for d in dn.lhs_spec[2:]], [rhs[d] for d in dn.rhs_spec[2:]], p)  # (T, P)
    group = np.arange(F) // (F // p["feature_group_count"]) * Cg  # first input feature of o's group
    parts = []
    if deps[0] is not None:
        taps = np.ones((F, Cg, T), bool)
        if vals[1] is not None:
            taps = np.transpose(np.asarray(vals[1]), dn.rhs_spec).reshape(F, Cg, T) != 0
        n, o, q, c, t = np.nonzero((src.T >= 0)[None, None, :, None, :] & taps[None, :, None, :, :]
                                   & np.ones((N, 1, 1, 1, 1), bool))
        parts.append(_gathered(deps[0], Y[n, o, q], L[n, group[o] + c, src[t, q]], Y.size))
    if deps[1] is not None:
        n, o, q, c, t = np.nonzero(np.broadcast_to((src.T >= 0)[None, None, :, None, :], (N, F, P, Cg, T)))
        parts.append(_gathered(deps[1], Y[n, o, q], R[o, c, t], Y.size))
    return union(parts)


def _grid(shape: tuple[int, ...], spec: Any) -> Any:
    return np.transpose(positions(shape), spec).reshape(shape[spec[0]], shape[spec[1]], -1)


def _gathered(D: Any, rows: Any, cols: Any, size: int) -> Any:
    A = sp.csr_array((np.ones(rows.size, bool), (rows, cols)), shape=(size, D.shape[0]))
    return merged(D, A)


def _sources(spatial: list[int], window: list[int], p: dict[str, Any]) -> Any:
    """``src[t, q]``: the flat spatial input position that tap ``t`` reads for output position
    ``q``, or -1."""
    import jax.numpy as jnp

    T = int(np.prod(window, dtype=np.int64))
    wide = int(np.prod(spatial, dtype=np.int64)) >= 2**24
    with jax.enable_x64(wide):
        dtype = jnp.float64 if wide else jnp.float32
        where = jnp.asarray(positions(tuple(spatial)) + 1, dtype)[None, None]
        onehot = jnp.asarray(np.eye(T).reshape(T, 1, *window), dtype)
        got = jax.lax.conv_general_dilated(
            where, onehot, p["window_strides"], p["padding"], p["lhs_dilation"], p["rhs_dilation"],
            precision=jax.lax.Precision.HIGHEST)
        return np.rint(np.asarray(got)).astype(np.int64).reshape(T, -1) - 1
