"""A full disk answers 503 "try again later", not 500 "something went wrong".

When the data directory's disk (media, private media, the file outboxes) or a
quota is full, saving an upload raises ``OSError`` ENOSPC/EDQUOT from deep in
the storage. The person can do nothing about it but wait, and the operator
must hear of it at once: the answer says so, and the log line names the disk
being full and the file that could not be written.
"""

from __future__ import annotations

import contextlib
import errno
import logging

from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from groupbuy.core.errors import api_error_response, is_api_path
from groupbuy.core.stored_files import stored_file_delete_on_rollback

logger = logging.getLogger("groupbuy.storage")

FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
RETRY_AFTER_SECONDS = 300


def is_storage_full(exception: BaseException) -> bool:
    return isinstance(exception, OSError) and exception.errno in FULL


def field_file_save(field_file, name: str, content) -> None:
    """Store ``content`` as ``field_file`` under the name its field makes of
    ``name``, leaving the row for the caller to save (``save=False``).

    Django's file storage leaves what it wrote behind when writing fails part
    way (a full disk): a broken file no row names, never cleaned up. Here a
    failed write removes it before the error goes on (to the 503). Upload names
    are unique (a uuid or a public id), so the name was free and the file there
    is this write's; a name already taken is left alone. A file written whole
    inside a transaction goes if that transaction rolls back
    (``core.stored_files``): the row that would have named it is gone too.
    """
    target = field_file.field.generate_filename(field_file.instance, name)
    storage = field_file.storage
    was_taken = storage.exists(target)
    try:
        field_file.save(name, content, save=False)
    except OSError:
        if not was_taken:
            with contextlib.suppress(OSError):
                storage.delete(target)
        raise
    stored_file_delete_on_rollback(storage, field_file.name)


class StorageFullMiddleware(MiddlewareMixin):
    def process_exception(self, request, exception):
        if not is_storage_full(exception):
            return None
        logger.error(
            "storage full: could not write %s answering %s %s (%s)",
            getattr(exception, "filename", None) or "a file",
            request.method,
            request.path_info,
            exception.strerror,
        )
        message = _(
            "The site cannot save files right now. Nothing was saved: please try "
            "again later."
        )
        if is_api_path(request.path_info):
            response = api_error_response(request, 503, "storage_full", message)
        else:
            response = render(
                request, "core/storage_full.html", {"message": message}, status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
