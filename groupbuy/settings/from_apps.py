"""Settings the capability apps read with their own defaults, taken from the
environment when it sets them.

An app keeps the defaults of its settings beside the code that uses them
(``getattr(settings, NAME, default)``), so that it stays self-contained. Until
they were listed here an operator could change them only by writing a settings
module: an SMS gateway's address, a coupon's validity, a pool's time to answer.
A value that is not of its kind stops the start, naming the variable.
``core/tests/test_settings_from_apps.py`` fails when an app reads a setting
that is neither declared in this package nor listed here.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# name -> the kind of its value; the defaults and meanings are in each app's
# documentation (docs/<app>.md) and docs/deployment.md.
_FROM_ENVIRONMENT = {
    # coupons
    "GROUPBUY_COUPON_UPLOAD_MAX_BYTES": int,
    "GROUPBUY_COUPON_VALID_DAYS": int,
    "GROUPBUY_COUPON_PLATFORM_ID": str,
    "GROUPBUY_COUPON_EXPIRY_RULE": str,
    "GROUPBUY_COUPON_UNUSED_REFUNDABLE": bool,
    # deals
    "GROUPBUY_DEAL_MAX_DAYS": int,
    # demands
    "GROUPBUY_DEMAND_DEPOSIT_BPS": int,
    "GROUPBUY_DEMAND_DEPOSIT_FIXED_FEN": int,
    "GROUPBUY_DEMAND_FORFEIT_RULE": str,
    "GROUPBUY_DEMAND_MAX_DAYS": int,
    "GROUPBUY_DEMAND_NOTICE_HOURS": int,
    "GROUPBUY_DEMAND_PAYMENT_HOURS": int,
    # moderation
    "GROUPBUY_MODERATION_REPORTS_PER_DAY": int,
    # notifications and SMS
    "GROUPBUY_NOTIFY_MAX_ATTEMPTS": int,
    "GROUPBUY_NOTIFY_RETRY_BASE_SECONDS": int,
    "GROUPBUY_SMS_HTTP_URL": str,
    "GROUPBUY_SMS_HTTP_TOKEN": str,
    "GROUPBUY_SMS_MODEM_PORT": str,
    "GROUPBUY_SMS_MODEM_BAUDRATE": int,
    "GROUPBUY_SMS_MODEM_TIMEOUT": float,
    # pooling
    "GROUPBUY_POOL_ANSWER_MINUTES": int,
    "GROUPBUY_POOL_MATCH_BUDGET_S": float,
    # sharing
    "GROUPBUY_SHARING_BOOK_RETENTION_DAYS": int,
    "GROUPBUY_SHARING_COMMENT_MAX_CHARS": int,
    "GROUPBUY_SHARING_DUPLICATE_WINDOW_SECONDS": int,
    "GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY": int,
    "GROUPBUY_SHARING_MATCH_MAX_NUMBERS": int,
    "GROUPBUY_SHARING_MATCHES_PER_DAY": int,
    "GROUPBUY_SHARING_MATCHES_PER_MINUTE": int,
    "GROUPBUY_SHARING_MAX_RECIPIENTS": int,
    "GROUPBUY_SHARING_PRIVATE_DIR": str,
    "GROUPBUY_SHARING_VCARD_MAX_BYTES": int,
    "GROUPBUY_SHARING_VCARD_MAX_ENTRIES": int,
    "GROUPBUY_SHARING_VOICE_MAX_BYTES": int,
    "GROUPBUY_WEBPUSH_CONTACT": str,
    "GROUPBUY_WEBPUSH_VAPID_KEY_FILE": str,
    # teams
    "GROUPBUY_TEAM_CLOSE_GRACE_MINUTES": int,
    # payments
    "GROUPBUY_WECHATPAY_NOTIFY_MAX_AGE_SECONDS": int,
}
_KIND_NAMES = {int: "a whole number", float: "a number", bool: "true or false"}
_BOOLEANS = {
    "true": True,
    "1": True,
    "yes": True,
    "false": False,
    "0": False,
    "no": False,
}


def _from_environment(name: str, kind: type):
    text = os.environ[name].strip()
    try:
        if kind is bool:
            return _BOOLEANS[text.lower()]
        return kind(text)
    except (KeyError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={text!r} in the environment is not {_KIND_NAMES[kind]}"
        ) from None


globals().update(
    {
        name: _from_environment(name, kind)
        for name, kind in _FROM_ENVIRONMENT.items()
        if os.environ.get(name, "").strip()
    }
)
