"""Answers made for whoever asks are marked ``Cache-Control: private``.

A signed-in person's pages (their orders, their shop's money) and the API's
answers to a token said nothing about caching: a shared cache in front of the
site (a CDN, a company's or a mobile carrier's proxy) that ignores ``Vary:
Cookie``, as many do, could keep one person's page and hand it to the next.
An answer that depends on who asks (the session was read, so Django added
``Vary: Cookie``; or the request carried an API token) and says nothing about
caching itself is therefore marked private: the browser may keep it, no shared
cache may. What a view says itself (the JavaScript translations' day, a coupon's
``no-store``) is kept. Public media and static files read no session and are
left as they are.
"""

from __future__ import annotations

from django.utils.cache import has_vary_header, patch_cache_control

from groupbuy.core.middleware_shell import SyncAndAsyncMiddleware


def is_for_whoever_asks(request, response) -> bool:
    return has_vary_header(response, "Cookie") or "Authorization" in request.headers


def private_unless_said(request, response):
    """Return ``response``, marked private if it is made for whoever asks and
    says nothing about caching."""
    if not response.has_header("Cache-Control") and is_for_whoever_asks(
        request, response
    ):
        patch_cache_control(response, private=True)
    return response


class PrivateCacheMiddleware(SyncAndAsyncMiddleware):
    def after(self, request, response):
        return private_unless_said(request, response)
