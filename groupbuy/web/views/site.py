"""The web app manifest, so the site installs as an app, the More page and the
source code offer."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from groupbuy.core.streaming import file_response
from groupbuy.web import source


def _icons() -> list[dict]:
    icons = [
        {
            "src": static(f"web/icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    svg = {"src": static("web/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"}
    return [*icons, svg]


@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": _("%(site)s group buys") % {"site": settings.GROUPBUY_SITE_NAME},
        "short_name": settings.GROUPBUY_SITE_NAME,
        "description": _("Buy together, pay less."),
        "lang": translation.get_language(),
        "start_url": reverse("web:deal_list"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f5f5",
        "theme_color": "#e4393c",
        "icons": _icons(),
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


def more(request: HttpRequest) -> HttpResponse:
    """Every shopper navigation entry that is not a tab of the tab bar."""
    return render(request, "web/more.html", {"version": source.version()})


@require_safe
def source_code(request: HttpRequest) -> HttpResponse:
    """The code this site runs (AGPL-3.0 § 13), or where its operator publishes it."""
    if settings.GROUPBUY_SOURCE_URL:
        return redirect(settings.GROUPBUY_SOURCE_URL)
    archive = source.source_archive()
    return file_response(
        archive.open("rb"),
        as_attachment=True,
        filename=f"groupbuy-{source.version()}.tar.gz",
        content_type="application/gzip",
    )
