from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve as serve_media

from groupbuy.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("escrow/", include("groupbuy.escrow.urls")),
    path("inbox/", include("groupbuy.notify.urls")),
    path("snap/", include("groupbuy.snap.urls")),
    path("coupons/", include("groupbuy.coupons.urls")),
    path("", include("groupbuy.web.urls")),
    # Media (product and snap photos). In the many-machines mode media live on
    # S3-compatible storage and this route is unused.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        serve_media,
        {"document_root": settings.MEDIA_ROOT},
    ),
]
