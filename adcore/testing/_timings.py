"""The time each backend spends in the conformance checks that pytest runs, for the summary
that adcore's pytest plugin prints at the end of a run (``pytest_terminal_summary``)."""

from __future__ import annotations

__all__ = ["SECONDS", "record", "summary"]

#: backend repr -> (checks run, seconds spent in them)
SECONDS: dict[str, tuple[int, float]] = {}


def record(backend: str, seconds: float) -> None:
    count, total = SECONDS.get(backend, (0, 0.0))
    SECONDS[backend] = (count + 1, total + seconds)


def summary() -> list[str]:
    """One line per backend, slowest first; empties the tally."""
    lines = [f"{backend}: {total:.1f} s in {count} checks"
             for backend, (count, total) in sorted(SECONDS.items(), key=lambda kv: -kv[1][1])]
    SECONDS.clear()
    return lines
