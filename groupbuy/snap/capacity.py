"""How many photos one server process decodes and recognises at once.

Every snap runs in a thread of its own, and decoding plus recognition holds
tens of megabytes per photo for a second or more. Unbounded, 40 shoppers
snapping together would run 40 recognitions side by side and the process's
memory would grow with them. Instead ``recognition_slot()`` lets
``GROUPBUY_SNAP_RECOGNITION_SLOTS`` work at once; up to
``GROUPBUY_SNAP_RECOGNITION_QUEUE`` more wait their turn (at most
``GROUPBUY_SNAP_RECOGNITION_WAIT_SECONDS``), and anything beyond gets
``SnapBusy``: 503 with ``Retry-After``.

``SnapAdmissionMiddleware`` (ASGI, in front of Django) applies the same bound
earlier: a snap upload that arrives while slots + queue are all taken gets its
503 before its body is read, so refused photos cost no memory at all.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.snap.errors import SnapError

# glibc's mallopt parameter for the most malloc arenas (malloc.h).
_M_ARENA_MAX = -8


def limit_malloc_arenas(count: int) -> bool:
    """Cap glibc's malloc arenas for this process; return whether it took effect.

    glibc gives busy threads arenas of their own (up to 8 per core) and rarely
    returns their memory, so a burst of parallel snaps leaves the process far
    bigger than the work it did (measured: 1.1 GB peak instead of under 800 MB
    for 40 parallel camera photos, ``benchmarks/snap_load.py``). An operator's
    own ``MALLOC_ARENA_MAX`` in the environment wins.
    """
    if count <= 0 or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        return ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, count) == 1
    except (OSError, AttributeError):  # not glibc: nothing to cap
        return False


class SnapBusy(SnapError):
    """The recogniser is saturated: try again in ``retry_after`` seconds."""

    status = 503

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "busy",
            _("Many people are snapping right now. Please try again in a moment."),
            status=503,
        )
        self.retry_after = retry_after


class RecognitionGate:
    """A semaphore with a bounded queue in front of it."""

    def __init__(self, slots: int, queue: int) -> None:
        self.slots = slots
        self.queue = queue
        self._semaphore = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._waiting = 0

    @contextmanager
    def slot(self, *, wait_seconds: float, retry_after: int):
        if not self._semaphore.acquire(blocking=False):
            self._wait_for_slot(wait_seconds, retry_after)
        try:
            yield
        finally:
            self._semaphore.release()

    def _wait_for_slot(self, wait_seconds: float, retry_after: int) -> None:
        with self._lock:
            if self._waiting >= self.queue:
                raise SnapBusy(retry_after)
            self._waiting += 1
        try:
            acquired = self._semaphore.acquire(timeout=wait_seconds)
        finally:
            with self._lock:
                self._waiting -= 1
        if not acquired:
            raise SnapBusy(retry_after)


_gate: RecognitionGate | None = None
_gate_lock = threading.Lock()


def _current_gate() -> RecognitionGate:
    """Return the process's gate, made anew when its settings changed (tests)."""
    global _gate
    slots = max(1, settings.GROUPBUY_SNAP_RECOGNITION_SLOTS)
    queue = max(0, settings.GROUPBUY_SNAP_RECOGNITION_QUEUE)
    with _gate_lock:
        if _gate is None or (_gate.slots, _gate.queue) != (slots, queue):
            _gate = RecognitionGate(slots, queue)
        return _gate


def recognition_slot():
    """Hold one of the process's recognition slots, or raise SnapBusy."""
    return _current_gate().slot(
        wait_seconds=settings.GROUPBUY_SNAP_RECOGNITION_WAIT_SECONDS,
        retry_after=settings.GROUPBUY_SNAP_RETRY_AFTER_SECONDS,
    )


_SNAP_UPLOAD_PATHS = re.compile(r"^/(api/snap/?|snap/?)$")
_BUSY_MESSAGE = gettext_lazy(
    "Many people are snapping right now. Please try again in a moment."
)


class SnapAdmissionMiddleware:
    """ASGI: admit at most slots + queue snap uploads at once; 503 the rest early."""

    def __init__(self, app) -> None:
        self.app = app
        self._in_flight = 0
        self._lock = threading.Lock()

    def _is_snap_upload(self, scope) -> bool:
        return (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and bool(_SNAP_UPLOAD_PATHS.match(scope["path"]))
        )

    async def __call__(self, scope, receive, send):
        if not self._is_snap_upload(scope):
            return await self.app(scope, receive, send)
        capacity = max(1, settings.GROUPBUY_SNAP_RECOGNITION_SLOTS) + max(
            0, settings.GROUPBUY_SNAP_RECOGNITION_QUEUE
        )
        with self._lock:
            admitted = self._in_flight < capacity
            if admitted:
                self._in_flight += 1
        if not admitted:
            return await self._refuse(scope, send)
        try:
            return await self.app(scope, receive, send)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _refuse(self, scope, send) -> None:
        from groupbuy.core.body_limits import send_refusal

        retry_after = str(settings.GROUPBUY_SNAP_RETRY_AFTER_SECONDS).encode()
        await send_refusal(
            scope,
            send,
            status=503,
            code="busy",
            message=_BUSY_MESSAGE,
            headers=[(b"retry-after", retry_after)],
        )
