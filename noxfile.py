"""Test sessions: `nox` runs the default ones, as CI does (`bash .ci/run`)."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

CONSTRAINTS = ("-c", "constraints.txt")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on the whole repository."""
    session.install("ruff>=0.5", *CONSTRAINTS)
    session.run("ruff", "check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """The core's tests, docstring examples and documentation examples: numpy only."""
    session.install("-e", ".[testing,sparse]", *CONSTRAINTS)
    session.run("pytest", "--doctest-modules", "adcore", "tests", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """The core's benchmarks, with the targets they check."""
    session.install("-e", ".[testing,sparse]", *CONSTRAINTS)
    session.run("python", "benchmarks/overhead.py", "--check")
    session.run("python", "benchmarks/finitediff.py", "--check")
    session.run("python", "benchmarks/import_time.py", "--check")
