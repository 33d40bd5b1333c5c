"""`import adcore` against `import numpy`, each in fresh interpreters (python -X importtime).

Target (issue 2): at most 1.3x, and no engine or plugin imported.

    python benchmarks/import_time.py [--check]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

ENGINES = ("jax", "torch", "autograd", "tensorflow", "pluggy", "scipy")


# Byte-compiled, as pip leaves an installed numpy, and adcore too: a PYTHONDONTWRITEBYTECODE
# in the environment would otherwise have adcore compiled from source at every import.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cumulative_us(module: str) -> int:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True, text=True, check=True, env=ENV,
    )
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line)
        if match and match.group(2) == module:
            return int(match.group(1))
    raise RuntimeError(f"no import time for {module}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    cumulative_us("adcore")  # warm the file-system caches, and write adcore's bytecode
    # The fastest of several fresh interpreters: the least disturbed by other work.
    numpy = min(cumulative_us("numpy") for _ in range(args.repeat))
    adcore = min(cumulative_us("adcore") for _ in range(args.repeat))
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, adcore; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    leaked = [m for m in loaded if m.split(".")[0] in ENGINES]
    ratio = adcore / numpy
    print(f"import numpy : {numpy / 1000:7.1f} ms (fastest of {args.repeat})")
    print(f"import adcore: {adcore / 1000:7.1f} ms  ratio {ratio:.2f}x  (target <= 1.30x)")
    print(f"engines or plugin machinery imported by `import adcore`: {leaked or 'none'}")
    ok = ratio <= 1.3 and not leaked
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
