"""The inbox page (/inbox/): read, open and mark notifications read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from groupbuy.core.errors import NotFound
from groupbuy.core.pagination import paginate
from groupbuy.notify import services
from groupbuy.notify.selectors import (
    notification_list_for_user,
    notification_unread_count,
)


def _inbox_context(request) -> dict:
    page = paginate(
        notification_list_for_user(user=request.user), page=request.GET.get("page", 1)
    )
    return {
        "page": page,
        "unread_count": notification_unread_count(user=request.user),
    }


@require_GET
@login_required
def inbox(request):
    context = _inbox_context(request)
    if request.htmx:
        # The live refresh and "mark all read" swap just the list.
        return render(request, "notify/_inbox_list.html", context)
    return render(request, "notify/inbox.html", context)


@require_POST
@login_required
def mark_all_read(request):
    services.notification_mark_all_read(actor=request.user)
    if request.htmx:
        return render(request, "notify/_inbox_list.html", _inbox_context(request))
    return redirect("notify:inbox")


@require_POST
@login_required
def notification_open(request, notification_id: str):
    """Mark the notification read and follow its link (only to this site)."""
    try:
        notification = services.notification_mark_read(
            actor=request.user, notification_id=notification_id
        )
    except NotFound as error:
        raise Http404(error.message) from error
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return redirect(notification.url)
    return redirect("notify:inbox")
