"""The sparsity tracer: arrays that carry, for every element, the inputs it depends on.

``core`` holds the array object; ``ufuncs``, ``functions`` and ``moves`` its rules, each
registered for the numpy function it implements; ``protocols`` the numpy protocols that
join them. Importing the package loads them all.
"""

from . import moves as moves
from . import protocols as protocols
from .core import Deps as Deps
from .core import Trace as Trace
from .core import Tracer as Tracer
from .rules import TracingError as TracingError

__all__ = ["Deps", "Trace", "Tracer", "TracingError"]
