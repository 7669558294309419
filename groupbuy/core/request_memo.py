"""Answers remembered for the length of one HTTP request.

A merchant page asks "is this person on that merchant's staff, as what?" from
the view, its selectors and its template tags: five times a request, one query
each. ``remembered`` keeps the answer for the rest of the request (the
middleware opens and closes the memo around each request), and ``forget``
drops everything, for a write that changes an answer (a membership saved or
deleted). Outside a request (jobs, WebSocket consumers, tests calling
services) nothing is remembered: every call asks the database.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from groupbuy.core.middleware_shell import SyncAndAsyncMiddleware

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("groupbuy_request_memo", default=None)


def remembered(key: tuple, compute: Callable[[], T]) -> T:
    """Return ``compute()``, computed once per request for ``key``."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget() -> None:
    """Drop every remembered answer of the current request."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware(SyncAndAsyncMiddleware):
    @contextmanager
    def around(self, request):
        token = _memo.set({})
        try:
            yield
        finally:
            _memo.reset(token)
