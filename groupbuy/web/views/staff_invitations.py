"""My invitations to join a merchant's staff (/me/staff-invitations/): accept
one and the console opens, decline one and the shop is told."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.selectors import staff as staff_selectors
from groupbuy.catalog.services.staff import (
    staff_invitation_accept,
    staff_invitation_decline,
)
from groupbuy.core.pagination import paginate
from groupbuy.web.views.common import domain_errors_as_http


@login_required
def staff_invitations(request: HttpRequest) -> HttpResponse:
    invitations = paginate(
        staff_selectors.staff_invitations_for_user(user=request.user),
        page=request.GET.get("page", 1),
    )
    return render(
        request, "web/auth/staff_invitations.html", {"invitations": invitations}
    )


@login_required
@require_POST
@domain_errors_as_http
def staff_invitation_accept_view(
    request: HttpRequest, invitation_id: str
) -> HttpResponse:
    invitation = staff_selectors.staff_invitation_get_for_invitee(
        user=request.user, public_id=invitation_id
    )
    try:
        staff_invitation_accept(actor=request.user, invitation=invitation)
    except CatalogError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
        return redirect("web:staff_invitations")
    merchant = invitation.merchant
    messages.success(
        request, _("You are now on the staff of %(merchant)s.") % {"merchant": merchant}
    )
    return redirect("web:merchant_dashboard", merchant.public_id)


@login_required
@require_POST
@domain_errors_as_http
def staff_invitation_decline_view(
    request: HttpRequest, invitation_id: str
) -> HttpResponse:
    invitation = staff_selectors.staff_invitation_get_for_invitee(
        user=request.user, public_id=invitation_id
    )
    staff_invitation_decline(actor=request.user, invitation=invitation)
    messages.success(
        request,
        _("You declined to join the staff of %(merchant)s.")
        % {"merchant": invitation.merchant},
    )
    return redirect("web:staff_invitations")
