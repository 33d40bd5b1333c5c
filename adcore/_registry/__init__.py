"""Layer 2, the registry: hook specifications, plugin loading, backends by name, and the
array namespace of any value (which asks the plugins). It imports ``_core`` only."""
