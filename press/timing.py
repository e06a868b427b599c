"""How long each stage of a build takes, added up per process, for the benchmark."""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict

STAGES = ("load", "check", "markdown", "templates", "layout", "pdf writing", "epub")
TIMES: dict[str, float] = defaultdict(float)


@contextlib.contextmanager
def stage(name: str):
    """Add the time the block takes to the stage ``name``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMES[name] += time.perf_counter() - start
