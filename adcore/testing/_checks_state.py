"""The checks of what one call leaves to the next: a prepared operator keeps no value of an
earlier call, and the caller owns every result (SPEC 10, Ownership). Named
``check_<property>`` like those of ``_checks``, which lists them all in ``CHECKS``."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

import adcore as ad

from ._calls import Inputs, inputs_for, to_numpy
from ._checking import VARIANTS, compare_outcome, reference, setup
from ._compare import CheckFailure
from ._scenario import Scenario
from ._trees import is_tree, named_leaves, tree_map, walks

__all__ = ["check_ownership", "check_state"]

#: ``(a, b)``: the calls of ``check_state`` come at ``a * x + b``, with Constants and
#: tangents times ``a``; the first is the preparation, ``(1, 0)`` the scenario itself.
_POINTS = ((0.75, 0.1), (0.9, -0.05), (1.0, 0.0), (1.1, 0.05))


def check_state(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """Prepared calls at new x, tangents and Constants give their own results; later calls change none.

    Three calls, none at the point of preparation, each with new values of every
    Constant; every earlier result is read again after the last call."""
    spec, rtol, atol = setup(backend, scenario, family)
    prep = spec.prepare_for(_moved(scenario, family, *_POINTS[0]), backend)
    kept: list[tuple[str, Any, Any]] = []
    for k, (a, b) in enumerate(_POINTS[1:], 1):
        s = _moved(scenario, family, a, b)
        want = reference(scenario) if (a, b) == (1.0, 0.0) else tuple(
            map(to_numpy, spec.call("value", _moved(scenario, family, a, b), backend)))
        for variant in VARIANTS:
            got = spec.call(variant, s, backend, prep=prep)
            what = (f"{spec.name} ({variant}, prepared, call {k} of 3 at a new x, tangents and "
                    "Constants)")
            try:
                compare_outcome(got, want, what, rtol, atol)
            except CheckFailure as e:
                raise CheckFailure(f"{e}; a prepared call must use its own x, tangents and "
                                   "Constants, not those of the preparation or of an earlier "
                                   "call") from None
            kept.append((what, got, _copy(got)))
    for what, got, was in kept:
        try:
            compare_outcome(got, was, what, 0.0, 0.0)
        except CheckFailure as e:
            raise CheckFailure(f"a later call changed an earlier result: {e}") from None


def _moved(scenario: Scenario, family: str, a: float, b: float) -> Inputs:
    """The scenario's inputs at ``a * x + b``, with every Constant and tangent times ``a``."""
    contexts = tuple(ad.Constant(_scaled(c.value, a)) if isinstance(c, ad.Constant) else c
                     for c in scenario.contexts)
    tangents = None if scenario.tangents is None else tuple(_scaled(t, a) for t in scenario.tangents)
    moved = dataclasses.replace(scenario, x=_scaled(scenario.x, a, b), tangents=tangents,
                                contexts=contexts)
    return inputs_for(moved, family)


def _scaled(v: Any, a: float, b: float = 0.0) -> Any:
    if walks(v):  # a pytree: leaf by leaf
        return tree_map(lambda u: _scaled(u, a, b), v)
    if isinstance(v, np.ndarray) and v.dtype.kind in "fc":
        return np.asarray(a * v + b, dtype=v.dtype)
    if isinstance(v, float):
        return a * v + b
    return v


def _copy(got: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(None if g is None else _snapshot(g) for g in got)


def _snapshot(v: Any) -> Any:
    if is_tree(v):
        return tree_map(_snapshot, v)
    if isinstance(v, tuple):
        return tuple(map(_snapshot, v))
    if isinstance(v, (float, int)) or v is None:
        return v
    return np.array(to_numpy(v), copy=True)


# --- ownership


def check_ownership(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """No result shares memory with x, a tangent, a context, y or another result.

    ``numpy.shares_memory`` for numpy results; in any family whose arrays can be
    written, writing into each result in turn must change nothing else."""
    spec, _, _ = setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    prep = spec.prepare_for(s, backend)
    preps = [("unprepared", None), ("prepared", prep), ("prepared again", prep)]
    if spec.prepare_same_point is not None:  # a prep that keeps its point keeps results too
        same = spec.prepare_for(s, backend, same_point=True)
        preps += [("same point", same), ("same point again", same)]
    results: list[tuple[str, Any]] = []
    for variant in VARIANTS:
        for call, p in preps:
            got = spec.call(variant, s, backend, prep=p)
            for name, g in zip(("value", "res1", "res2"), got):
                # The value of an in-place f is the caller's y, filled: SPEC 3.
                if g is not None and not (name == "value" and s.y is not None):
                    results += _leaves(f"{spec.name} ({variant}, {call}): {name}", g)
    arguments = [*_leaves("x", s.x), *_leaves("tangent", s.tangents or ()),
                 *(leaf for i, c in enumerate(s.contexts)
                   for leaf in _leaves(f"context {i} ({type(c).__name__})", c.value)),
                 *_leaves("y", s.y)]
    _no_shared_numpy_memory(results, arguments)
    _writes_stay_in_place(results, arguments)


def _leaves(name: str, v: Any) -> list[tuple[str, Any]]:
    if v is None:
        return []
    if isinstance(v, tuple):
        return [leaf for i, e in enumerate(v) for leaf in _leaves(f"{name}[{i}]", e)]
    if is_tree(v):
        return [leaf for n, e in named_leaves(v, name) for leaf in _leaves(n, e)]
    if type(v).__module__.startswith("scipy.sparse"):  # AutoSparse's: its values are its own
        return [(f"{name}.data", v.data)]
    return [(name, v)]


def _no_shared_numpy_memory(results: list[tuple[str, Any]], arguments: list[tuple[str, Any]]) -> None:
    for i, (what, r) in enumerate(results):
        if type(r) is not np.ndarray:
            continue
        for other, v in [*arguments, *results[:i]]:
            if type(v) is np.ndarray and np.shares_memory(r, v):
                raise CheckFailure(f"{what} shares memory with {other}; a result must be the "
                                   "caller's own array")


def _writes_stay_in_place(results: list[tuple[str, Any]], arguments: list[tuple[str, Any]]) -> None:
    """Write into each result in turn; nothing else may change (the engine's arrays too)."""
    everything = [*arguments, *results]
    before = [_snapshot(v) for _, v in everything]
    for i, (what, r) in enumerate(results, len(arguments)):
        if not _write(what, r):
            continue
        for j, (other, v) in enumerate(everything):
            if j != i and not np.array_equal(_snapshot(v), before[j], equal_nan=True):
                raise CheckFailure(f"writing into {what} changed {other}; a result must not share "
                                   "memory with an argument or another result")
        before[i] = _snapshot(r)


def _write(what: str, r: Any) -> bool:
    """Fill ``r`` with a marker; False where its family's arrays cannot be written at all."""
    if not hasattr(r, "shape") or isinstance(r, np.generic):
        return False
    try:
        r[...] = 7.25
    except TypeError:  # an immutable family (JAX, TensorFlow): nothing can write into it
        if type(r) is np.ndarray:
            raise
        return False
    except (ValueError, RuntimeError) as e:
        raise CheckFailure(f"{what} cannot be written into ({type(e).__name__}: {e}); the "
                           "caller owns a result and may write into it") from None
    return True
