"""Two CPU devices for the device tests; set before JAX starts its backends."""

from __future__ import annotations

import os

_DEVICES = "--xla_force_host_platform_device_count=2"
if _DEVICES.split("=")[0] not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {_DEVICES}".strip()
