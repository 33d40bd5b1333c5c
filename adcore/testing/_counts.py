"""Counting the calls to ``f`` that an operator and its preparation make."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._calls import SPECS, inputs_for
from ._scenario import Scenario

__all__ = ["CallCount", "count_calls"]


@dataclass(frozen=True)
class CallCount:
    """Calls to ``f``: by the preparation, by one prepared call of the operator, and by
    one prepared call of its ``value_and_*`` variant."""

    backend: str
    scenario: str
    operator: str
    prepare: int
    call: int
    value_call: int


class _Counting:
    def __init__(self, f: Callable[..., Any]) -> None:
        self.f, self.calls = f, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.f(*args, **kwargs)

    def take(self) -> int:
        calls, self.calls = self.calls, 0
        return calls


def count_calls(backend: Any, scenario: Scenario, family: str = "numpy") -> CallCount:
    """Prepare and run ``scenario``'s operator once per variant, counting calls to ``f``."""
    spec = SPECS[scenario.operator]
    counting = _Counting(scenario.f)
    s = inputs_for(dataclasses.replace(scenario, f=counting), family)
    prep = spec.prepare_for(s, backend)
    prepare = counting.take()
    spec.call("plain", s, backend, prep=prep)
    call = counting.take()
    spec.call("value", s, backend, prep=prep)
    return CallCount(repr(backend), scenario.id, scenario.operator, prepare, call, counting.take())
