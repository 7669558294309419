"""System checks that keep an unsafe configuration from serving.

They run with ``manage.py check --deploy`` and before ``groupbuy serve`` and
``groupbuy worker`` start (``groupbuy.cli``), and only in production: DEBUG off
and not demo mode. Each problem that makes the site unsafe is an error, so both
stop with its message; one that leaves it unable to do something people need
(texts, e-mails) or one step from breaking it (the contact hash key) is a
warning: ``check --deploy`` lists it and ``serve`` and ``worker`` print it as
they start.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

DOCS = "See docs/deployment.md."


def is_production() -> bool:
    return not settings.DEBUG and not settings.GROUPBUY_DEMO_MODE


@register(Tags.security, deploy=True)
def check_secrets(app_configs, **kwargs) -> list[Error]:
    """Refuse every secret that still has the value written in the source."""
    if not is_production():
        return []
    return [
        Error(
            f"{name} has its built-in value, which anyone can read in the source.",
            hint=f"Set {name} in the environment to a long random value, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`. ' + DOCS,
            id="groupbuy.E001",
        )
        for name, built_in in settings.GROUPBUY_BUILT_IN_SECRETS.items()
        if getattr(settings, name, built_in) == built_in
    ]


@register(Tags.security, deploy=True)
def check_hosts(app_configs, **kwargs) -> list[Error]:
    if not is_production():
        return []
    errors = []
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty, so no request would be answered.",
                hint="Set ALLOWED_HOSTS to the site's host names, comma separated "
                "(e.g. shop.example.com). " + DOCS,
                id="groupbuy.E002",
            )
        )
    if settings.GROUPBUY_PUBLIC_URL == settings.GROUPBUY_PUBLIC_URL_DEFAULT:
        errors.append(
            Error(
                "GROUPBUY_PUBLIC_URL is not set: links in e-mails and messages "
                "would point at 127.0.0.1.",
                hint="Set GROUPBUY_PUBLIC_URL to the address people use, e.g. "
                "https://shop.example.com. " + DOCS,
                id="groupbuy.E003",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_payment_providers(app_configs, **kwargs) -> list[Error]:
    from groupbuy.escrow.providers import SANDBOX, registered_provider_names

    errors = [
        Error(
            f"GROUPBUY_PAYMENT_PROVIDERS names “{name}”, which is no payment provider.",
            hint="Known providers: " + ", ".join(registered_provider_names()) + ".",
            id="groupbuy.E004",
        )
        for name in settings.GROUPBUY_PAYMENT_PROVIDERS
        if name not in registered_provider_names()
    ]
    sandbox_refused = (
        SANDBOX in settings.GROUPBUY_PAYMENT_PROVIDERS
        and not settings.GROUPBUY_PAYMENTS_TEST_MODE
    )
    if is_production() and sandbox_refused:
        errors.append(
            Error(
                "The sandbox payment provider is enabled: anyone could “pay” "
                "without paying.",
                hint="Remove sandbox from GROUPBUY_PAYMENT_PROVIDERS, or set "
                "GROUPBUY_PAYMENTS_TEST_MODE=1 for a test installation (every "
                "page then says payments are tests). " + DOCS,
                id="groupbuy.E005",
            )
        )
    return errors


# What each real provider needs before it may take money (docs/payments.md).
PROVIDER_CREDENTIALS = {
    "alipay": (
        "GROUPBUY_ALIPAY_APP_ID",
        "GROUPBUY_ALIPAY_APP_PRIVATE_KEY",
        "GROUPBUY_ALIPAY_PUBLIC_KEY",
    ),
    "wechat": (
        "GROUPBUY_WECHATPAY_MCHID",
        "GROUPBUY_WECHATPAY_APPID",
        "GROUPBUY_WECHATPAY_CERT_SERIAL_NO",
        "GROUPBUY_WECHATPAY_APIV3_KEY",
        "GROUPBUY_WECHATPAY_PRIVATE_KEY",
        "GROUPBUY_WECHATPAY_PUBLIC_KEY",
        "GROUPBUY_WECHATPAY_PUBLIC_KEY_ID",
    ),
}
KEY_SETTINGS = ("PRIVATE_KEY", "PUBLIC_KEY")


def _is_set(name: str) -> bool:
    """A key may be given inline or as a file (the same name ending in _FILE)."""
    if getattr(settings, name, ""):
        return True
    return name.endswith(KEY_SETTINGS) and bool(getattr(settings, f"{name}_FILE", ""))


@register(Tags.security, deploy=True)
def check_payment_credentials(app_configs, **kwargs) -> list[Error]:
    """Refuse an enabled real provider whose credentials are missing or broken."""
    errors = []
    for provider, names in PROVIDER_CREDENTIALS.items():
        if provider not in settings.GROUPBUY_PAYMENT_PROVIDERS:
            continue
        errors += [
            Error(
                f"The {provider} payment provider is enabled but {name} is not set.",
                hint="Set it in the environment (keys also as a file path in "
                f"{name}_FILE), or remove {provider} from "
                "GROUPBUY_PAYMENT_PROVIDERS. See docs/payments.md.",
                id="groupbuy.E006",
            )
            for name in names
            if not _is_set(name)
        ]
    apiv3_key = getattr(settings, "GROUPBUY_WECHATPAY_APIV3_KEY", "")
    is_wechat = "wechat" in settings.GROUPBUY_PAYMENT_PROVIDERS
    if is_wechat and apiv3_key and len(apiv3_key.encode()) != 32:
        errors.append(
            Error(
                "GROUPBUY_WECHATPAY_APIV3_KEY must be the 32-character APIv3 "
                "key set in WeChat Pay's merchant platform.",
                hint="See docs/payments.md.",
                id="groupbuy.E007",
            )
        )
    return errors


# Backends that keep texts and e-mails on this machine (files, the console,
# memory) instead of handing them to someone's phone or mailbox.
LOCAL_SMS_BACKENDS = {
    "groupbuy.notify.sms.FileOutboxSmsBackend",
    "groupbuy.notify.sms.ConsoleSmsBackend",
    "groupbuy.notify.sms.MemorySmsBackend",
}
LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
SILENCE = (
    " If another process sends the files on, add {id} to SILENCED_SYSTEM_CHECKS "
    "(comma separated, in the environment). "
)


@register(Tags.compatibility, deploy=True)
def check_message_delivery(app_configs, **kwargs) -> list[Warning]:
    """Warn when texts or e-mails would stay on this machine: sign-up and
    password-reset codes go by SMS, so nobody could sign up or reset."""
    if not is_production():
        return []
    warnings = []
    if settings.GROUPBUY_SMS_BACKEND in LOCAL_SMS_BACKENDS:
        warnings.append(
            Warning(
                "No SMS provider: texts, sign-up and password-reset codes among "
                "them, are only written on this machine, so nobody can sign up "
                "or reset a password.",
                hint="Set GROUPBUY_SMS_BACKEND to a GSM modem or an HTTP gateway "
                "(docs/deployment.md, Settings reference)."
                + SILENCE.format(id="groupbuy.W001")
                + DOCS,
                id="groupbuy.W001",
            )
        )
    if settings.EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
        warnings.append(
            Warning(
                "No mail server: e-mails (notifications, address confirmations) "
                "are only written on this machine.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend "
                "with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD."
                + SILENCE.format(id="groupbuy.W002")
                + DOCS,
                id="groupbuy.W002",
            )
        )
    return warnings


@register(Tags.security, deploy=True)
def check_contact_hash_key(app_configs, **kwargs) -> list[Warning]:
    """Warn while the contact hashes are keyed by SECRET_KEY.

    Invited numbers, shares to people not signed up yet, address books and
    staff invitations are stored only as hashes keyed by
    GROUPBUY_CONTACT_HASH_KEY, and matched by recomputing them. Left empty it
    is SECRET_KEY, so rotating SECRET_KEY silently stops every match. Not an
    error: a running site must keep starting after an upgrade, and the fix is
    to pin the key its hashes were made with, which a new random value is not.
    """
    if not is_production() or settings.GROUPBUY_CONTACT_HASH_KEY:
        return []
    if settings.SECRET_KEY_FALLBACKS:
        return [
            Warning(
                "GROUPBUY_CONTACT_HASH_KEY is not set and SECRET_KEY was rotated: "
                "invitations, shares and address books hashed before the "
                "rotation no longer match anyone.",
                hint="Set GROUPBUY_CONTACT_HASH_KEY to the SECRET_KEY the site "
                "had when it started, usually the oldest of SECRET_KEY_FALLBACKS, "
                "and keep it for good. " + DOCS,
                id="groupbuy.W003",
            )
        ]
    return [
        Warning(
            "GROUPBUY_CONTACT_HASH_KEY is not set, so contact hashes are keyed by "
            "SECRET_KEY: rotating SECRET_KEY would orphan every pending "
            "invitation and address-book match.",
            hint="A running site: set GROUPBUY_CONTACT_HASH_KEY=<the current "
            "SECRET_KEY> (its hashes were made with it) and keep it. A new site: "
            "a long random value of its own. " + DOCS,
            id="groupbuy.W003",
        )
    ]
