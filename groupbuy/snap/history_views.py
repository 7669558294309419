"""A shopper's own snaps: what each was recognised as, and its photo until it
is deleted (after the retention period, or now, on their say)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.snap import selectors
from groupbuy.snap.services import snap_photo_delete
from groupbuy.snap.services.retention import photo_kept_until, retention
from groupbuy.web.views.common import domain_errors_as_http, page_number


@login_required
def my_snaps(request: HttpRequest) -> HttpResponse:
    snaps = selectors.snaps_of_user(user=request.user, page=page_number(request))
    for snap in snaps.items:
        snap.photo_kept_until = photo_kept_until(snap)
    return render(
        request,
        "snap/mine.html",
        {"snaps": snaps, "retention_days": retention().days},
    )


@login_required
@domain_errors_as_http
@require_POST
def my_snap_photo_delete(request: HttpRequest, snap_id: str) -> HttpResponse:
    snap = selectors.snap_get_for_user(user=request.user, snap_id=snap_id)
    snap_photo_delete(actor=request.user, snap=snap)
    messages.success(
        request, _("The photo is deleted; what it was recognised as stays.")
    )
    back = reverse("snap:mine")
    page = page_number(request)
    return redirect(f"{back}?page={page}" if page > 1 else back)
