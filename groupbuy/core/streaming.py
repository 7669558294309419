"""Responses sent a piece at a time under ASGI, never read whole first.

The site runs only under ASGI (``groupbuy/asgi.py``). There Django reads a
streaming response built on a synchronous iterator whole into memory before its
first byte leaves (``StreamingHttpResponse.__aiter__`` falls back to
``sync_to_async(list)``, and warns in the server's log): a 10 MB photo, a voice
note or a big shop's CSV would each sit in the server's memory at once. The
content here is an asynchronous iterator that reads one piece at a time in a
thread while the server sends the last.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from typing import BinaryIO, TypeVar

from asgiref.sync import sync_to_async
from django.http import FileResponse

Piece = TypeVar("Piece", str, bytes)


async def sent_as_read(
    read_piece: Callable[[], Piece], *, thread_sensitive: bool = False
) -> AsyncIterator[Piece]:
    """Yield ``read_piece()`` until it returns an empty piece.

    ``thread_sensitive`` keeps the reads in the request's thread, as the ORM's
    connection needs; a file's reads may run in any."""
    read = sync_to_async(read_piece, thread_sensitive=thread_sensitive)
    while piece := await read():
        yield piece


def file_response(file: BinaryIO, **options) -> FileResponse:
    """A ``FileResponse`` (its length, type and disposition taken from ``file``
    as usual) that sends the file a block at a time; the file is closed with
    the response."""
    response = FileResponse(file, **options)
    response.streaming_content = sent_as_read(
        functools.partial(file.read, response.block_size)
    )
    return response
