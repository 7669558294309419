"""The shell of a middleware that runs under WSGI and ASGI alike.

Django calls a middleware marked ``async_capable`` without a thread hop when
the stack is async, so it must answer with a coroutine there and a response
otherwise. Subclasses say only what they do around the view (``around``) and
to its response (``after``); the shell makes both call paths.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async


class SyncAndAsyncMiddleware:
    sync_capable = True
    async_capable = True
    # ``after`` reads the database (the session, the user): under ASGI it then
    # runs in a worker thread, where Django allows that.
    after_uses_database = False

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def around(self, request) -> AbstractContextManager:
        """A context held while the rest of the stack answers ``request``."""
        return nullcontext()

    def after(self, request, response):
        """Return the response to send for ``response``."""
        return response

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        with self.around(request):
            return self.after(request, self.get_response(request))

    async def __acall__(self, request):
        with self.around(request):
            response = await self.get_response(request)
            if self.after_uses_database:
                return await sync_to_async(self.after)(request, response)
            return self.after(request, response)
