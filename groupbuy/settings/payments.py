"""Money: payment windows, refunds, the platform fee, the providers' credentials."""

import os

from groupbuy.settings.environment import (
    DEBUG,
    GROUPBUY_DEMO_MODE,
    env_bool,
    env_list,
    secret,
)

# Which providers take payments (groupbuy.escrow.providers). The sandbox moves no
# real money: it is on in DEBUG and demo mode, and refused in production unless
# GROUPBUY_PAYMENTS_TEST_MODE is set, which puts a "test payments" banner on
# every page.
GROUPBUY_PAYMENTS_TEST_MODE = env_bool("GROUPBUY_PAYMENTS_TEST_MODE")
GROUPBUY_PAYMENT_PROVIDERS = env_list(
    "GROUPBUY_PAYMENT_PROVIDERS",
    "sandbox" if DEBUG or GROUPBUY_DEMO_MODE or GROUPBUY_PAYMENTS_TEST_MODE else "",
)

# Unpaid orders release their stock after this many minutes.
GROUPBUY_PAYMENT_WINDOW_MINUTES = int(
    os.environ.get("GROUPBUY_PAYMENT_WINDOW_MINUTES", "15")
)
# An order whose payment was submitted waits this long for the provider's answer
# before the expiry job or the deal's close gives up on it.
GROUPBUY_PAYMENT_SUBMITTED_GRACE_MINUTES = int(
    os.environ.get("GROUPBUY_PAYMENT_SUBMITTED_GRACE_MINUTES", "10")
)
# Reconciliation asks the provider about a submitted payment once its callback
# is this late.
GROUPBUY_RECONCILE_AFTER_SECONDS = int(
    os.environ.get("GROUPBUY_RECONCILE_AFTER_SECONDS", "60")
)
# A refund the provider did not confirm is retried after 30 s, 60 s, … (capped).
GROUPBUY_REFUND_RETRY_BASE_SECONDS = 30
GROUPBUY_REFUND_RETRY_MAX_SECONDS = 3_600
# Orders settled per transaction when a deal settles.
GROUPBUY_SETTLE_BATCH_SIZE = int(os.environ.get("GROUPBUY_SETTLE_BATCH_SIZE", "200"))
# Platform fee taken from a successful deal, in basis points (100 = 1%).
GROUPBUY_PLATFORM_FEE_BPS = int(os.environ.get("GROUPBUY_PLATFORM_FEE_BPS", "300"))
# Shared secret of the built-in sandbox payment provider's signed callbacks.
GROUPBUY_SANDBOX_PAYMENT_SECRET = secret("GROUPBUY_SANDBOX_PAYMENT_SECRET")
# When set (e.g. the public …/api/escrow/callbacks/sandbox), the sandbox gateway
# sends its signed callbacks as real HTTP POSTs; otherwise the same signed bytes go
# straight to the handler in the worker, so the embedded server works on any port.
GROUPBUY_SANDBOX_CALLBACK_URL = os.environ.get("GROUPBUY_SANDBOX_CALLBACK_URL", "")

# --- Real payment providers (docs/payments.md) -----------------------------------
# Each key is given inline (PEM or Alipay's bare base64) or as a file path in the
# variable of the same name ending in _FILE. None has a built-in value; the checks
# refuse to serve a provider that is enabled without its credentials.
GROUPBUY_ALIPAY_APP_ID = os.environ.get("GROUPBUY_ALIPAY_APP_ID", "")
GROUPBUY_ALIPAY_SELLER_ID = os.environ.get("GROUPBUY_ALIPAY_SELLER_ID", "")
GROUPBUY_ALIPAY_APP_PRIVATE_KEY = os.environ.get("GROUPBUY_ALIPAY_APP_PRIVATE_KEY", "")
GROUPBUY_ALIPAY_APP_PRIVATE_KEY_FILE = os.environ.get(
    "GROUPBUY_ALIPAY_APP_PRIVATE_KEY_FILE", ""
)
GROUPBUY_ALIPAY_PUBLIC_KEY = os.environ.get("GROUPBUY_ALIPAY_PUBLIC_KEY", "")
GROUPBUY_ALIPAY_PUBLIC_KEY_FILE = os.environ.get("GROUPBUY_ALIPAY_PUBLIC_KEY_FILE", "")
# Alipay's own sandbox: https://openapi-sandbox.dl.alipaydev.com/gateway.do
GROUPBUY_ALIPAY_GATEWAY = os.environ.get(
    "GROUPBUY_ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do"
)
# Default: GROUPBUY_PUBLIC_URL + /payments/notify/alipay/
GROUPBUY_ALIPAY_NOTIFY_URL = os.environ.get("GROUPBUY_ALIPAY_NOTIFY_URL", "")
GROUPBUY_WECHATPAY_MCHID = os.environ.get("GROUPBUY_WECHATPAY_MCHID", "")
GROUPBUY_WECHATPAY_APPID = os.environ.get("GROUPBUY_WECHATPAY_APPID", "")
GROUPBUY_WECHATPAY_APIV3_KEY = os.environ.get("GROUPBUY_WECHATPAY_APIV3_KEY", "")
GROUPBUY_WECHATPAY_CERT_SERIAL_NO = os.environ.get(
    "GROUPBUY_WECHATPAY_CERT_SERIAL_NO", ""
)
GROUPBUY_WECHATPAY_PRIVATE_KEY = os.environ.get("GROUPBUY_WECHATPAY_PRIVATE_KEY", "")
GROUPBUY_WECHATPAY_PRIVATE_KEY_FILE = os.environ.get(
    "GROUPBUY_WECHATPAY_PRIVATE_KEY_FILE", ""
)
# WeChat Pay's public key (微信支付公钥) and its id, which signs notifications
# and answers (the platform-certificate mode is not used).
GROUPBUY_WECHATPAY_PUBLIC_KEY = os.environ.get("GROUPBUY_WECHATPAY_PUBLIC_KEY", "")
GROUPBUY_WECHATPAY_PUBLIC_KEY_FILE = os.environ.get(
    "GROUPBUY_WECHATPAY_PUBLIC_KEY_FILE", ""
)
GROUPBUY_WECHATPAY_PUBLIC_KEY_ID = os.environ.get(
    "GROUPBUY_WECHATPAY_PUBLIC_KEY_ID", ""
)
GROUPBUY_WECHATPAY_GATEWAY = os.environ.get(
    "GROUPBUY_WECHATPAY_GATEWAY", "https://api.mch.weixin.qq.com"
)
# Default: GROUPBUY_PUBLIC_URL + /payments/notify/wechat/
GROUPBUY_WECHATPAY_NOTIFY_URL = os.environ.get("GROUPBUY_WECHATPAY_NOTIFY_URL", "")
# Merchant payouts by WeChat's 商家转账: the transfer scene registered for them.
GROUPBUY_WECHATPAY_TRANSFER_SCENE_ID = os.environ.get(
    "GROUPBUY_WECHATPAY_TRANSFER_SCENE_ID", "1005"
)
# JSAPI inside WeChat needs the payer's openid, from the Official Account's
# OAuth (snsapi_base): its AppSecret, and where WeChat's OAuth lives.
GROUPBUY_WECHAT_APP_SECRET = os.environ.get("GROUPBUY_WECHAT_APP_SECRET", "")
GROUPBUY_WECHAT_OAUTH_AUTHORIZE_URL = os.environ.get(
    "GROUPBUY_WECHAT_OAUTH_AUTHORIZE_URL",
    "https://open.weixin.qq.com/connect/oauth2/authorize",
)
GROUPBUY_WECHAT_API_URL = os.environ.get(
    "GROUPBUY_WECHAT_API_URL", "https://api.weixin.qq.com"
)
# Delay every sandbox callback by this many seconds (to try out late callbacks).
GROUPBUY_SANDBOX_CALLBACK_DELAY_SECONDS = float(
    os.environ.get("GROUPBUY_SANDBOX_CALLBACK_DELAY_SECONDS", "0")
)
