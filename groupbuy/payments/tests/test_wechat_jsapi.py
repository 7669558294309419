"""Paying inside WeChat: the payer's openid comes from WeChat's OAuth (a fake
one here), once; then the pay page hands JSAPI parameters to WeChat's bridge."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.models import WechatOpenId
from groupbuy.payments.services import providers_for_device
from groupbuy.payments.tests.fake_alipay import POLL_S
from groupbuy.payments.tests.test_pay_page import WECHAT_UA, _intent, _url

pytestmark = pytest.mark.django_db
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


@pytest.fixture
def wechat_oauth(fake_wechat, settings):
    """WeChat's OAuth API on 127.0.0.1: the code `good` is worth OPENID."""
    exchanged: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            exchanged.append(query)
            good = (
                urlsplit(self.path).path == "/sns/oauth2/access_token"
                and query.get("secret") == "app-secret"
                and query.get("code") == "good"
            )
            answer = (
                {"access_token": "t", "expires_in": 7200, "openid": OPENID}
                if good
                else {"errcode": 40029, "errmsg": "invalid code"}
            )
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_S}, daemon=True
    ).start()
    settings.GROUPBUY_WECHAT_APP_SECRET = "app-secret"
    settings.GROUPBUY_WECHAT_API_URL = f"http://127.0.0.1:{server.server_port}"
    yield exchanged
    server.shutdown()
    server.server_close()


def _state_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["state"][0]


def test_inside_wechat_the_payer_signs_in_once_then_pays_by_jsapi(
    client, wechat_oauth, fake_wechat
):
    # given WeChat Pay is offered inside WeChat once the AppSecret is set
    assert "wechat" in providers_for_device("wechat")
    payer = make_user()
    intent = _intent(payer)
    client.force_login(payer)
    # when the payer taps "Pay with WeChat" inside WeChat the first time
    first = client.post(
        _url(intent), {"provider": "wechat"}, headers={"User-Agent": WECHAT_UA}
    )
    # then WeChat is asked who they are, silently, coming back to us
    assert first.status_code == 302
    location = first["Location"]
    assert location.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["scope"] == ["snsapi_base"]
    assert query["redirect_uri"] == [
        "https://shop.example.com/payments/wechat/openid/return/"
    ]
    # when WeChat comes back with a code
    back = client.get(
        "/payments/wechat/openid/return/",
        {"code": "good", "state": _state_of(location)},
    )
    assert (back.status_code, back["Location"]) == (302, _url(intent))
    assert WechatOpenId.objects.get(user=payer).openid == OPENID
    # and the payer taps Pay again: the page hands JSAPI parameters to WeChat
    page = client.post(
        _url(intent), {"provider": "wechat"}, headers={"User-Agent": WECHAT_UA}
    )
    html = page.content.decode()
    assert page.status_code == 200 and 'id="pay-jsapi"' in html
    assert fake_wechat.requests[-1][2]["payer"] == {"openid": OPENID}


def test_a_code_that_was_not_asked_for_here_links_nothing(client, wechat_oauth):
    # given Ann started a WeChat sign-in
    ann, bo = make_user(), make_user()
    client.force_login(ann)
    started = client.post(
        _url(_intent(ann)), {"provider": "wechat"}, headers={"User-Agent": WECHAT_UA}
    )
    state = _state_of(started["Location"])
    # when Bo (another session) brings Ann's state and a good code
    client.force_login(bo)
    client.get("/payments/wechat/openid/return/", {"code": "good", "state": state})
    # when Ann comes back with a code WeChat refuses
    client.force_login(ann)
    client.post(
        _url(_intent(ann)), {"provider": "wechat"}, headers={"User-Agent": WECHAT_UA}
    )
    refused = client.get(
        "/payments/wechat/openid/return/", {"code": "bad", "state": "nonsense"}
    )
    # then nobody's openid is stored, and nobody's code was even exchanged
    assert refused.status_code == 302
    assert not WechatOpenId.objects.exists()
    assert wechat_oauth == []


def test_without_the_app_secret_wechat_pay_is_not_offered_inside_wechat(
    client, fake_wechat, settings
):
    settings.GROUPBUY_WECHAT_APP_SECRET = ""
    assert "wechat" not in providers_for_device("wechat")
    payer = make_user()
    client.force_login(payer)
    answer = client.post(
        _url(_intent(payer)), {"provider": "wechat"}, headers={"User-Agent": WECHAT_UA}
    )
    assert answer.status_code == 400
    assert not WechatOpenId.objects.exists()
