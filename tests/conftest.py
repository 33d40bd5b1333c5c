"""Shared by the core's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line fits its tables to ``COLUMNS`` where it is set: tests that read
    them a row a line run without it, whatever the shell of the test run exports."""
    monkeypatch.delenv("COLUMNS", raising=False)
