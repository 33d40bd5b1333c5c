"""``adcore.extend.Scratch`` and ``with_scratch``, driven by a stand-in over numpy."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pytest

import adcore as ad
from adcore.extend import Scratch, with_scratch


class NumpyScratch(Scratch):
    """What an engine with immutable arrays writes, with numpy's copy-and-write as its update."""

    __slots__ = ()

    def convert(self, value: Any) -> Any:
        return np.asarray(value)

    def put(self, value: Any, index: Any, v: Any) -> Any:
        assert not isinstance(index, Scratch) and not isinstance(v, Scratch)
        new = value.copy()
        new[index] = v
        return new


def test_a_write_replaces_the_value_and_leaves_the_old_one_unchanged() -> None:
    old = np.zeros(4)
    s = NumpyScratch(old)
    s[1:3] = 2.0
    s[...] = s + 1.0  # a Scratch written with an expression of itself
    s[np.array([0])] = NumpyScratch([7.0])  # Scratch index and value arrive unwrapped
    np.testing.assert_array_equal(s.value, [7.0, 3.0, 3.0, 1.0])
    np.testing.assert_array_equal(old, np.zeros(4))


def make(value: Any, x: Any) -> NumpyScratch:
    return NumpyScratch(value)


def test_convert_builds_the_value() -> None:
    s = NumpyScratch([1.0, 2.0])
    assert type(s.value) is np.ndarray
    assert repr(s) == "NumpyScratch(array([1., 2.]))"


BINARY = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
          operator.mod, operator.pow, operator.lt, operator.le, operator.gt, operator.ge,
          operator.eq, operator.ne]


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.__name__)
def test_operators_act_on_the_value_in_both_orders(op: Any) -> None:
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 0.5])
    for left, right in [(NumpyScratch(a), b), (a, NumpyScratch(b)), (NumpyScratch(a), 2.0),
                        (2.0, NumpyScratch(b)), (NumpyScratch(a), NumpyScratch(b))]:
        expected = op(getattr(left, "value", left), getattr(right, "value", right))
        np.testing.assert_array_equal(op(left, right), expected)


def test_matmul_bitwise_and_unary_operators_act_on_the_value() -> None:
    m, v = NumpyScratch(np.eye(2) * 2), NumpyScratch([1.0, -2.0])
    np.testing.assert_array_equal(m @ [1.0, 1.0], [2.0, 2.0])
    np.testing.assert_array_equal([1.0, 1.0] @ m, [2.0, 2.0])
    mask = NumpyScratch([True, False])
    for op in (operator.and_, operator.or_, operator.xor):
        for left, right in [(mask, True), (True, mask), (mask, NumpyScratch([True, True]))]:
            np.testing.assert_array_equal(op(left, right), op(np.array([True, False]), True))
    np.testing.assert_array_equal(~mask, [False, True])
    np.testing.assert_array_equal(-v, [-1.0, 2.0])
    np.testing.assert_array_equal(+v, [1.0, -2.0])
    np.testing.assert_array_equal(abs(v), [1.0, 2.0])


def test_indexing_attributes_len_and_iteration_reach_the_value() -> None:
    s = NumpyScratch(np.arange(6.0).reshape(2, 3))
    assert s.shape == (2, 3) and s.dtype == np.float64 and float(s.sum()) == 15.0
    np.testing.assert_array_equal(s[1, NumpyScratch([0])], [3.0])
    assert len(s) == 2
    assert [row.tolist() for row in s] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    with pytest.raises(TypeError, match="unhashable"):
        hash(s)


def test_put_is_what_a_subclass_implements() -> None:
    class Incomplete(Scratch):
        __slots__ = ()

    s = Incomplete(np.zeros(2))
    with pytest.raises(NotImplementedError, match=r"Incomplete must implement put"):
        s[0] = 1.0


def test_a_scratch_not_built_yet_has_no_value() -> None:
    # What an engine rebuilding it without __init__ (JAX's pytree unflattening) may meet.
    s = object.__new__(NumpyScratch)
    assert not hasattr(s, "value") and not hasattr(s, "shape")


def f(x: Any, a: Any, cache: Any) -> Any:
    cache[...] = a * x
    cache[0] = cache[0] + 1.0
    return cache.sum() + x[0]


def test_with_scratch_is_f_itself_without_a_cache() -> None:
    assert with_scratch(f, [], make) is f
    assert with_scratch(f, [False, False], make) is f


def test_with_scratch_hands_f_a_stand_in_for_each_cache() -> None:
    x, buffer = np.array([1.0, 2.0]), np.zeros(2)
    seen = []

    def make(value: Any, at: Any) -> NumpyScratch:
        seen.append((value, at))
        return NumpyScratch(value)

    contexts = (ad.Constant(3.0), ad.Cache(buffer))
    g = with_scratch(f, [isinstance(c, ad.Cache) for c in contexts], make)
    assert g(x, *(c.value for c in contexts)) == 3.0 + 6.0 + 1.0 + 1.0
    assert seen == [(buffer, x)]
    np.testing.assert_array_equal(buffer, [0.0, 0.0])  # written through the stand-in only


def test_with_scratch_returns_the_value_of_a_returned_scratch() -> None:
    def fill(x: Any, cache: Any) -> Any:
        cache[...] = x * 2
        return cache

    g = with_scratch(fill, (True,), make)
    result = g(np.array([1.0, 2.0]), np.zeros(2))
    assert type(result) is np.ndarray
    np.testing.assert_array_equal(result, [2.0, 4.0])
