"""System checks that keep an unsafe configuration from serving.

They run with ``manage.py check --deploy`` and before ``groupbuy serve`` and
``groupbuy worker`` start (``groupbuy.cli``), and only in production: DEBUG off
and not demo mode. Each problem is an error, so both stop with its message.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

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
