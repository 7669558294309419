"""A partner's client, written from the OpenAPI document alone, walks the
shopper's main journey against a real `groupbuy serve`.

Each call finds its operation in ``/api/openapi.json``, sends what the
document describes and checks the answer against the document: its status is
one the operation lists, its body matches that status's schema, and every
state it switches on is among the values the document lists. Nothing here
reads groupbuy's code for what to send (the seeding only sets up a shop).
"""

import re
import time
import uuid

import httpx
import jsonschema_rs
import pytest

from tests.support.servers import Deployment, free_port

pytestmark = pytest.mark.slow

SHOPPER_PHONE = "13900000701"
FRIEND_PHONE = "+8613900000702"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    deployment = Deployment(tmp_path_factory.mktemp("client-journey"))
    deployment.migrate()
    # The seeding (here and in the tests) runs in one Python process kept for
    # it, not a new `groupbuy shell` (~2 s of CPU) each time.
    deployment.keep_shell()
    deal = deployment.seed(
        "seed_open_deal(gtin='6901234567892', tiers=[(1, 900)], stock=20,"
        " title='Journey tea', list_price_fen=1200)"
    )
    base = deployment.serve(free_port())
    yield deployment, base, deal["deal"]
    deployment.stop()


class DocumentedClient:
    """Call operations as the document names them; check every answer by it."""

    # By server: the document (670 kB of JSON), fetched once for all the
    # clients of a test module, and each answer's validator, compiled once
    # (~3 ms with every component, for each of ~100 calls before).
    _documents: dict[str, dict] = {}
    _validators: dict[tuple[str, str, str, str], jsonschema_rs.Validator] = {}

    def __init__(self, base: str):
        self.base = base
        self.http = httpx.Client(
            base_url=base, timeout=30, headers={"Accept-Language": "en"}
        )
        if base not in self._documents:
            self._documents[base] = self.http.get("/api/openapi.json").json()
        self.document = self._documents[base]

    def sign_in(self, token: str) -> None:
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, template: str, *, path=None, **sent):
        operation = self.document["paths"][template][method.lower()]
        url = template.format(**(path or {}))
        response = self.http.request(method, url, **sent)
        responses = operation["responses"]
        status = str(response.status_code)
        declared = responses.get(status) or responses.get(f"{status[0]}XX")
        assert declared, f"{method} {template} answered {status}, not documented"
        schema = declared.get("content", {}).get("application/json", {}).get("schema")
        if schema is not None:
            self._validator(method, template, status, schema).validate(response.json())
        return response

    def _validator(self, method, template, status, schema):
        key = (self.base, method.lower(), template, status)
        if key not in self._validators:
            whole = {**schema, "components": self.document["components"]}
            self._validators[key] = jsonschema_rs.Draft202012Validator(whole)
        return self._validators[key]

    def values_of(self, schema_name: str, field: str) -> list:
        return self.document["components"]["schemas"][schema_name]["properties"][field][
            "enum"
        ]

    def wait_for(self, method, template, found, *, path=None, seconds=60, **sent):
        deadline = time.monotonic() + seconds
        while True:
            response = self.call(method, template, path=path, **sent)
            if found(response.json()) or time.monotonic() > deadline:
                return response
            time.sleep(0.5)


def test_a_client_from_the_document_signs_up_joins_pays_shares_and_is_told(server):
    deployment, base, _seeded_deal = server
    client = DocumentedClient(base)

    # sign up: a code is texted (shown in demo mode), the code makes the account
    sent = client.call(
        "POST",
        "/api/auth/signup",
        json={
            "phone": SHOPPER_PHONE,
            "password": "a long password for the journey",
            "display_name": "Mini",
            "preferred_language": "en",
        },
    )
    assert sent.status_code == 202
    code = re.search(r"\b\d{6}\b", sent.json()["demo_sms"]).group()
    made = client.call(
        "POST",
        "/api/auth/signup/verify",
        json={"verification_id": sent.json()["verification_id"], "code": code},
    )
    assert made.status_code == 201
    client.sign_in(made.json()["token"])
    me = client.call("GET", "/api/me").json()
    assert me["preferred_language"] in client.values_of("UserOut", "preferred_language")

    # browse: the open group buys, a page at a time; one in full
    listed = client.call("GET", "/api/deals", params={"page_size": 10}).json()
    deal = next(item for item in listed["items"] if item["title"] == "Journey tea")
    assert deal["shown_state"] in client.values_of("DealOut", "shown_state")
    detail = client.call(
        "GET", "/api/deals/{deal_id}", path={"deal_id": deal["id"]}
    ).json()

    # a body the document types as an integer takes no quoted number
    refused = client.call(
        "POST",
        "/api/deals/{deal_id}/join",
        path={"deal_id": deal["id"]},
        json={"quantity": "1"},
    )
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"quantity": ["Give a number, without quotes."]}

    # join, collecting at a branch the deal offers, and pay in the sandbox
    joined = client.call(
        "POST",
        "/api/deals/{deal_id}/join",
        path={"deal_id": deal["id"]},
        json={"quantity": 1, "pickup_branch_id": detail["pickup_branches"][0]["id"]},
    )
    assert joined.status_code == 201
    order, payment = joined.json()["order"], joined.json()["payment"]
    paying = client.call(
        "POST",
        "/api/escrow/intents/{intent_id}/sandbox-pay",
        path={"intent_id": payment["intent_id"]},
        json={"outcome": "succeeded"},
    )
    assert paying.status_code == 202

    # the order: paid once the provider's callback arrives
    paid = client.wait_for(
        "GET",
        "/api/deals/orders/{order_id}",
        lambda body: body["status"] == "paid",
        path={"order_id": order["id"]},
    ).json()
    assert paid["status"] in client.values_of("OrderOut", "status")
    assert paid["status"] == "paid", paid
    mine = client.call("GET", "/api/deals/orders").json()
    assert [item["id"] for item in mine["items"]] == [order["id"]]

    # share the group buy with a friend's number; the thread lists it
    shared = client.call(
        "POST",
        "/api/sharing/shares",
        json={
            "deal_id": deal["id"],
            "recipients": [FRIEND_PHONE],
            "comment": "Join me",
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert shared.status_code == 201
    threads = client.call("GET", "/api/sharing/threads", params={"box": "sent"}).json()
    assert [thread["id"] for thread in threads["items"]] == [shared.json()["id"]]
    thread = client.call(
        "GET", "/api/sharing/threads/{share_id}", path={"share_id": shared.json()["id"]}
    ).json()
    assert thread["card"]["deal_id"] == deal["id"]

    # the deal ends with its tier reached: the coupon to show at the till
    deployment.seed(f"deal_deadline_in(deal={deal['id']!r}, seconds=1)")
    coupons = client.wait_for(
        "GET", "/api/coupons/mine", lambda body: body["items"], seconds=90
    ).json()
    assert [coupon["status"] for coupon in coupons["items"]] == ["valid"]
    # (its ``code`` is null until the shop sets up its till, as documented)
    coupon = client.call(
        "GET",
        "/api/coupons/{coupon_id}",
        path={"coupon_id": coupons["items"][0]["coupon_id"]},
    ).json()
    assert coupon["quantity"] == 1

    # and the inbox says so, paged as every list
    inbox = client.call("GET", "/api/notify/notifications").json()
    assert inbox["total"] >= 1
    assert {"items", "page", "page_size", "total", "pages"} <= set(inbox)


def test_every_refusal_a_client_meets_is_documented_and_shaped_as_error(server):
    _deployment, base, deal_id = server
    client = DocumentedClient(base)
    # not signed in, an unknown object, a bad value, a malformed body
    client.call("POST", "/api/deals/{deal_id}/join", path={"deal_id": deal_id})
    client.call("GET", "/api/deals/{deal_id}", path={"deal_id": "deal_nothing"})
    client.call("GET", "/api/deals", params={"page_size": "many"})
    client.call(
        "POST", "/api/auth/token", content=b"{", headers={"Content-Type": "text/json"}
    )
    answered = client.call(
        "POST", "/api/auth/token", json={"phone": "1\x1b[2J3", "password": "x"}
    )
    assert answered.status_code in (400, 401, 422)
    assert "\x1b" not in answered.text


def _moment(seconds_from_now: float) -> str:
    """A time as the document's date-time: ISO 8601, UTC."""
    return time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds_from_now)
    )


def _signed_up(client: DocumentedClient, phone: str) -> None:
    sent = client.call(
        "POST",
        "/api/auth/signup",
        json={"phone": phone, "password": "a long password to pool with"},
    ).json()
    code = re.search(r"\b\d{6}\b", sent["demo_sms"]).group()
    made = client.call(
        "POST",
        "/api/auth/signup/verify",
        json={"verification_id": sent["verification_id"], "code": code},
    )
    client.sign_in(made.json()["token"])


def test_two_clients_pool_their_carts_and_answer_the_suggestion(server):
    deployment, base, deal_id = server
    # given the shop's owner, signed in as the document says, publishes a
    # spend-and-save promotion at the shop of the seeded deal
    deployment.run_python(
        "from groupbuy.accounts.models import User\n"
        "owner = User.objects.get(phone='+8613700000008')\n"
        "owner.set_password('the owner password 1')\n"
        "owner.save()\n"
    )
    owner = DocumentedClient(base)
    token = owner.call(
        "POST",
        "/api/auth/token",
        json={"phone": "13700000008", "password": "the owner password 1"},
    ).json()["token"]
    owner.sign_in(token)
    deal = owner.call("GET", "/api/deals/{deal_id}", path={"deal_id": deal_id}).json()
    branch_id = deal["pickup_branches"][0]["id"]
    promotion = owner.call(
        "POST",
        "/api/pooling/promotions",
        json={
            "merchant_id": deal["merchant"]["id"],
            "title": "Spend 200, save 20",
            "kind": "threshold",
            "tiers": [[20000, 2000]],
            "starts_at": _moment(0),
            "ends_at": _moment(86400),
        },
    )
    assert promotion.status_code == 201
    # when two shoppers each ask to pool a cart the promotion needs together
    shoppers = [DocumentedClient(base), DocumentedClient(base)]
    for client, phone, amount_fen in zip(
        shoppers, ("13900000711", "13900000712"), (17000, 3000), strict=True
    ):
        _signed_up(client, phone)
        asked = client.call(
            "POST",
            "/api/pooling/requests",
            json={
                "promotion_id": promotion.json()["id"],
                "branch_id": branch_id,
                "amount_fen": amount_fen,
                "deadline_at": _moment(3 * 3600),
            },
        )
        assert asked.status_code == 201
        assert asked.json()["state"] in shoppers[0].values_of("RequestOut", "state")
    # then each is suggested the pool, and once both accept it is confirmed
    for client in shoppers:
        pools = client.wait_for(
            "GET", "/api/pooling/pools", lambda body: body["items"], seconds=90
        ).json()
        assert len(pools["items"]) == 1
        answered = client.call(
            "POST",
            "/api/pooling/pools/{pool_id}/answer",
            path={"pool_id": pools["items"][0]["id"]},
            json={"accept": True},
        ).json()
    assert answered["state"] == "confirmed"
    assert answered["state"] in shoppers[0].values_of("PoolOut", "state")
