"""Waiting for what happens in the background (the search index catching up after a write)."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually(check: Callable[[], bool], *, timeout_s: float = 20.0, every_s: float = 0.05) -> bool:
    """True as soon as ``check()`` is; False if it never is within ``timeout_s``.

    The search index is rebuilt in the background after a write (within the poll interval
    on a quiet machine); tests that read their own write through the index wait for it
    rather than racing the rebuild.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every_s)
