"""Python's cyclic garbage collector paused while one text is compiled.

Parsing, checking and SQL building allocate many small objects that all live until the
end (the AST, the IR, sqlglot trees with parent pointers), so every generation-2 collection
during the compile walks a heap that grows with the segment: a 10,000-condition segment
took 1.6x longer per condition than a 1,000-condition one. Nothing here needs the collector
to free memory (reference counting does), and it runs again as soon as the compile ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` with the cyclic collector paused (see the module docstring)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with gc_paused():
            return func(*args, **kwargs)

    return wrapper
