"""The signed-in person's password change (by SMS code), API tokens and which
notifications reach them beyond the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.accounts import services
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import PhoneVerification
from groupbuy.accounts.phones import mask_phone
from groupbuy.accounts.reauth import password_confirm, recent_authentication
from groupbuy.accounts.selectors import api_tokens_for_user, code_request_for_user
from groupbuy.core.net import limit_address
from groupbuy.core.pagination import paginate
from groupbuy.core.plugins import notification_kinds
from groupbuy.notify.selectors import notification_kinds_for_user
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_auth import (
    ApiTokenForm,
    CodeForm,
    PasswordCodeForm,
    PhoneChangeForm,
)
from groupbuy.web.password_step import (
    password_step_add,
    password_step_confirm,
    password_step_refusal,
)
from groupbuy.web.views.auth import demo_sms, remember_demo_sms
from groupbuy.web.views.common import domain_errors_as_http, next_path


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            sent = services.password_change_request(
                actor=request.user, address=limit_address(request)
            )
        except AccountError as refusal:
            error = refusal.message
        else:
            remember_demo_sms(request, sent)
            return redirect("web:password_change_verify", sent.verification.public_id)
    return render(
        request,
        "web/auth/password_change.html",
        {"masked_phone": mask_phone(request.user.phone), "error": error},
    )


@login_required
@domain_errors_as_http
def password_change_verify(request: HttpRequest, verification_id: str) -> HttpResponse:
    code_request_for_user(
        user=request.user,
        verification_id=verification_id,
        purpose=PhoneVerification.Purpose.PASSWORD_CHANGE,
    )
    form = PasswordCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change_complete(
                actor=request.user, verification_id=verification_id, **form.cleaned_data
            )
        except AccountError as error:
            add_domain_error(form, error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed."))
            return redirect("web:profile")
    return render(
        request,
        "web/auth/code.html",
        {
            "form": form,
            "title": _("Change your password"),
            "intro": _(
                "We sent a code by SMS to %(phone)s. Enter it with your new password."
            )
            % {"phone": mask_phone(request.user.phone)},
            "submit": _("Change my password"),
            "restart_url": reverse("web:password_change"),
            "demo_sms": demo_sms(request, verification_id),
        },
    )


@login_required
def phone_verify(request: HttpRequest) -> HttpResponse:
    """Send a code to confirm the signed-in person's number (demands need it)."""
    next_url = next_path(request)
    if request.user.phone_verified_at is not None:
        return redirect(next_url or "web:profile")
    error = None
    if request.method == "POST":
        try:
            sent = services.phone_verify_request(
                actor=request.user, address=limit_address(request)
            )
        except AccountError as refusal:
            error = refusal.message
        else:
            remember_demo_sms(request, sent)
            target = reverse(
                "web:phone_verify_code", args=[sent.verification.public_id]
            )
            return redirect(f"{target}?next={next_url}" if next_url else target)
    return render(
        request,
        "web/auth/phone_verify.html",
        {
            "masked_phone": mask_phone(request.user.phone),
            "error": error,
            "next_url": next_url,
        },
    )


@login_required
@domain_errors_as_http
def phone_verify_code(request: HttpRequest, verification_id: str) -> HttpResponse:
    code_request_for_user(
        user=request.user,
        verification_id=verification_id,
        purpose=PhoneVerification.Purpose.PHONE_VERIFY,
    )
    form = CodeForm(request.POST or None)
    next_url = next_path(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_verify_complete(
                actor=request.user,
                verification_id=verification_id,
                code=form.cleaned_data["code"],
            )
        except AccountError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your phone number is confirmed."))
            return redirect(next_url or "web:profile")
    return render(
        request,
        "web/auth/code.html",
        {
            "form": form,
            "title": _("Confirm your phone number"),
            "intro": _("We sent a code by SMS to %(phone)s. Enter it here.")
            % {"phone": mask_phone(request.user.phone)},
            "submit": _("Confirm my number"),
            "restart_url": reverse("web:phone_verify"),
            "next_url": next_url,
            "demo_sms": demo_sms(request, verification_id),
        },
    )


@login_required
def phone_change(request: HttpRequest) -> HttpResponse:
    """Move the account to another number: the new number and the password."""
    form = PhoneChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_confirm(user=request.user, password=form.cleaned_data["password"])
            sent = services.phone_change_request(
                actor=request.user,
                new_phone=form.cleaned_data["new_phone"],
                address=limit_address(request),
            )
        except AccountError as error:
            add_domain_error(form, error)
        else:
            remember_demo_sms(request, sent)
            return redirect("web:phone_change_code", sent.verification.public_id)
    return render(
        request,
        "web/auth/phone_change.html",
        {"form": form, "masked_phone": mask_phone(request.user.phone)},
    )


@login_required
@domain_errors_as_http
def phone_change_code(request: HttpRequest, verification_id: str) -> HttpResponse:
    verification = services.phone_change_verification(
        user=request.user, verification_id=verification_id
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.phone_change_complete(
                actor=request.user,
                new_phone=verification.phone,
                code=form.cleaned_data["code"],
            )
        except AccountError as error:
            add_domain_error(form, error)
        else:
            update_session_auth_hash(request, user)  # a new session key
            messages.success(
                request,
                _("Your phone number is now %(phone)s.")
                % {"phone": mask_phone(user.phone)},
            )
            return redirect("web:profile")
    return render(
        request,
        "web/auth/code.html",
        {
            "form": form,
            "title": _("Change your phone number"),
            "intro": _(
                "We sent a code by SMS to %(phone)s. Enter it to sign in with that "
                "number from now on."
            )
            % {"phone": mask_phone(verification.phone)},
            "submit": _("Change my number"),
            "restart_url": reverse("web:phone_change"),
            "demo_sms": demo_sms(request, verification_id),
        },
    )


# The new token's secret waits here, in the server-side session, for the one page
# that shows it after the redirect (never in the URL); the database keeps only its
# hash.
CREATED_TOKEN_SESSION_KEY = "web.api_token_created"


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Create a token (Post/Redirect/Get, so a reload creates nothing more) and
    show its secret once, on the page the redirect leads to."""
    form = ApiTokenForm(request.POST or None)
    password_step_add(form, request=request, required=True)
    if request.method == "POST" and form.is_valid():
        try:
            password_step_confirm(request, form)
            token, secret = services.api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                reauthentication=recent_authentication(request),
            )
        except AccountError as error:
            password_step_refusal(request, form, error)
        else:
            request.session[CREATED_TOKEN_SESSION_KEY] = {
                "token_id": token.public_id,
                "secret": secret,
            }
            return redirect("web:api_tokens")
    # As the API: the tokens that still work, unless asked for all of them.
    include_inactive = request.GET.get("include_inactive") == "1"
    tokens = paginate(
        api_tokens_for_user(user=request.user, include_inactive=include_inactive),
        page=request.GET.get("page", 1),
    )
    return render(
        request,
        "web/auth/tokens.html",
        {
            "form": form,
            "created": _created_token(request),
            "tokens": tokens,
            "include_inactive": include_inactive,
        },
    )


def _created_token(request: HttpRequest) -> dict | None:
    """The token just created with its secret, taken out of the session so it is
    shown on this answer only."""
    created = request.session.pop(CREATED_TOKEN_SESSION_KEY, None)
    if not created:
        return None
    token = (
        api_tokens_for_user(user=request.user, include_inactive=True)
        .filter(public_id=created["token_id"])
        .first()
    )
    return {"token": token, "secret": created["secret"]} if token else None


@login_required
@require_POST
@domain_errors_as_http
def api_token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    token = services.api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(
        request, _("The token “%(name)s” is revoked.") % {"name": token.name}
    )
    return redirect("web:api_tokens")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which kinds of notification also come by SMS, e-mail or push; the rest
    stay in the inbox (``User.inbox_only_kinds``). Only the kinds that can reach
    the person are listed; saving leaves the others as they were."""
    kinds = notification_kinds_for_user(user=request.user)
    quiet = set(request.user.inbox_only_kinds)
    if request.method == "POST":
        declared = notification_kinds()
        by_channel = set(request.POST.getlist("by_channel"))
        services.user_update_profile(
            actor=request.user,
            inbox_only_kinds=[
                # kept as they were: the kinds not shown (still declared)
                *(kind for kind in quiet if kind not in kinds and kind in declared),
                *(kind for kind in kinds if kind not in by_channel),
            ],
        )
        messages.success(request, _("Saved: the others stay in your inbox."))
        return redirect("web:notification_settings")
    rows = sorted(
        ((kind, str(label), kind not in quiet) for kind, label in kinds.items()),
        key=lambda row: row[1],
    )
    return render(request, "web/auth/notification_settings.html", {"kinds": rows})
