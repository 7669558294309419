"""Files only some people may see: shoppers' snap photos, later address books and
chat attachments.

They live in the ``private`` storage (``STORAGES["private"]``, outside
MEDIA_ROOT, so the public media route never serves them) and are fetched through
``private_media_view``, which asks the permission check registered for the file's
first path segment. An app registers its kind of file once::

    private_media.register("snaps", may_view_snap_photo)

where ``may_view_snap_photo(user, name)`` says whether ``user`` may see the file
``name`` (e.g. ``snaps/2026/01/02/snp_x.jpg``). ``user`` is whoever the request
signs in as, by the web session or, as on the API, by ``Authorization: Bearer
gbt_…`` (a revoked or expired token signs in nobody). Anyone else gets 404, so
nobody learns which files exist. With ``GROUPBUY_PRIVATE_MEDIA_ACCEL`` set, the
view only checks and nginx (``X-Accel-Redirect``) or Apache/lighttpd
(``X-Sendfile``) sends the bytes; on S3 the view redirects to a short-lived
signed URL.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from groupbuy.core.streaming import file_response

Permission = Callable[[object, str], bool]
_permissions: dict[str, Permission] = {}


class PrivateMediaStorage(FileSystemStorage):
    """File storage under ``GROUPBUY_PRIVATE_MEDIA_ROOT``, read on every use."""

    @property
    def base_location(self):
        return str(settings.GROUPBUY_PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return settings.GROUPBUY_PRIVATE_MEDIA_URL

    @cached_property
    def file_permissions_mode(self):
        return settings.FILE_UPLOAD_PERMISSIONS


def private_storage():
    """Return the storage private files are kept in (a FileField ``storage=``)."""
    return storages["private"]


def register(prefix: str, permission: Permission) -> None:
    """Serve files under ``prefix/`` to the users ``permission`` allows."""
    _permissions[prefix] = permission


def _permission_for(name: str) -> Permission | None:
    prefix = name.split("/", 1)[0]
    return _permissions.get(prefix)


def _is_safe(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts


def _accelerated(name: str, storage) -> HttpResponse:
    response = HttpResponse(content_type=_content_type(name))
    mode = settings.GROUPBUY_PRIVATE_MEDIA_ACCEL.lower()
    if mode == "x-sendfile":
        response["X-Sendfile"] = storage.path(name)
    else:
        prefix = settings.GROUPBUY_PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
    return response


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _private_headers(response: HttpResponse) -> HttpResponse:
    # Never in a shared cache: the next person to ask may not be allowed.
    response["Cache-Control"] = "private, max-age=3600"
    # Nor kept for another token in the same client: the answer is per person.
    patch_vary_headers(response, ("Authorization",))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _viewer(request):
    """Return who asks: a usable API token's owner, else the session's user.

    The API hands out these URLs (a snap's ``photo_url``) to clients that sign
    in with a token and have no session, so the token counts here as it does
    there, through the API's own check.
    """
    # Imported here: core is imported by every app, accounts among them.
    from groupbuy.accounts.auth import BearerTokenAuth

    user = BearerTokenAuth()(request)
    return user if user is not None else request.user


@require_GET
def private_media_view(request, name: str) -> HttpResponse:
    """Send a private file to someone its kind's permission check allows."""
    permission = _permission_for(name)
    if (
        not _is_safe(name)
        or permission is None
        or not permission(_viewer(request), name)
    ):
        raise Http404
    storage = private_storage()
    if not storage.exists(name):
        raise Http404
    if not isinstance(storage, FileSystemStorage):
        return _private_headers(HttpResponseRedirect(storage.url(name)))
    if settings.GROUPBUY_PRIVATE_MEDIA_ACCEL:
        return _private_headers(_accelerated(name, storage))
    response = file_response(storage.open(name, "rb"), content_type=_content_type(name))
    return _private_headers(response)
