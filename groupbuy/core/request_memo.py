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
from contextvars import ContextVar
from typing import TypeVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

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


class RequestMemoMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)

    async def __acall__(self, request):
        token = _memo.set({})
        try:
            return await self.get_response(request)
        finally:
            _memo.reset(token)
