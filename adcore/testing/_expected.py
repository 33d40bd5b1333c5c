"""Expected failures: ``{key: reason}``, each key a check's name, alone or with a scenario tag.

- ``"check_reference"``: the check fails on every scenario;
- ``"check_reference[second_order]"``: on the scenarios tagged ``second_order``. Between the
  brackets goes any tag of a scenario (``default``, ``inplace``, ``context``, ``cache``,
  ``float32``, ``second_order``, ``sparse``, or one of the scenarios being run) or an
  operator's name (``check_batch[hvp]``).

A key that names no check, or a tag no scenario has, raises ``UnknownExpectedFailureError``
before anything runs: a typo never turns an expected failure into silence. A backend
declares its own once, as its class attribute ``expected_failures``; the suite adds them to
those it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from adcore.errors import AdcoreError

from ._scenario import OPERATORS, Scenario

__all__ = ["ExpectedFailures", "UnknownExpectedFailureError", "known_tags", "merged"]

_KEY = re.compile(r"(?P<check>\w+)(?:\[(?P<tag>[\w.-]+)\])?")


class UnknownExpectedFailureError(AdcoreError, ValueError):
    """An expected failure keyed by a check or a scenario tag that the suite does not know."""


class ExpectedFailures:
    """Parsed and validated ``{key: reason}``; ``reason(check, scenario)`` looks one up."""

    def __init__(self, expected: Mapping[str, str], checks: Iterable[str],
                 scenarios: Iterable[Scenario] = ()) -> None:
        scenarios = tuple(scenarios)
        names = sorted(set(checks))
        tags: set[str] | None = None  # built on the first key with a tag
        self.keys: list[tuple[str, str | None, str]] = []
        for key, reason in expected.items():
            match = _KEY.fullmatch(key) if isinstance(key, str) else None
            if match is None:
                raise UnknownExpectedFailureError(
                    f"expected failure {key!r}: write a check's name, or a check's name and a "
                    "scenario tag: 'check_reference' or 'check_reference[second_order]'.")
            check, tag = match["check"], match["tag"]
            if check not in names:
                raise UnknownExpectedFailureError(
                    f"expected failure {key!r}: no check is named {check!r}. The checks: "
                    f"{', '.join(names)}.")
            if tag is not None and tag not in (tags := known_tags(scenarios) if tags is None else tags):
                raise UnknownExpectedFailureError(
                    f"expected failure {key!r}: no scenario has the tag {tag!r}. The tags: "
                    f"{', '.join(sorted(tags))}.")
            self.keys.append((check, tag, str(reason)))

    def reason(self, check: str, scenario: Scenario) -> str | None:
        """Why ``check`` is expected to fail on ``scenario``; None where it is not."""
        for name, tag, reason in self.keys:
            if name == check and (tag is None or tag in scenario.tags or tag == scenario.operator):
                return reason
        return None

    def __bool__(self) -> bool:
        return bool(self.keys)


def known_tags(scenarios: Iterable[Scenario] = ()) -> set[str]:
    """The tags a key may name: those of every scenario family, of ``scenarios``, and the
    operators' names."""
    from ._scenarios import all_scenarios, sparse_scenarios

    every: list[Any] = [*all_scenarios(), *sparse_scenarios(), *scenarios]
    return {tag for s in every for tag in s.tags} | set(OPERATORS)


def merged(backend: Any, given: Mapping[str, str] | None) -> dict[str, str]:
    """The backend's declared expected failures, and those given (which win)."""
    return {**dict(getattr(backend, "expected_failures", None) or {}), **dict(given or {})}
