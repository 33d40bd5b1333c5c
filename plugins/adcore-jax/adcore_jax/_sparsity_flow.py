"""Patterns through ``cond``, ``while`` and ``scan``.

- ``cond``: the branch taken where the index is known, else the union of all branches.
- ``scan`` of at most ``UNROLL`` body equations in all: unrolled, step by step, exact
  (a ``fori_loop`` of constant bounds is such a scan; its counter is then known).
- longer ``scan`` and ``while``: the carry patterns are iterated to a fixpoint, the
  union over all steps (a superset); where none comes within ``STEPS`` passes, each
  carry element depends on everything that flows into the loop. The outputs ``ys`` of
  a scan are exact in the slices ``xs`` (each step sees its own slice) and take the
  carries at their fixpoint.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from . import _sparsity_rules as rules
from ._sparsity_sets import merged, positions, stack, take, union, whole

__all__ = ["cond", "scan", "while_loop"]

UNROLL = 4000
STEPS = 64


def _patterns(outs: list[tuple[Any, Any]]) -> list[Any]:
    return [d for d, _ in outs]


def cond(eqn: Any, deps: list[Any], vals: list[Any], n: int) -> list[Any]:
    branches = eqn.params["branches"]
    ins = list(zip(deps[1:], vals[1:]))
    if vals[0] is not None:
        taken = branches[int(np.clip(vals[0], 0, len(branches) - 1))]
        return _patterns(rules._closed(taken, ins, n))
    outs = [_patterns(rules._closed(b, ins, n)) for b in branches]
    return [union(list(ds)) for ds in zip(*outs)]


def _nnz(P: Any) -> int:
    return 0 if P is None else P.nnz


def _fixpoint(body: Any, fixed: list[Any], carry: list[Any], extra: list[Any], n: int) -> list[Any]:
    """Carry patterns closed under ``body`` (which takes fixed + carry + extra)."""
    for _ in range(STEPS):
        outs = _patterns(rules._closed(body, fixed + [(c, None) for c in carry] + extra, n))
        new = [union([c, o]) for c, o in zip(carry, outs)]
        if all(_nnz(a) == _nnz(b) for a, b in zip(new, carry)):
            return new
        carry = new
    everything = whole(union([whole(d) for d, _ in fixed + extra] + [whole(c) for c in carry]))
    return [None if c is None else take(everything, np.zeros(c.shape[0], np.int64)) for c in carry]


def while_loop(eqn: Any, deps: list[Any], vals: list[Any], n: int) -> list[Any]:
    nc, nb = eqn.params["cond_nconsts"], eqn.params["body_nconsts"]
    fixed = list(zip(deps[nc:nc + nb], vals[nc:nc + nb]))
    return _fixpoint(eqn.params["body_jaxpr"], fixed, deps[nc + nb:], [], n)


def scan(eqn: Any, deps: list[Any], vals: list[Any], n: int) -> list[Any]:
    p = eqn.params
    nconst, ncarry, length, body = p["num_consts"], p["num_carry"], p["length"], p["jaxpr"]
    fixed = list(zip(deps[:nconst], vals[:nconst]))
    carry = list(zip(deps, vals))[nconst:nconst + ncarry]
    xs = list(zip(deps, vals, eqn.invars))[nconst + ncarry:]
    inner = [int(np.prod(v.aval.shape[1:], dtype=np.int64)) for v in eqn.invars[nconst + ncarry:]]
    if length * len(body.jaxpr.eqns) <= UNROLL:
        return _unrolled(eqn, fixed, carry, xs, inner, n)
    # the carries: each step may see, at each place of its slice, what any step sees there
    seen = [(rules._reduce(d, v.aval.shape, (0,)), None) for d, _, v in xs]
    carry = _fixpoint(body, fixed, [d for d, _ in carry], seen, n)
    # the ys: each step sees its own slice, given as fresh columns n, n + 1, ... then replaced
    width = n + sum(k for (d, _, _), k in zip(xs, inner) if d is not None)
    fresh, start = [], n
    for (d, _, _), k in zip(xs, inner):
        fresh.append((None if d is None else _columns(start, k, width), None))
        start += k if d is not None else 0
    wide = [(_widen(d, width), v) for d, v in fixed] + [(_widen(c, width), None) for c in carry]
    ys = _patterns(rules._closed(body, wide + fresh, width))[ncarry:]
    sources = [(d, k) for (d, _, _), k in zip(xs, inner) if d is not None]
    slices = _step_rows(sources, length, n)
    return carry + [None if y is None else _spread(y, n, slices, length) for y in ys]


def _columns(start: int, k: int, width: int) -> Any:
    return sp.csr_array((np.ones(k, bool), np.arange(start, start + k), np.arange(k + 1)), shape=(k, width))


def _widen(P: Any, width: int) -> Any:
    if P is None:
        return None
    W = sp.csr_array((P.data, P.indices, P.indptr), shape=(P.shape[0], width))
    W.has_canonical_format = True
    return W


def _step_rows(sources: list[tuple[Any, int]], length: int, n: int) -> Any:
    """Rows (step, fresh column) -> the slices' patterns: step i's row k is what its slice
    element k depends on."""
    if not sources:
        return None
    S = stack([d for d, _ in sources], [length * k for _, k in sources], n)
    offsets = np.cumsum([0] + [length * k for _, k in sources])[:-1]
    ids = np.concatenate([o + positions((length, k)) for o, (_, k) in zip(offsets, sources)], axis=1)
    return take(S, ids)


def _spread(y: Any, n: int, slices: Any, length: int) -> Any:
    """The stacked ys: each step's ``y`` with its fresh columns replaced by its slice's patterns."""
    own = take(y[:, :n], np.tile(np.arange(y.shape[0]), length))
    if slices is None or y.shape[1] == n:
        return own
    per_step = sp.kron(sp.eye_array(length, dtype=bool), y[:, n:], format="csr")
    return union([own, merged(slices, per_step)])


def _unrolled(eqn: Any, fixed: list[Any], carry: list[Any], xs: list[Any], inner: list[int],
              n: int) -> list[Any]:
    p = eqn.params
    steps = range(p["length"] - 1, -1, -1) if p["reverse"] else range(p["length"])
    ys: dict[int, list[Any]] = {}
    for i in steps:
        sliced = [(take(d, np.arange(i * k, (i + 1) * k)), None if val is None else val[i])
                  for (d, val, _), k in zip(xs, inner)]
        outs = rules._closed(p["jaxpr"], fixed + carry + sliced, n)
        carry, ys[i] = outs[:len(carry)], _patterns(outs[len(carry):])
    out_ys = []
    for j, v in enumerate(eqn.outvars[len(carry):]):
        parts = [ys[i][j] for i in range(p["length"])]
        k = rules._size(v) // max(p["length"], 1)
        out_ys.append(None if all(q is None for q in parts) else stack(parts, [k] * len(parts), n))
    return _patterns(carry) + out_ys
