"""The shopper's snap page: take a photo, see the product and its deals.

The page works without JavaScript (a plain multipart form); with it, snap.js
shrinks the photo, uploads it with a progress bar and swaps in the result
fragment this view renders for requests sent with ``X-Requested-With``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from groupbuy.catalog.selectors import product_get
from groupbuy.core.errors import DomainError
from groupbuy.snap import answers, selectors
from groupbuy.snap.capacity import SnapBusy
from groupbuy.snap.engine import warm_up_models_soon
from groupbuy.snap.errors import SnapError
from groupbuy.snap.services import (
    snap_alternative_choose,
    snap_code_submit,
    snap_none_of_these,
    snap_submit,
)
from groupbuy.snap.throttle import snap_rate_check

# Multipart framing around the photo: boundaries, part headers, the CSRF field.
MULTIPART_OVERHEAD_BYTES = 16 * 1024


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or bool(
        getattr(request, "htmx", False)
    )


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    # The view is csrf_exempt only so the size check runs before the middleware
    # would parse the whole multipart body; the same check runs here instead.
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
        request, None, (), {}
    )


def _declared_too_large(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    limit = settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES
    return declared > limit


def _render_answer(request, context: dict, *, status: int = 200) -> HttpResponse:
    if _wants_fragment(request):
        return render(request, "snap/_result.html", context, status=status)
    return _render_page(request, context, status=status)


def _render_page(request, context: dict, *, status: int = 200) -> HttpResponse:
    context = {"max_upload_bytes": settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES, **context}
    return render(request, "snap/snap.html", context, status=status)


def _refusal(request, error: DomainError) -> HttpResponse:
    return _render_answer(request, {"error": error}, status=error.status)


@csrf_exempt
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def snap_page(request: HttpRequest) -> HttpResponse:
    """Show the camera; on POST recognise the photo and show the answer."""
    if request.method == "GET":
        warm_up_models_soon()
        return _render_page(request, {})
    if _declared_too_large(request):
        mb = settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES // (1024 * 1024)
        message = _("This photo is too large. Please send one under %(mb)d MB.")
        return _refusal(
            request, SnapError("too_large", message % {"mb": mb}, status=413)
        )
    refused = _csrf_refusal(request)
    if refused is not None:
        return refused
    try:
        snap_rate_check(request)
    except SnapError as error:
        return _refusal(request, error)
    photo = request.FILES.get("photo")
    if photo is None:
        return _refusal(
            request,
            SnapError("missing_photo", _("Take or choose a photo first."), status=422),
        )
    try:
        outcome = snap_submit(actor=request.user, upload=photo)
    except SnapBusy as busy:
        response = _refusal(request, busy)
        response["Retry-After"] = str(busy.retry_after)
        return response
    except SnapError as error:
        return _refusal(request, error)
    answer = answers.answer_for_outcome(outcome, user=request.user)
    return _render_answer(request, {"answer": answer})


@require_http_methods(["POST"])
def snap_choose(request: HttpRequest, snap_id: str) -> HttpResponse:
    """Show the deals of an alternative the shopper says is the right product."""
    try:
        snap = selectors.snap_get_for_chooser(user=request.user, snap_id=snap_id)
        product = product_get(public_id=request.POST.get("product", ""))
        snap = snap_alternative_choose(actor=request.user, snap=snap, product=product)
    except DomainError as error:
        return _refusal(request, error)
    answer = answers.answer_for_snap(snap, user=request.user)
    return _render_answer(request, {"answer": answer})


@require_http_methods(["POST"])
def snap_none(request: HttpRequest, snap_id: str) -> HttpResponse:
    """The shopper says none of the suggestions is right: queue it for a label."""
    try:
        snap = selectors.snap_get_for_user(user=request.user, snap_id=snap_id)
        snap = snap_none_of_these(actor=request.user, snap=snap)
    except DomainError as error:
        return _refusal(request, error)
    answer = answers.answer_for_snap(snap, user=request.user)
    return _render_answer(request, {"answer": answer})


@require_http_methods(["POST"])
def snap_code(request: HttpRequest) -> HttpResponse:
    """A code the page read from the live camera: answer as a snap of it."""
    try:
        snap_rate_check(request)
        outcome = snap_code_submit(
            actor=request.user,
            code_format=request.POST.get("format", ""),
            text=request.POST.get("text", ""),
        )
    except DomainError as error:
        return _refusal(request, error)
    answer = answers.answer_for_outcome(outcome, user=request.user)
    return _render_answer(request, {"answer": answer})
