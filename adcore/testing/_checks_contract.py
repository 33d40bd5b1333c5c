"""The checks of the contract around the numbers: no mutation, the result's type, the
preparation's refusals, and what a backend declares it cannot do. Named ``check_<property>``
like those of ``_checks``, which lists them all in ``CHECKS``."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

import adcore as ad
from adcore._core.arrays import family as family_of

from ._calls import SPECS, Inputs, inputs_for, to_family, to_numpy
from ._checking import VARIANTS, applies, array_x, declared_unsupported, setup
from ._compare import CheckFailure, SkipCheck
from ._scenario import Scenario
from ._trees import first_leaf, is_tree, named_leaves, structures_differ, tree_map, walks

__all__ = ["check_no_mutation", "check_not_supported", "check_prep_mismatch", "check_result_type"]


def check_no_mutation(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """No variant mutates x, the tangents or a Constant context."""
    spec, _, _ = setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    # Copies: to_numpy of a numpy array (or a CPU torch tensor) shares its memory.
    before = [copy.deepcopy(to_numpy(v)) for v in _guarded(s)]
    prep = spec.prepare_for(s, backend)
    for variant in VARIANTS:
        spec.call(variant, s, backend)
        spec.call(variant, s, backend, prep=prep)
    for name, old, new in zip(("x", "tangents", "Constant"), before, map(to_numpy, _guarded(s))):
        if not _equal(old, new):
            raise CheckFailure(f"{spec.name}: {name} was mutated")


def _guarded(s: Inputs) -> tuple[Any, ...]:
    constants = tuple(c.value for c in s.contexts if isinstance(c, ad.Constant))
    return (s.x, s.tangents or (), constants)


def _equal(a: Any, b: Any) -> bool:
    if is_tree(a):
        return structures_differ(b, a) is None and all(
            _equal(u, v) for (_, u), (_, v) in zip(named_leaves(a, ""), named_leaves(b, "")))
    if isinstance(a, tuple):
        return len(a) == len(b) and all(map(_equal, a, b))
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


def check_result_type(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """Results have the array family and dtype of x and the reference's shape."""
    spec, _, _ = setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    x = first_leaf(s.x) if walks(s.x) else s.x  # a pytree x: its leaves' family and dtype
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), backend)
        for name, g, ref in zip(("res1", "res2"), got[1:], (scenario.res1, scenario.res2)):
            if g is not None and ref is not None:
                _check_type(g, ref, x, f"{spec.name} ({variant}): {name}")


def _check_type(got: Any, ref: Any, x: Any, what: str) -> None:
    if is_tree(ref):
        if (why := structures_differ(got, ref)) is not None:
            raise CheckFailure(f"{what}: {why}")
        for (name, g), (_, r) in zip(named_leaves(got, what), named_leaves(ref, what)):
            _check_type(g, r, x, name)
        return
    if isinstance(ref, tuple):
        if not isinstance(got, tuple):
            raise CheckFailure(f"{what}: expected a tuple, got {type(got).__name__}")
        for i, (g, r) in enumerate(zip(got, ref)):
            _check_type(g, r, x, f"{what}[{i}]")
        return
    if isinstance(ref, float) and not isinstance(ref, np.ndarray):
        if not isinstance(got, (float, np.floating)) and getattr(got, "shape", None) != ():
            raise CheckFailure(f"{what}: expected a scalar, got {type(got).__name__}")
        return
    # A scipy.sparse result (AutoSparse's, for numpy x) counts as numpy.
    got_family = "numpy" if type(got).__module__.startswith("scipy.sparse") else family_of(got)
    if got_family != family_of(x) and not isinstance(x, float):
        raise CheckFailure(f"{what}: expected the array family of x ({family_of(x)}), got {got_family}")
    if np.shape(to_numpy(got)) != np.shape(ref):
        raise CheckFailure(f"{what}: expected shape {np.shape(ref)}, got {np.shape(to_numpy(got))}")
    x_dtype = getattr(x, "dtype", None)
    if x_dtype is not None and str(got.dtype) != str(x_dtype):
        raise CheckFailure(f"{what}: expected dtype {x_dtype} (that of x), got {got.dtype}")


@applies(lambda backend, s: array_x(s) or walks(s.x))
def check_prep_mismatch(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A strict preparation refuses an x of another shape or dtype with PrepMismatchError."""
    spec, _, _ = setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    prep = spec.prepare_for(s, backend)
    if walks(scenario.x):  # a pytree: every leaf longer, or of another dtype
        leaf = np.asarray(first_leaf(scenario.x))
        other_dtype = _other_dtype(family, leaf, first_leaf(s.x))
        longer = tree_map(lambda v: np.concatenate([np.ravel(v), np.full(1, 0.5, leaf.dtype)]),
                          scenario.x)
        retyped = tree_map(lambda v: np.asarray(v, dtype=other_dtype), scenario.x)
    else:
        other_dtype = _other_dtype(family, scenario.x, s.x)
        longer = np.concatenate([scenario.x.ravel(), np.full(1, 0.5, scenario.x.dtype)])
        retyped = scenario.x.astype(other_dtype)
    for what, x in (("shape", longer), ("dtype", retyped)):
        wrong = inputs_for(scenario, family, x=x)
        try:
            spec.call("plain", wrong, backend, prep=prep)
        except ad.PrepMismatchError:
            continue
        except Exception as e:
            raise CheckFailure(
                f"{spec.name}: x of another {what} raised {type(e).__name__} ({e}), not PrepMismatchError"
            ) from e
        raise CheckFailure(f"{spec.name}: a prepared call with x of another {what} raised nothing")


def _other_dtype(family: str, x: np.ndarray, converted: Any) -> Any:
    """A floating dtype for ``x`` that stays another dtype once converted to ``family``
    (JAX, outside its 64-bit mode, turns float64 into float32)."""
    candidates = (np.complex64, np.complex128) if np.iscomplexobj(x) else (np.float32, np.float64, np.float16)
    for dtype in candidates:
        if str(to_family(x.astype(dtype), family).dtype) != str(converted.dtype):
            return dtype
    raise SkipCheck(f"no other floating or complex dtype for x in the {family} family")


@applies(declared_unsupported)
def check_not_supported(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """What the backend declares unsupported raises NotSupportedError, never numbers."""
    spec = SPECS[scenario.operator]
    try:
        spec.call("plain", inputs_for(scenario, family), backend)
    except ad.NotSupportedError:
        return
    except Exception as e:
        raise CheckFailure(f"{spec.name}: raised {type(e).__name__} ({e}), not NotSupportedError") from e
    raise CheckFailure(f"{spec.name}: returned numbers for what {backend!r} declares unsupported")
