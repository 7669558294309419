"""An enabled real provider without its credentials does not serve."""

from __future__ import annotations

from groupbuy.core import checks


def _errors() -> list[str]:
    return [
        f"{error.id} {error.msg}" for error in checks.check_payment_credentials(None)
    ]


def test_an_enabled_provider_needs_every_credential(settings):
    # given Alipay enabled with only its app id
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["alipay"]
    settings.GROUPBUY_ALIPAY_APP_ID = "2021000000000001"
    settings.GROUPBUY_ALIPAY_APP_PRIVATE_KEY = ""
    settings.GROUPBUY_ALIPAY_APP_PRIVATE_KEY_FILE = ""
    settings.GROUPBUY_ALIPAY_PUBLIC_KEY = ""
    settings.GROUPBUY_ALIPAY_PUBLIC_KEY_FILE = "/etc/groupbuy/alipay_public.pem"
    # then the missing key is named, the one given as a file is fine
    assert _errors() == [
        "groupbuy.E006 The alipay payment provider is enabled but "
        "GROUPBUY_ALIPAY_APP_PRIVATE_KEY is not set."
    ]


def test_a_disabled_provider_needs_nothing(settings):
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["sandbox"]
    settings.GROUPBUY_ALIPAY_APP_ID = ""
    settings.GROUPBUY_WECHATPAY_MCHID = ""
    assert _errors() == []


def test_the_wechat_apiv3_key_must_be_32_bytes(settings, fake_wechat):
    # given every credential set (the fake's), but a short APIv3 key
    settings.GROUPBUY_WECHATPAY_APIV3_KEY = "short"
    # then
    assert [error.split()[0] for error in _errors()] == ["groupbuy.E007"]
    settings.GROUPBUY_WECHATPAY_APIV3_KEY = "0" * 32
    assert _errors() == []
