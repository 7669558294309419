from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve as serve_media

from groupbuy.api import api
from groupbuy.core.private_media import private_media_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("escrow/", include("groupbuy.escrow.urls")),
    path("inbox/", include("groupbuy.notify.urls")),
    path("snap/", include("groupbuy.snap.urls")),
    path("", include("groupbuy.web.urls")),
    # Private media (snap photos): only to whom the file's permission check allows.
    path(
        f"{settings.GROUPBUY_PRIVATE_MEDIA_URL.strip('/')}/<path:name>",
        private_media_view,
        name="private_media",
    ),
    # Public media (product and catalog photos). In the many-machines mode media
    # live on S3-compatible storage and this route is unused.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        serve_media,
        {"document_root": settings.MEDIA_ROOT},
    ),
]
