"""The interface's own overhead: adcore's prepared call against the primitive it wraps.

With the zero backends the derivative itself costs nothing, so what remains is
adcore: the prep check, the dispatch, the fallback's glue.
Target (issue 2): prepared `gradient` at most 1 µs over calling the pullback directly.

    python benchmarks/overhead.py [--check]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import adcore as ad
from adcore._core.timing import format_seconds, measure
from adcore.extend import AutoZeroForward, AutoZeroReverse


def f(x):
    return x.sum()


def g(x):
    return 2 * x


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()

    x = np.arange(1.0, 6.0)
    one = (np.ones(()),)
    rows = []

    reverse = AutoZeroReverse()
    pullback = reverse.prepare_pullback(f, x, one, ())
    prep = ad.prepare_gradient(f, reverse, x)
    rows.append((
        "gradient (zero reverse)",
        measure(lambda: pullback.pullback(x, one, ())),
        measure(lambda: ad.gradient(f, reverse, x, prep=prep)),
        1e-6,
    ))
    rows.append((
        "value_and_gradient (zero reverse)",
        measure(lambda: pullback.value_and_pullback(x, one, ())),
        measure(lambda: ad.value_and_gradient(f, reverse, x, prep=prep)),
        None,
    ))

    forward = AutoZeroForward()
    tx = (x,)
    pushforward = forward.prepare_pushforward(g, x, tx, ())
    prep_pf = ad.prepare_pushforward(g, forward, x, tx)
    rows.append((
        "pushforward (zero forward)",
        measure(lambda: pushforward.pushforward(x, tx, ())),
        measure(lambda: ad.pushforward(g, forward, x, tx, prep=prep_pf)),
        None,
    ))

    print(f"{'operator':36} {'primitive':>12} {'adcore':>12} {'overhead':>12}  target")
    ok = True
    for name, primitive, wrapped, target in rows:
        overhead = wrapped.median - primitive.median
        verdict = "" if target is None else ("ok" if overhead <= target else "MISSED")
        ok &= verdict != "MISSED"
        limit = "" if target is None else f"<= {format_seconds(target)} {verdict}"
        print(f"{name:36} {format_seconds(primitive.median):>12} "
              f"{format_seconds(wrapped.median):>12} {format_seconds(overhead):>12}  {limit}")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
