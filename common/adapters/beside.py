"""One thread pool per process for network calls made beside others, so a request waits for
one round trip where it would wait for two (the revocation check and who is asking; a survey's
rate-limit count and its transaction's start). Made on first use; the caller's context
(logging fields) goes with each call."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
WORKERS = 16  # beyond the function's own request threads: a call waits for a worker only past that
_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def beside(call: Callable[..., T], *args: object) -> Future[T]:
    """Start ``call(*args)`` now on the pool; its answer (or its exception) is the future's."""
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="beside")
    return _pool.submit(contextvars.copy_context().run, call, *args)
