"""The ``adcore`` command: ``adcore backends``, ``adcore demo``, ``adcore check``, ``adcore bench``.

Each subcommand is a subparser whose ``func`` default is a function
``run_<name>(args) -> int`` in the module of that name; to add a command, add a
module beside them and a block to ``_parser``. The modules print through
``render`` and import nothing else of this package.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from adcore import __version__

from .backends import run_backends
from .bench import run_bench
from .check import run_check
from .demo import run_demo
from .render import usable_names

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """main(argv=None) -> exit status: run the ``adcore`` command line on ``argv`` (or sys.argv)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else 2
    if args.func is None:
        parser.print_help(sys.stderr)
        return 2
    status: int = args.func(args)
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adcore", description="One syntax for differentiating Python functions."
    )
    parser.add_argument("--version", action="version", version=f"adcore {__version__}")
    parser.set_defaults(func=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    # --- backends
    p = commands.add_parser("backends", help="installed backends, capabilities, load errors")
    p.add_argument("--plain", action="store_true", help="plain text even if rich is installed")
    p.add_argument("--markdown", action="store_true",
                   help="the capability table in Markdown, for a README or the docs")
    p.set_defaults(func=run_backends)

    installed = ", ".join(usable_names()) or "none"

    # --- demo
    p = commands.add_parser("demo", help="the tutorial, live, with timings",
                            description="The tutorial, live, with timings: a gradient, then "
                            "into a buffer, then prepared; a Jacobian and an hvp.")
    p.add_argument("--backend", default="finitediff", metavar="NAME",
                   help=f"the backend to run it on (default: finitediff; installed: {installed})")
    p.set_defaults(func=lambda args: run_demo(args.backend))

    # --- check
    p = commands.add_parser("check", help="the conformance suite on one backend",
                            description="Run the conformance suite on one backend: a table of "
                            "passed, failed and skipped checks per operator.")
    p.add_argument("name", metavar="NAME", help=f"the backend to check (installed: {installed})")
    p.add_argument("--scenarios", choices=("all", "default"), default="all",
                   help="scenario families: all (default) or only the default ones")
    p.add_argument("--plain", action="store_true", help="plain text even if rich is installed")
    p.set_defaults(func=run_check)

    # --- bench
    p = commands.add_parser("bench", help="benchmark table with a progress bar",
                            description="Time backends on one scenario per operator, "
                            "prepared and unprepared, and count the calls to f.")
    p.add_argument("--backend", action="append", dest="backends", metavar="NAME",
                   help="a backend to time (repeat for several; default: every installed one)")
    p.add_argument("--scenario", action="append", dest="scenarios", metavar="TEXT",
                   help="only scenarios whose name contains TEXT (repeatable)")
    p.add_argument("--operator", action="append", dest="operators", metavar="NAME",
                   help="only this operator, e.g. gradient or value_and_gradient (repeatable)")
    p.add_argument("--csv", metavar="FILE", help="write every row to FILE as CSV")
    p.add_argument("--plot", metavar="FILE",
                   help="draw a figure comparing backends per operator (needs matplotlib)")
    p.add_argument("--min-time", type=float, default=0.05, metavar="SECONDS",
                   help="the least time one sample lasts (default: 0.05)")
    p.add_argument("--samples", type=int, default=7, metavar="N",
                   help="samples per timing; the table shows their median (default: 7)")
    p.add_argument("--plain", action="store_true", help="plain text even if rich is installed")
    p.set_defaults(func=run_bench)
    return parser
