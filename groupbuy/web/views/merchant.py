"""The merchant console: products, listings, deals and their orders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from groupbuy.accounts.selectors import user_memberships


@login_required
def merchant_home(request: HttpRequest) -> HttpResponse:
    memberships = user_memberships(user=request.user)
    if not memberships:
        raise PermissionDenied(_("Only a merchant's staff can open the console."))
    return render(request, "web/merchant/home.html", {"memberships": memberships})
