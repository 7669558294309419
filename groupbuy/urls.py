from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve as serve_media

from groupbuy.api import api
from groupbuy.core.plugins import url_patterns
from groupbuy.core.private_media import private_media_view

# The apps' own pages come from their groupbuy_app.py declarations (see
# groupbuy.core.plugins); only the project's infrastructure is named here.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Private media (snap photos): only to whom the file's permission check allows.
    path(
        f"{settings.GROUPBUY_PRIVATE_MEDIA_URL.strip('/')}/<path:name>",
        private_media_view,
        name="private_media",
    ),
    *url_patterns(),
    # Public media (product and catalog photos). In the many-machines mode media
    # live on S3-compatible storage and this route is unused.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        serve_media,
        {"document_root": settings.MEDIA_ROOT},
    ),
]
