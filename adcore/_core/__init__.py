"""Layer 1, the core: arrays, contexts, preparations and the abstract backend.

It imports nothing of adcore but ``adcore.errors``, and no plugin, engine or extra.
"""
