"""Account pages that are not sign-in: confirming an e-mail address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.accounts import services
from groupbuy.accounts.errors import AccountError


@login_required
@require_POST
def email_verification_send(request: HttpRequest) -> HttpResponse:
    try:
        services.email_verification_send(actor=request.user)
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("We sent a link to %(email)s. Open it to confirm the address.")
            % {"email": request.user.email},
        )
    return redirect("web:profile")


@login_required
def email_verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link would confirm; the POST confirms it."""
    try:
        if request.method == "POST":
            services.email_verify(actor=request.user, token=token)
            messages.success(request, _("Your e-mail address is confirmed."))
            return redirect("web:profile")
        email = services.email_verification_check(actor=request.user, token=token)
    except AccountError as error:
        return render(
            request,
            "accounts/email_verify.html",
            {"error": error.message},
            status=error.status,
        )
    return render(request, "accounts/email_verify.html", {"email": email})
