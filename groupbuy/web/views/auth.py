"""Sign-up, log-in, log-out and the profile page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.services import user_sign_up, user_update_profile
from groupbuy.web.forms import LoginForm, ProfileForm, SignUpForm, add_domain_error
from groupbuy.web.views.common import remember_language, safe_next_url


def _next(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def signup(request: HttpRequest) -> HttpResponse:
    initial = {"preferred_language": translation.get_language()}
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_up(**form.cleaned_data)
        except AccountError as error:
            add_domain_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            response = redirect(safe_next_url(request))
            remember_language(response, user.preferred_language)
            return response
    return render(
        request, "web/auth/signup.html", {"form": form, "next_url": _next(request)}
    )


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            phone=form.cleaned_data["phone"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error(None, _("The phone number or password is not right."))
        else:
            login(request, user)
            return redirect(safe_next_url(request))
    return render(
        request, "web/auth/login.html", {"form": form, "next_url": _next(request)}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("web:deal_list")


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
            user = user_update_profile(actor=user, **form.cleaned_data)
        except AccountError as error:
            add_domain_error(form, error)
        else:
            translation.activate(user.preferred_language)
            messages.success(request, _("Your profile is saved."))
            response = redirect("web:profile")
            remember_language(response, user.preferred_language)
            return response
    return render(request, "web/auth/profile.html", {"form": form})
