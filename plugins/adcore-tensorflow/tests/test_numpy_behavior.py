"""Functions written with numpy's operators, under TensorFlow's numpy behavior.

``x.T`` and ``matrix @ vector`` work on tensors only after
``tf.experimental.numpy.experimental_enable_numpy_behavior()``, a process-wide
switch that adcore never flips; this runs the scenarios that need it in a fresh
interpreter that flips it, as a user of those functions would.
"""

from __future__ import annotations

import subprocess
import sys

CODE = """
import tensorflow as tf
tf.experimental.numpy.experimental_enable_numpy_behavior()
import adcore as ad
from adcore.testing import all_scenarios, check_differentiation, check_prepared, check_reference
scenarios = [s for s in all_scenarios()
             if any(name in s.id for name in ("-gram", "-transposesq", "-matvecsin"))]
assert len(scenarios) >= 10, scenarios
backends = [ad.AutoTensorFlow(), ad.AutoTensorFlow(mode="reverse", jit=True)]
print(check_differentiation(backends, scenarios, checks=[check_reference, check_prepared]))
"""


def test_numpy_only_scenarios_under_numpy_behavior() -> None:
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "failed" not in result.stdout, result.stdout
