import pytest

from groupbuy.escrow.providers import alipay
from groupbuy.escrow.tests.conftest import capture_calls  # noqa: F401
from groupbuy.payments.tests.fake_alipay import APP_ID, FakeAlipay, KeyPair


@pytest.fixture(scope="session")
def alipay_keys():
    return {"app": KeyPair.generate(), "alipay": KeyPair.generate()}


@pytest.fixture
def fake_alipay(settings, alipay_keys):
    """A running fake Alipay gateway and the settings that point at it."""
    gateway = FakeAlipay(
        app_keys=alipay_keys["app"], alipay_keys=alipay_keys["alipay"]
    ).start()
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["alipay", "sandbox"]
    settings.GROUPBUY_ALIPAY_APP_ID = APP_ID
    settings.GROUPBUY_ALIPAY_SELLER_ID = ""
    settings.GROUPBUY_ALIPAY_APP_PRIVATE_KEY = alipay_keys["app"].private_pem
    settings.GROUPBUY_ALIPAY_PUBLIC_KEY = alipay_keys["alipay"].public_pem
    settings.GROUPBUY_ALIPAY_GATEWAY = gateway.url
    settings.GROUPBUY_PUBLIC_URL = "https://shop.example.com"
    yield gateway
    gateway.stop()
    alipay._client_for.cache_clear()


@pytest.fixture(scope="session")
def wechat_keys():
    return {"merchant": KeyPair.generate(), "wechat": KeyPair.generate()}


@pytest.fixture
def fake_wechat(settings, wechat_keys):
    """A running fake WeChat Pay API v3 and the settings that point at it."""
    from groupbuy.escrow.providers import wechat
    from groupbuy.payments.tests import fake_wechat as fake

    gateway = fake.FakeWechatPay(
        merchant_keys=wechat_keys["merchant"], wechat_keys=wechat_keys["wechat"]
    ).start()
    settings.GROUPBUY_PAYMENT_PROVIDERS = ["wechat", "sandbox"]
    settings.GROUPBUY_WECHATPAY_MCHID = fake.MCHID
    settings.GROUPBUY_WECHATPAY_APPID = fake.APPID
    settings.GROUPBUY_WECHATPAY_CERT_SERIAL_NO = fake.SERIAL
    settings.GROUPBUY_WECHATPAY_APIV3_KEY = fake.APIV3_KEY
    settings.GROUPBUY_WECHATPAY_PRIVATE_KEY = wechat_keys["merchant"].private_pem
    settings.GROUPBUY_WECHATPAY_PUBLIC_KEY = wechat_keys["wechat"].public_pem
    settings.GROUPBUY_WECHATPAY_PUBLIC_KEY_ID = fake.PUBLIC_KEY_ID
    settings.GROUPBUY_WECHATPAY_GATEWAY = gateway.url
    settings.GROUPBUY_PUBLIC_URL = "https://shop.example.com"
    yield gateway
    gateway.stop()
    wechat._client_for.cache_clear()
