"""The pytest plugin: ``pytest --adcore-backend=NAME`` runs the conformance suite on NAME.

pytest loads it (entry point ``pytest11``) in every run of every project where
adcore is installed, so it stays inert unless one of its options is given: it
adds the options, and nothing else happens.

- ``--adcore-backend=NAME`` (repeatable) builds each backend with
  ``adcore.backend(NAME)`` and adds the suite module ``adcore/testing/_suite.py``
  to the collection, as if its path had been given on the command line; the
  module's ``test_conformance`` is parametrized like ``parametrize_with_checks``.
- ``--adcore-scenarios={all,default}`` chooses the scenario families.
- The suite takes the expected failures each backend declares (its class attribute
  ``expected_failures``); the header names them, and the backends whose second order runs
  through finite differences (``nested=False``).
- At the end of any run that ran conformance checks, the summary gives the time each
  backend spent in them.
- ``--adcore-max-examples=N`` loads the hypothesis profile ``"adcore"``
  (``adcore.testing.strategies.register_profile``) with ``max_examples=N``, for
  every hypothesis-based test, the suite's ``test_conformance_generated`` too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import _timings

__all__ = ["BACKENDS", "pytest_addoption", "pytest_configure", "pytest_pycollect_makemodule",
           "pytest_report_header", "pytest_terminal_summary"]

#: Where ``pytest_configure`` leaves the backends built from ``--adcore-backend``.
BACKENDS = pytest.StashKey[list[Any]]()

_SUITE = Path(__file__).with_name("_suite.py")
_SUITE_ID = "adcore/testing/_suite.py"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("adcore", "adcore conformance suite")
    group.addoption(
        "--adcore-backend", action="append", default=[], dest="adcore_backends", metavar="NAME",
        help="run adcore's conformance suite on the backend built by adcore.backend(NAME) "
             "(repeatable)",
    )
    group.addoption(
        "--adcore-scenarios", choices=("all", "default"), default="all", dest="adcore_scenarios",
        help="scenario families for --adcore-backend: all (default) or only the default ones",
    )
    group.addoption(
        "--adcore-max-examples", type=int, default=None, dest="adcore_max_examples", metavar="N",
        help="load the hypothesis profile 'adcore' with max_examples=N (also the number of "
             "generated scenarios per backend with --adcore-backend; 50 by default)",
    )


def pytest_configure(config: pytest.Config) -> None:
    names: list[str] = config.getoption("adcore_backends", default=None) or []
    if names:
        config.stash[BACKENDS] = [_build(name) for name in names]
        # A collection argument like any other: -k, -m, --co, -x and reports all apply.
        suite = "adcore.testing._suite" if config.option.pyargs else str(_SUITE)
        if suite not in config.args:
            config.args.append(suite)
    max_examples = config.getoption("adcore_max_examples", default=None)
    if max_examples is not None:
        _load_profile(max_examples)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: Any) -> Any:
    # Outside the rootdir (an installed adcore) pytest would give the module an
    # empty node id, and every test an id starting with "::".
    if module_path != _SUITE or parent.config.stash.get(BACKENDS, None) is None:
        return None
    if module_path.is_relative_to(parent.config.rootpath):
        return None
    return pytest.Module.from_parent(parent, path=module_path, nodeid=_SUITE_ID)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    backends = config.stash.get(BACKENDS, None)
    if not backends:
        return None
    which = config.getoption("adcore_scenarios")
    lines = [f"adcore conformance suite ({which} scenarios) on: {', '.join(map(repr, backends))}"]
    from ._runner import nesting_note

    lines.extend(f"  {nesting_note(b, 'runs')}" for b in backends if not b.nested)
    lines.extend(f"  {b!r} declares expected failures: {', '.join(sorted(b.expected_failures))}"
                 for b in backends if b.expected_failures)
    return lines


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The time each backend spent in the conformance checks of this run, if any ran."""
    lines = _timings.summary()
    if lines:
        terminalreporter.write_sep("-", "adcore conformance: time per backend")
        for line in lines:
            terminalreporter.write_line(line)


def _build(name: str) -> Any:
    import adcore

    try:
        return adcore.backend(name)
    except (ImportError, KeyError, ValueError) as e:
        raise pytest.UsageError(f"--adcore-backend={name}: {e}") from None


def _load_profile(max_examples: int) -> None:
    if max_examples < 1:
        raise pytest.UsageError(f"--adcore-max-examples={max_examples}: give a positive number")
    try:
        from hypothesis import settings

        from .strategies import register_profile
    except ImportError:
        raise pytest.UsageError(
            "--adcore-max-examples needs hypothesis: pip install 'adcore[testing]'"
        ) from None
    settings.load_profile(register_profile(max_examples=max_examples))
