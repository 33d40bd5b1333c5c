"""Layer 4, combinators: backends made of other backends (``SecondOrder``, the
primitive-hiding wrappers), over one delegation mechanism, ``AbstractWrapper``."""
