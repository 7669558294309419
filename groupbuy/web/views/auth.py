"""Sign-up (with an SMS code), log-in, log-out, password reset and the profile."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from groupbuy.accounts import services
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.lockout import (
    locked_until,
    lockout_message,
    login_device_remember,
    retry_after_seconds,
)
from groupbuy.accounts.models import PhoneVerification
from groupbuy.accounts.selectors import code_request_get, sign_up_code_still_open
from groupbuy.core.net import limit_address
from groupbuy.web.forms import LoginForm, ProfileForm, SignUpForm, add_domain_error
from groupbuy.web.forms_auth import CodeForm, PasswordCodeForm, PasswordResetForm
from groupbuy.web.views.common import (
    domain_errors_as_http,
    remember_language,
    safe_next_url,
)

DEMO_SMS_SESSION_KEY = "demo_sms"
# What was typed on the sign-up and reset forms (never the password), so going
# back to a form from its code page finds it filled in.
SIGNUP_TYPED_SESSION_KEY = "signup_typed"
RESET_PHONE_SESSION_KEY = "password_reset_phone"
# The sign-up code this browser last asked for, so the sign-up page can lead
# back to its code page if that tab was closed (asking again would be refused
# as too soon while the code already texted still works).
SIGNUP_VERIFICATION_SESSION_KEY = "signup_verification"


def _next(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def remember_demo_sms(request: HttpRequest, sent) -> None:
    """In demo mode, keep the SMS text for the code page's demo banner."""
    if getattr(settings, "GROUPBUY_DEMO_MODE", False) and sent.sms_text:
        texts = dict(request.session.get(DEMO_SMS_SESSION_KEY, {}))
        texts[sent.verification.public_id] = sent.sms_text
        request.session[DEMO_SMS_SESSION_KEY] = dict(list(texts.items())[-5:])


def demo_sms(request: HttpRequest, verification_id: str) -> str:
    if not getattr(settings, "GROUPBUY_DEMO_MODE", False):
        return ""
    return request.session.get(DEMO_SMS_SESSION_KEY, {}).get(verification_id, "")


def _resend(
    request: HttpRequest,
    *,
    verification_id: str,
    resend,
    page: str,
    sent_message: str,
    session_key: str = "",
) -> HttpResponse:
    """Ask ``resend`` for a new code; go to its code page, or back to this one
    with the reason (too soon, already used). ``next`` is kept either way; the
    new code's id is kept in the session under ``session_key`` if given."""
    next_url = _next(request)
    try:
        sent = resend(verification_id=verification_id, address=limit_address(request))
    except AccountError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        messages.error(request, error.message)
        url = reverse(page, args=[verification_id])
    else:
        remember_demo_sms(request, sent)
        if session_key:
            request.session[session_key] = sent.verification.public_id
        messages.success(request, sent_message)
        url = reverse(page, args=[sent.verification.public_id])
    return redirect(_with_next(url, next_url))


def signup(request: HttpRequest) -> HttpResponse:
    initial = {
        "preferred_language": translation.get_language(),
        **request.session.get(SIGNUP_TYPED_SESSION_KEY, {}),
    }
    form = SignUpForm(request.POST or None, initial=initial)
    next_url = _next(request)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.sign_up_request(
                **form.cleaned_data, address=limit_address(request)
            )
        except AccountError as error:
            add_domain_error(form, error)
        else:
            remember_demo_sms(request, sent)
            request.session[SIGNUP_VERIFICATION_SESSION_KEY] = (
                sent.verification.public_id
            )
            request.session[SIGNUP_TYPED_SESSION_KEY] = {
                name: value
                for name, value in form.cleaned_data.items()
                if name != "password"
            }
            url = reverse("web:signup_verify", args=[sent.verification.public_id])
            return redirect(_with_next(url, next_url))
    return render(
        request,
        "web/auth/signup.html",
        {
            "form": form,
            "next_url": next_url,
            "open_code_url": _open_sign_up_code_url(request, next_url),
        },
    )


def _open_sign_up_code_url(request: HttpRequest, next_url: str) -> str:
    """The code page of the sign-up code this session asked for, while that
    code still works; "" otherwise. Only this session's: never looked up by
    number, so it tells nobody whether a number has an account."""
    verification_id = request.session.get(SIGNUP_VERIFICATION_SESSION_KEY, "")
    if not verification_id or not sign_up_code_still_open(
        verification_id=verification_id
    ):
        return ""
    url = reverse("web:signup_verify", args=[verification_id])
    return _with_next(url, next_url)


@domain_errors_as_http
def signup_verify(request: HttpRequest, verification_id: str) -> HttpResponse:
    code_request_get(
        verification_id=verification_id, purpose=PhoneVerification.Purpose.SIGN_UP
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up_complete(
                verification_id=verification_id, code=form.cleaned_data["code"]
            )
        except AccountError as error:
            add_domain_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(SIGNUP_TYPED_SESSION_KEY, None)
            request.session.pop(SIGNUP_VERIFICATION_SESSION_KEY, None)
            messages.success(request, _("Welcome! Your account is ready."))
            response = redirect(safe_next_url(request))
            remember_language(response, user.preferred_language)
            return response
    return render(
        request,
        "web/auth/code.html",
        {
            "form": form,
            "next_url": _next(request),
            "title": _("Enter your code"),
            "intro": _(
                "We sent a code by SMS to the number you gave. Enter it to create "
                "your account."
            ),
            "submit": _("Create my account"),
            "resend_url": reverse("web:signup_resend", args=[verification_id]),
            "restart_url": _with_next(reverse("web:signup"), _next(request)),
            "restart_label": _("Change the number or name"),
            "demo_sms": demo_sms(request, verification_id),
        },
    )


@require_POST
def signup_resend(request: HttpRequest, verification_id: str) -> HttpResponse:
    return _resend(
        request,
        verification_id=verification_id,
        resend=services.sign_up_resend,
        page="web:signup_verify",
        sent_message=_("We sent a new code by SMS to the number you gave."),
        session_key=SIGNUP_VERIFICATION_SESSION_KEY,
    )


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    locked_out_until = None
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        user = authenticate(
            request, phone=phone, password=form.cleaned_data["password"]
        )
        if user is not None:
            login(request, user)
            # others' failed logins for this number no longer hold it back here
            return login_device_remember(redirect(safe_next_url(request)), phone)
        if getattr(request, "axes_locked_out", False):
            locked_out_until = locked_until(request, phone)
            form.add_error(None, lockout_message(locked_out_until))
        else:
            form.add_error(None, _("The phone number or password is not right."))
    response = render(
        request,
        "web/auth/login.html",
        {"form": form, "next_url": _next(request)},
        status=429 if locked_out_until else 200,
    )
    if locked_out_until:
        response["Retry-After"] = str(retry_after_seconds(locked_out_until))
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("web:deal_list")


def password_reset(request: HttpRequest) -> HttpResponse:
    typed_phone = request.session.get(RESET_PHONE_SESSION_KEY, "")
    form = PasswordResetForm(request.POST or None, initial={"phone": typed_phone})
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.password_reset_request(
                phone=form.cleaned_data["phone"], address=limit_address(request)
            )
        except AccountError as error:
            add_domain_error(form, error)
        else:
            remember_demo_sms(request, sent)
            request.session[RESET_PHONE_SESSION_KEY] = form.cleaned_data["phone"]
            return redirect("web:password_reset_verify", sent.verification.public_id)
    return render(request, "web/auth/password_reset.html", {"form": form})


@domain_errors_as_http
def password_reset_verify(request: HttpRequest, verification_id: str) -> HttpResponse:
    code_request_get(
        verification_id=verification_id,
        purpose=PhoneVerification.Purpose.PASSWORD_RESET,
    )
    form = PasswordCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_reset_complete(
                verification_id=verification_id, **form.cleaned_data
            )
        except AccountError as error:
            add_domain_error(form, error)
        else:
            request.session.pop(RESET_PHONE_SESSION_KEY, None)
            messages.success(
                request, _("Your password is changed. Log in with the new one.")
            )
            # the code proved the number from this browser
            return login_device_remember(redirect("web:login"), user.phone)
    return render(
        request,
        "web/auth/code.html",
        {
            "form": form,
            "title": _("Reset your password"),
            "intro": _(
                "If this number has an account, we sent it a code by SMS. Enter it "
                "with your new password."
            ),
            "submit": _("Set my new password"),
            "resend_url": reverse("web:password_reset_resend", args=[verification_id]),
            "restart_url": reverse("web:password_reset"),
            "restart_label": _("Change the number"),
            "demo_sms": demo_sms(request, verification_id),
        },
    )


@require_POST
def password_reset_resend(request: HttpRequest, verification_id: str) -> HttpResponse:
    return _resend(
        request,
        verification_id=verification_id,
        resend=services.password_reset_resend,
        page="web:password_reset_verify",
        sent_message=_("If this number has an account, we sent it a new code by SMS."),
    )


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The header's language switch. Django's ``set_language`` sets the cookie
    and goes back; for a signed-in person the choice becomes their saved
    language too (``user_language_switch``)."""
    response = set_language(request)
    if request.user.is_authenticated:
        services.user_language_switch(
            actor=request.user, language=request.POST.get("language", "")
        )
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "display_name": user.display_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "contact_channel": user.contact_channel,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_update_profile(actor=user, **form.cleaned_data)
        except AccountError as error:
            add_domain_error(form, error)
        else:
            translation.activate(user.preferred_language)
            messages.success(request, _("Your profile is saved."))
            response = redirect("web:profile")
            remember_language(response, user.preferred_language)
            return response
    return render(request, "web/auth/profile.html", {"form": form})
