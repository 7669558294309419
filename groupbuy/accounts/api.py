from django.conf import settings
from django.contrib.auth import authenticate, update_session_auth_hash, user_logged_in
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from groupbuy.accounts import services
from groupbuy.accounts.auth import api_auth
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.lockout import lockout_json
from groupbuy.accounts.reauth import (
    by_api_token,
    password_confirm,
    reauthenticate,
    recent_authentication,
    token_refusal,
)
from groupbuy.accounts.schemas import (
    ApiTokenCreatedOut,
    ApiTokenCreateIn,
    ApiTokenListIn,
    ApiTokenPageOut,
    CodeResendIn,
    EmailLinkSentOut,
    EmailVerifyIn,
    PasswordCodeIn,
    PasswordResetIn,
    PasswordSetOut,
    PhoneChangeCodeIn,
    PhoneChangeIn,
    PhoneCodeIn,
    PhoneCodeSentOut,
    ProfileIn,
    ReauthenticatedOut,
    ReauthenticateIn,
    SignUpIn,
    SignUpVerifyIn,
    TokenIn,
    TokenOut,
    UserOut,
)
from groupbuy.accounts.selectors import api_tokens_for_user, user_memberships
from groupbuy.core.net import limit_address
from groupbuy.core.pagination import page_payload, paginate

router = Router(tags=["accounts"])


def user_out(user) -> dict:
    return {
        "id": user.public_id,
        "phone": user.phone,
        "display_name": user.display_name,
        "email": user.email,
        "email_verified": user.email_verified_at is not None,
        "preferred_language": user.preferred_language,
        "contact_channel": user.contact_channel,
        "inbox_only_kinds": user.inbox_only_kinds,
        "is_operator": user.is_operator,
        "is_phone_verified": user.phone_verified_at is not None,
        "memberships": [
            {
                "merchant_id": m.merchant.public_id,
                "merchant_name": m.merchant.display_name,
                "role": m.role,
                "branch_id": m.branch.public_id if m.branch else None,
            }
            for m in user_memberships(user=user)
        ],
    }


def token_out(token) -> dict:
    return {
        "id": token.public_id,
        "name": token.name,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "is_usable": token.is_usable,
    }


def _code_sent(sent) -> dict:
    demo = getattr(settings, "GROUPBUY_DEMO_MODE", False)
    return {
        "verification_id": sent.verification.public_id,
        "expires_at": sent.verification.expires_at,
        "demo_sms": (sent.sms_text or None) if demo else None,
    }


def rate_limited_response(error: AccountError) -> JsonResponse:
    """A 429 with Retry-After: DomainError responses carry no headers."""
    response = JsonResponse(error.as_dict(), status=error.status)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def _code_sent_or_429(send, request, **details):
    """Send a code (202 with what the client needs to verify it), or the 429
    that says when another may be asked for."""
    try:
        sent = send(**details, address=limit_address(request))
    except AccountError as error:
        if error.retry_after:
            return rate_limited_response(error)
        raise
    return Status(202, _code_sent(sent))


@router.post("/auth/signup", response={202: PhoneCodeSentOut}, auth=None)
def sign_up(request, payload: SignUpIn):
    """Text a code to the phone number; the account is made by /auth/signup/verify.

    The answer is the same whether or not the number already has an account.
    """
    return _code_sent_or_429(services.sign_up_request, request, **payload.dict())


@router.post("/auth/signup/resend", response={202: PhoneCodeSentOut}, auth=None)
def sign_up_resend(request, payload: CodeResendIn):
    """Text a new sign-up code for an earlier /auth/signup request, with its
    details, so nothing is sent again. Paced like the first code (429 with
    Retry-After); the earlier code stays good until it expires."""
    return _code_sent_or_429(
        services.sign_up_resend, request, verification_id=payload.verification_id
    )


@router.post("/auth/signup/verify", response={201: TokenOut}, auth=None)
def sign_up_verify(request, payload: SignUpVerifyIn):
    """Create the account with the texted code and return an API token for it."""
    user = services.sign_up_complete(
        verification_id=payload.verification_id, code=payload.code
    )
    _token, secret = services.api_token_create(actor=user, name=payload.token_name)
    return Status(201, {"token": secret, "user": user_out(user)})


@router.post("/auth/password/reset", response={202: PhoneCodeSentOut}, auth=None)
def password_reset(request, payload: PasswordResetIn):
    """Text a reset code if the number has an account (answered alike if not)."""
    return _code_sent_or_429(
        services.password_reset_request, request, phone=payload.phone
    )


@router.post("/auth/password/reset/resend", response={202: PhoneCodeSentOut}, auth=None)
def password_reset_resend(request, payload: CodeResendIn):
    """Text a new reset code to the number of an earlier /auth/password/reset
    request (answered alike whether or not it has an account)."""
    return _code_sent_or_429(
        services.password_reset_resend, request, verification_id=payload.verification_id
    )


@router.post("/auth/password/reset/verify", response=PasswordSetOut, auth=None)
def password_reset_verify(request, payload: PasswordCodeIn):
    """Set a new password with the texted code; all API tokens are revoked."""
    services.password_reset_complete(**payload.dict())
    return {"message": _("Your password is changed. Log in with the new one.")}


@router.post("/auth/token", response=TokenOut, auth=None)
def token_create(request, payload: TokenIn):
    """Exchange a phone number and password for a bearer token.

    After too many failures for the number or from the address: 429 with
    Retry-After, even with the right password, until the cool-off has passed.
    """
    phone = services.users.phone_or_error(payload.phone)
    user = authenticate(request, phone=phone, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return lockout_json(request, phone)
        raise AccountError(
            "bad_credentials", _("Wrong phone number or password."), status=401
        )
    # A token is a login without a session: tell the same listeners (last_login,
    # and axes, which clears this number's failures).
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    _token, secret = services.api_token_create(
        actor=user, name=payload.name, days=payload.days
    )
    return {"token": secret, "user": user_out(user)}


@router.get("/me", response=UserOut, auth=api_auth)
def me(request):
    """My profile: number, name, language, contact channel and memberships."""
    return user_out(request.auth)


@router.patch("/me", response=UserOut, auth=api_auth)
def me_update(request, payload: ProfileIn):
    """Change my profile; only the fields sent change (see docs/api.md)."""
    user = services.user_update_profile(actor=request.auth, **payload.dict())
    return user_out(user)


@router.post("/me/email/verification", response={202: EmailLinkSentOut}, auth=api_auth)
def email_verification_send(request):
    """E-mail me a link that confirms my address (at most once a minute)."""
    try:
        services.email_verification_send(actor=request.auth)
    except AccountError as error:
        if error.retry_after:
            return rate_limited_response(error)
        raise
    return Status(202, {"message": _("A link is on its way to your e-mail address.")})


@router.post("/me/email/verify", response=UserOut, auth=api_auth)
def email_verify(request, payload: EmailVerifyIn):
    """Confirm my e-mail address with the token from the link."""
    return user_out(services.email_verify(actor=request.auth, token=payload.token))


@router.post("/me/password/code", response={202: PhoneCodeSentOut}, auth=api_auth)
def password_change_code(request):
    """Text a code to my own number before changing my password."""
    return _code_sent_or_429(
        services.password_change_request, request, actor=request.auth
    )


@router.post("/me/phone/code", response={202: PhoneCodeSentOut}, auth=api_auth)
def phone_verify_code(request):
    """Text a code to my own number to confirm I hold it."""
    return _code_sent_or_429(services.phone_verify_request, request, actor=request.auth)


@router.post("/me/phone/verify", response=UserOut, auth=api_auth)
def phone_verify(request, payload: PhoneCodeIn):
    """Confirm my number with the code from /me/phone/code."""
    user = services.phone_verify_complete(actor=request.auth, **payload.dict())
    return user_out(user)


@router.post("/me/phone/change/code", response={202: PhoneCodeSentOut}, auth=api_auth)
def phone_change_code(request, payload: PhoneChangeCodeIn):
    """Text a code to the number I am moving my account to; my password first.

    A wrong password is a 400 on ``password``; too many are a 429
    ``too_many_passwords`` with Retry-After (never a login lockout).
    """
    try:
        password_confirm(user=request.auth, password=payload.password)
    except AccountError as error:
        if error.retry_after:
            return rate_limited_response(error)
        raise
    return _code_sent_or_429(
        services.phone_change_request,
        request,
        actor=request.auth,
        new_phone=payload.new_phone,
    )


@router.post("/me/phone/change", response=UserOut, auth=api_auth)
def phone_change(request, payload: PhoneChangeIn):
    """Move my account to the new number with the code from /me/phone/change/code.

    409 ``phone_taken`` if another account holds the number by then.
    """
    user = services.phone_change_complete(actor=request.auth, **payload.dict())
    return user_out(user)


def _bearer_secret(request) -> str:
    """Return the token secret the request was sent with ("" for a session)."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


@router.post("/me/password", response=PasswordSetOut, auth=api_auth)
def password_change(request, payload: PasswordCodeIn):
    """Change my password with the code from /me/password/code; every other
    API token of mine is revoked (the one asking, if any, is kept)."""
    keeping_token = _bearer_secret(request)
    user = services.password_change_complete(
        actor=request.auth, keeping_token=keeping_token, **payload.dict()
    )
    if not keeping_token:
        # A browser signed in by its session keeps it, as with the web form;
        # Django ends the person's other sessions.
        update_session_auth_hash(request, user)
    return {"message": _("Your password is changed.")}


@router.post("/me/reauthenticate", response=ReauthenticatedOut, auth=api_auth)
def reauthenticate_session(request, payload: ReauthenticateIn):
    """Confirm my password in this signed-in browser session, which may then
    create API tokens and change where a shop's payouts go for
    ``GROUPBUY_REAUTH_WINDOW_MINUTES`` (10) minutes.

    A request signed by an API token is refused 403 ``session_required``. A
    wrong password is a 400 on ``password``; too many are a 429
    ``too_many_passwords`` with Retry-After (never a login lockout).
    """
    try:
        until = reauthenticate(request, password=payload.password)
    except AccountError as error:
        if error.retry_after:
            return rate_limited_response(error)
        raise
    return {"reauthenticated_until": until}


@router.get("/me/tokens", response=ApiTokenPageOut, auth=api_auth)
def tokens_list(request, filters: Query[ApiTokenListIn]):
    """My API tokens that still work, newest first (paged; secrets are never
    shown again); ``include_inactive`` adds the revoked and expired ones.

    Only a signed-in browser session may manage tokens: a request signed by a
    token is refused 403 ``session_required``.
    """
    if by_api_token(request):
        raise token_refusal()
    tokens = api_tokens_for_user(
        user=request.auth, include_inactive=filters.include_inactive
    )
    result = paginate(tokens, page=filters.page, page_size=filters.page_size)
    return page_payload(result, [token_out(token) for token in result.items])


@router.post("/me/tokens", response={201: ApiTokenCreatedOut}, auth=api_auth)
def tokens_create(request, payload: ApiTokenCreateIn):
    """Create a named token; its secret is in this answer only.

    Only a signed-in browser session whose password was confirmed within
    ``GROUPBUY_REAUTH_WINDOW_MINUTES`` may: otherwise 403
    ``reauthentication_required``, whose ``reauthenticate`` names the operation
    to confirm it with (``POST /api/me/reauthenticate``) and ``window_minutes``
    how long that lasts. A request signed by a token is refused 403
    ``session_required``, so a stolen token cannot make more of itself.
    """
    token, secret = services.api_token_create(
        actor=request.auth,
        name=payload.name,
        days=payload.days,
        reauthentication=recent_authentication(request),
    )
    return Status(201, {"token": secret, "info": token_out(token)})


@router.delete("/me/tokens/{token_id}", response={204: None}, auth=api_auth)
def tokens_revoke(request, token_id: str):
    """Revoke one of my tokens; it answers 401 from now on. Only a signed-in
    browser session may (a request signed by a token: 403 ``session_required``).
    """
    if by_api_token(request):
        raise token_refusal()
    services.api_token_revoke(actor=request.auth, token_id=token_id)
    return HttpResponse(status=204)
