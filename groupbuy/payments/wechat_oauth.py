"""The payer's openid for JSAPI payments inside WeChat (网页授权, snsapi_base).

Inside WeChat's browser only JSAPI payment works, and WeChat Pay wants the
payer's openid under our AppID. We ask WeChat for it once per member with the
silent ``snsapi_base`` scope: redirect to WeChat's authorize page, which comes
back to us with a one-time ``code``, exchanged server-side (with the Official
Account's AppSecret) for the openid. The ``state`` is a random value kept in the
member's session, so a code can only complete the sign-in that asked for it.
The openid is stored per member and AppID; it identifies the member to WeChat
only and is erased with the member's data.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.escrow.errors import EscrowError
from groupbuy.payments.models import WechatOpenId

logger = logging.getLogger(__name__)

SESSION_KEY = "payments.wechat_oauth"


def jsapi_available() -> bool:
    """JSAPI can be offered when the AppSecret that gets openids is configured."""
    return bool(
        getattr(settings, "GROUPBUY_WECHAT_APP_SECRET", "")
        and settings.GROUPBUY_WECHATPAY_APPID
    )


def openid_for(user) -> str:
    found = WechatOpenId.objects.filter(
        user=user, appid=settings.GROUPBUY_WECHATPAY_APPID
    ).first()
    return found.openid if found else ""


def _return_url() -> str:
    path = reverse("payments:wechat_oauth_return")
    return settings.GROUPBUY_PUBLIC_URL.rstrip("/") + path


def authorize_url(*, session, next_path: str) -> str:
    """Remember where to go back to; return WeChat's authorize page for us."""
    if not url_has_allowed_host_and_scheme(next_path, allowed_hosts=None):
        next_path = "/"
    state = secrets.token_urlsafe(16)
    session[SESSION_KEY] = {"state": state, "next": next_path}
    query = urlencode(
        {
            "appid": settings.GROUPBUY_WECHATPAY_APPID,
            "redirect_uri": _return_url(),
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        }
    )
    return f"{settings.GROUPBUY_WECHAT_OAUTH_AUTHORIZE_URL}?{query}#wechat_redirect"


def _failed() -> EscrowError:
    return EscrowError(
        "wechat_sign_in_failed",
        _("WeChat did not confirm who you are. Please try again."),
        status=502,
    )


def openid_from_code(*, actor, session, code: str, state: str) -> str:
    """Check ``state`` against the session, exchange ``code``; store the openid
    and return where the member was going."""
    pending = session.pop(SESSION_KEY, None) or {}
    if (
        not code
        or not state
        or not secrets.compare_digest(str(pending.get("state", "")), state)
    ):
        raise EscrowError(
            "wechat_state_mismatch",
            _(
                "This WeChat sign-in was not started here. "
                "Please start the payment again."
            ),
        )
    # Imported here: httpx costs every process ~0.1 s of CPU to import, and
    # only this exchange (inside WeChat's browser) needs it.
    import httpx

    try:
        response = httpx.get(
            f"{settings.GROUPBUY_WECHAT_API_URL.rstrip('/')}/sns/oauth2/access_token",
            params={
                "appid": settings.GROUPBUY_WECHATPAY_APPID,
                "secret": settings.GROUPBUY_WECHAT_APP_SECRET,
                "code": code,
                "grant_type": "authorization_code",
            },
            timeout=10,
        )
        answer = response.json()
    except (httpx.HTTPError, ValueError):
        logger.warning("wechat oauth: no answer to the code exchange", exc_info=True)
        raise _failed() from None
    openid = str(answer.get("openid", "")) if isinstance(answer, dict) else ""
    if not openid or len(openid) > 64:
        logger.warning("wechat oauth refused: %s", answer.get("errcode", answer))
        raise _failed()
    WechatOpenId.objects.update_or_create(
        user=actor,
        appid=settings.GROUPBUY_WECHATPAY_APPID,
        defaults={"openid": openid},
    )
    audit_log(actor=actor, action="payments.wechat.openid_linked", obj=actor)
    return str(pending.get("next") or "/")
