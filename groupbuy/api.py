"""The JSON API: one NinjaAPI, a router per app.

Errors are always {"code", "message", "fields"} with a 4xx status.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from groupbuy.accounts.auth import api_auth
from groupbuy.core.errors import DomainError

api = NinjaAPI(
    title="groupbuy API",
    version="1",
    description="Group-buying platform: deals, escrow, snap to deal. "
    "Authenticate with `Authorization: Bearer <token>` from `POST /api/auth/token`, "
    "or with the browser session.",
    auth=api_auth,
    urls_namespace="api",
)


def error_response(request, status: int, code: str, message: str, fields=None):
    return api.create_response(
        request,
        {"code": code, "message": str(message), "fields": fields or {}},
        status=status,
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


# Where a bad value came from is not part of its name for the person reading it.
_LOCATIONS = ("body", "payload", "query", "path", "form", "file")


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part)
            for part in error.get("loc", [])
            if part not in ("body", "payload")
        ]
        name = ".".join(location) or "__all__"
        fields.setdefault(name, []).append(error.get("msg", _("Invalid value.")))
    first = next(iter(fields.items()), ("", [_("Invalid input.")]))
    message = f"{first[0]}: {first[1][0]}" if first[0] else first[1][0]
    return error_response(request, 422, "invalid", message, fields)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError):
    fields = (
        exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    )
    return error_response(request, 422, "invalid", exc.messages[0], fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(request, 401, "unauthenticated", _("Please sign in first."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error_response(
        request, 403, "forbidden", str(exc) or _("You may not do that.")
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, "error", str(exc))


@api.get("/health", auth=None, tags=["platform"])
def health(request):
    """Answer at once: for load balancers, and the baseline of the join benchmark."""
    return {"ok": True}


def _mount_routers() -> None:
    from groupbuy.accounts.api import router as accounts_router
    from groupbuy.catalog.api import router as catalog_router
    from groupbuy.deals.api import router as deals_router
    from groupbuy.escrow.api import router as escrow_router
    from groupbuy.notify.api import router as notify_router
    from groupbuy.snap.api import router as snap_router

    api.add_router("/", accounts_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/deals", deals_router)
    api.add_router("/escrow", escrow_router)
    api.add_router("/notify", notify_router)
    api.add_router("/snap", snap_router)
    from groupbuy.coupons.api import router as coupons_router

    api.add_router("/coupons", coupons_router)


_mount_routers()
