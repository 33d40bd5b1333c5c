"""Test sessions: `nox` runs the default ones, as CI does (`bash .ci/run`).

- `lint`: ruff on the whole repository;
- `tests`: the core's tests, docstring and documentation examples (numpy only);
- `plugin(<engine>)`: one per directory under plugins/, installing that plugin
  alone with the core and running its tests (the real engine, never a mock);
- `mixed`: every engine in one environment, for DifferentiateWith and SecondOrder
  across engines and the documentation examples that need two;
- `docs`: the documentation site, built with warnings as errors;
- `bench` (not run by default): the benchmarks, with the targets they check.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
CONSTRAINTS = ("-c", str(ROOT / "constraints.txt"))
PLUGINS = sorted(p.name.removeprefix("adcore-") for p in (ROOT / "plugins").glob("adcore-*")
                 if (p / "pyproject.toml").exists())

nox.options.sessions = ["lint", "tests", *(f"plugin({name})" for name in PLUGINS), "mixed", "docs"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on the whole repository."""
    session.install("ruff>=0.5", *CONSTRAINTS)
    session.run("ruff", "check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """The core's tests, docstring examples and documentation examples: numpy only."""
    session.install("-e", ".[testing,sparse,bench,dask]", *CONSTRAINTS)
    session.run("pytest", "--doctest-modules", "adcore", "tests", *session.posargs)


@nox.session(name="plugin")
@nox.parametrize("name", PLUGINS, ids=PLUGINS)
def plugin(session: nox.Session, name: str) -> None:
    """One plugin, installed alone with the core, and its tests (with adcore[sparse], so that
    each plugin runs the sparse scenarios on AutoSparse over its backend)."""
    path = f"plugins/adcore-{name}"
    session.install("-e", ".[testing,sparse]", "-e", f"{path}[test]", *CONSTRAINTS)
    session.run("pytest", path, *session.posargs)


@nox.session
def mixed(session: nox.Session) -> None:
    """Engines mixed: DifferentiateWith and SecondOrder for every ordered pair of shipped
    engines, and the documentation examples that need several engines (the only place
    they run). Each plugin session tests its engine paired with finite differences."""
    session.install("-e", ".[testing,sparse]", *CONSTRAINTS,
                    *(arg for name in PLUGINS for arg in ("-e", f"plugins/adcore-{name}[test]")))
    session.run("pytest", "tests/mixed", "tests/test_docs.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, strictly: a warning (a broken link, a docstring that does not
    parse, a stale capability table) fails the build. The capability table is generated from
    what the installed backends declare, so every plugin is installed, without its engine:
    plugins import their engine only when a backend is used."""
    session.install("-e", ".[docs]", *CONSTRAINTS)
    if PLUGINS:
        session.install("--no-deps", *(arg for name in PLUGINS for arg in ("-e", f"plugins/adcore-{name}")))
    session.run("mkdocs", "build", "--strict", "--site-dir", session.create_tmp() + "/site",
                env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def bench(session: nox.Session) -> None:
    """The core's benchmarks, with the targets they check."""
    session.install("-e", ".[testing,sparse]", "scipy", *CONSTRAINTS)
    for script in ("overhead.py", "finitediff.py", "import_time.py"):
        session.run("python", f"benchmarks/{script}", "--check")
