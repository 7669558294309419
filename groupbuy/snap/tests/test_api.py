"""POST /api/snap and the operator endpoints, through Django's test client."""

from __future__ import annotations

import logging
from datetime import timedelta

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client

from groupbuy.catalog.models import Branch, Merchant
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_category,
    make_listing,
    make_merchant,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.notify.models import Notification
from groupbuy.snap.models import DemandRequest, DemandSignal, Snap
from groupbuy.snap.recognition.calibration import CalibrationTable
from groupbuy.snap.services import demand_record
from groupbuy.snap.tests import imaging
from groupbuy.snap.tests.helpers import (
    barcode_jpeg,
    blank_jpeg,
    make_open_deal,
    stored_snap_files,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_recogniser")]

MB = 1024 * 1024


def post_photo(client: Client, data: bytes, name="photo.jpg", content_type=None):
    upload = SimpleUploadedFile(name, data, content_type or "image/jpeg")
    return client.post("/api/snap", {"photo": upload})


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Recognised -------------------------------------------------------------------


def test_a_barcode_photo_answers_the_product(media_root):
    # given
    product = make_product(name_en="Oolong tea", brand="Tieguanyin")
    # when
    response = post_photo(Client(), barcode_jpeg(product.gtin))
    # then
    assert response.status_code == 200
    answer = response.json()
    assert answer["recognised"] is True
    assert answer["status"] == "recognised"
    assert answer["product"]["id"] == product.public_id
    assert answer["product"]["gtin"] == product.gtin
    assert answer["method"] == "barcode"
    assert answer["confidence"] >= 0.95
    assert answer["alternatives"] == []
    assert answer["deals"] == []
    assert answer["demand"] == {
        "counted": False,
        "requesters": 0,
        "will_notify": False,
        "sign_in_to_be_notified": True,
    }
    snap = Snap.objects.get(public_id=answer["id"])
    assert (snap.user, snap.product, snap.method) == (None, product, "barcode")
    assert snap.photo.name.endswith(f"{snap.public_id}.jpg")
    assert len(stored_snap_files(media_root)) == 1


def test_a_barcode_photo_of_a_product_with_deals_answers_them(media_root):
    # given
    product = make_product(name_en="Oolong tea")
    later = make_open_deal(product, deadline_in=timedelta(days=3))
    sooner = make_open_deal(product, deadline_in=timedelta(days=1))
    make_open_deal(make_product())  # another product's deal is not shown
    shopper = make_user()
    # when
    response = post_photo(signed_in(shopper), barcode_jpeg(product.gtin))
    # then
    answer = response.json()
    assert answer["product"]["id"] == product.public_id
    assert [deal["id"] for deal in answer["deals"]] == [
        sooner.public_id,
        later.public_id,
    ]
    deal = answer["deals"][0]
    assert deal["deadline_ms"] == int(sooner.deadline_at.timestamp() * 1000)
    assert deal["url"] == f"http://testserver/deals/{sooner.public_id}/"
    assert deal["join_url"] == f"http://testserver/deals/{sooner.public_id}/join/"
    assert deal["pickup_branches"] == []  # one branch or none: nothing to choose
    assert (deal["list_price_fen"], deal["lowest_price_fen"]) == (12_900, 8_900)
    assert deal["tiers"] == [
        {"min_participants": 2, "price_fen": 9_900},
        {"min_participants": 4, "price_fen": 8_900},
    ]
    assert answer["hint"] == ""
    assert answer["demand"]["counted"] is False
    assert not DemandSignal.objects.exists()
    assert Snap.objects.get().had_open_deal is True


def test_an_anonymous_snap_is_not_counted_as_demand():
    # given
    product = make_product()
    # when
    post_photo(Client(), barcode_jpeg(product.gtin))
    # then
    assert not DemandSignal.objects.exists()


def test_a_signed_in_snap_of_a_product_without_a_deal_counts_as_demand():
    # given
    product = make_product()
    shopper = make_user(preferred_language="en")
    demand_record(actor=make_user(), product=product)
    # when
    response = post_photo(signed_in(shopper), barcode_jpeg(product.gtin))
    # then
    answer = response.json()
    assert answer["demand"] == {
        "counted": True,
        "requesters": 2,
        "will_notify": True,
        "sign_in_to_be_notified": False,
    }
    assert "tell you when it launches" in answer["hint"]
    request = DemandRequest.objects.get(user=shopper)
    assert request.first_snap.public_id == answer["id"]
    assert DemandSignal.objects.get().count == 1


def test_a_bearer_token_caller_is_the_snaps_owner():
    # given
    product = make_product()
    shopper = make_user(password="a long password 1")
    token = Client().post(
        "/api/auth/token",
        {"phone": shopper.phone, "password": "a long password 1"},
        content_type="application/json",
    )
    assert token.status_code == 200, token.content
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    # when
    response = post_photo(client, barcode_jpeg(product.gtin))
    # then
    assert response.status_code == 200
    assert Snap.objects.get().user == shopper
    assert DemandRequest.objects.get().user == shopper


def test_a_barcode_not_in_the_catalog_is_reported_and_queued():
    # given
    from groupbuy.catalog.tests.factories import make_gtin13

    unknown = make_gtin13()
    # when
    response = post_photo(Client(), barcode_jpeg(unknown))
    # then
    answer = response.json()
    assert response.status_code == 200
    assert answer["recognised"] is False
    assert answer["unknown_barcodes"] == ["0" + unknown]
    assert unknown in answer["hint"]
    assert Snap.objects.get().status == Snap.Status.NOT_RECOGNISED


def test_a_barcode_not_in_the_catalog_offers_to_ask_for_the_product():
    # given: the snap names no product, so it counts as asking for nothing
    from groupbuy.catalog.tests.factories import make_gtin13

    unknown = make_gtin13()
    client = signed_in(make_user(preferred_language="en"))
    # when
    answer = post_photo(client, barcode_jpeg(unknown)).json()
    # then
    assert answer["ask_for_product_url"] == (
        f"http://testserver/demands/new/?barcode={unknown}"
    )
    assert "does not count as asking" in answer["hint"]
    assert "Ask for this product" in answer["hint"]
    assert not DemandSignal.objects.exists()
    # and the link opens the request form filled with the barcode
    form = client.get(answer["ask_for_product_url"]).content.decode()
    assert f'value="Product with barcode {unknown}"' in form
    assert f"Barcode: {unknown}" in form


def test_a_known_barcode_offers_no_request_link(media_root):
    # given
    product = make_product()
    # when
    answer = post_photo(Client(), barcode_jpeg(product.gtin)).json()
    # then
    assert answer["recognised"] is True
    assert answer["ask_for_product_url"] == ""


# --- Not recognised ---------------------------------------------------------------


def test_a_photo_of_nothing_answers_200_with_a_hint(media_root):
    # given
    make_product()
    # when
    response = post_photo(signed_in(make_user(preferred_language="en")), blank_jpeg())
    # then
    assert response.status_code == 200
    answer = response.json()
    assert answer["recognised"] is False
    assert answer["status"] == "not_recognised"
    assert answer["product"] is None
    assert answer["deals"] == []
    assert "Move closer" in answer["hint"]
    assert "barcode" in answer["hint"]
    assert Snap.objects.get().status == Snap.Status.NOT_RECOGNISED
    assert len(stored_snap_files(media_root)) == 1
    assert not DemandSignal.objects.exists()


# --- Refused ------------------------------------------------------------------------


def _truncated_jpeg() -> bytes:
    data = barcode_jpeg(make_product().gtin)
    return data[: len(data) // 3]


BAD_UPLOADS = {
    "not an image": (
        lambda: b"%PDF-1.7 not a photo at all" * 40,
        415,
        "unsupported_format",
    ),
    "truncated": (_truncated_jpeg, 422, "damaged"),
    "50 megapixel bomb": (lambda: imaging.png_bomb(8000, 6250), 413, "too_many_pixels"),
    "animated gif": (lambda: imaging.animated("GIF"), 415, "animated"),
    "animated webp": (lambda: imaging.animated("WEBP"), 415, "animated"),
    "empty": (lambda: b"", 422, "empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_uploads_are_refused_and_store_nothing(case, media_root):
    # given
    make_data, status, code = BAD_UPLOADS[case]
    data = make_data()
    client = signed_in(make_user())
    # when
    response = post_photo(client, data)
    # then
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["message"]
    assert not Snap.objects.exists()
    assert stored_snap_files(media_root) == []


def test_a_30_megabyte_upload_is_refused_before_it_is_parsed(media_root, monkeypatch):
    # given a body no parser may read (it was timed: under 1 s, which building
    # the 30 MB request in the test client itself missed on a loaded machine)
    def parsed(self):
        raise AssertionError("the oversized body was parsed")

    monkeypatch.setattr(MultiPartParser, "parse", parsed)
    data = b"\xff\xd8\xff" + bytes(30 * MB)
    # when
    response = post_photo(Client(), data)
    # then
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "10 MB" in response.json()["message"]
    assert not Snap.objects.exists()


def test_an_upload_just_over_the_limit_is_refused_by_its_size(settings, media_root):
    # given: small enough to pass the Content-Length guard, too big for intake
    settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES = 4000
    data = barcode_jpeg(make_product().gtin)
    assert len(data) > 4000
    # when
    response = post_photo(Client(), data)
    # then
    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    assert not Snap.objects.exists()


def test_a_request_without_a_photo_is_refused():
    # when
    response = Client().post("/api/snap", {"picture": "nope"})
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "missing_photo"
    assert list(response.json()["fields"]) == ["photo"]
    assert not Snap.objects.exists()


# --- Reading snaps back -----------------------------------------------------------


def test_the_owner_reads_their_snap_and_others_get_404():
    # given
    product = make_product()
    owner = make_user()
    snap_id = post_photo(signed_in(owner), barcode_jpeg(product.gtin)).json()["id"]
    # when
    mine = signed_in(owner).get(f"/api/snap/{snap_id}")
    theirs = signed_in(make_user()).get(f"/api/snap/{snap_id}")
    operator = signed_in(make_operator()).get(f"/api/snap/{snap_id}")
    anonymous = Client().get(f"/api/snap/{snap_id}")
    # then
    assert mine.status_code == 200
    assert mine.json()["product"]["id"] == product.public_id
    assert theirs.status_code == 404
    assert operator.status_code == 200
    assert anonymous.status_code == 401


def test_my_snaps_are_listed_newest_first():
    # given
    owner = make_user()
    first = post_photo(signed_in(owner), blank_jpeg()).json()["id"]
    second = post_photo(signed_in(owner), blank_jpeg()).json()["id"]
    post_photo(signed_in(make_user()), blank_jpeg())
    # when
    response = signed_in(owner).get("/api/snap?page_size=1")
    # then
    body = response.json()
    assert [item["id"] for item in body["items"]] == [second]
    assert (body["total"], body["pages"]) == (2, 2)
    assert first != second


def test_the_owner_deletes_the_photo_and_keeps_the_record(
    media_root, django_capture_on_commit_callbacks
):
    # given
    owner = make_user()
    snap_id = post_photo(signed_in(owner), blank_jpeg()).json()["id"]
    # when
    stranger = signed_in(make_user()).delete(f"/api/snap/{snap_id}/photo")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(owner).delete(f"/api/snap/{snap_id}/photo")
    # then
    assert stranger.status_code == 404
    assert response.status_code == 204
    snap = Snap.objects.get(public_id=snap_id)
    assert snap.photo.name == ""
    assert snap.photo_deleted_at is not None
    assert stored_snap_files(media_root) == []


# --- Operators ------------------------------------------------------------------------


def test_the_demand_ranking_is_for_operators_and_ranks_by_requesters(settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 1
    popular, quiet = make_product(), make_product(category=make_category())
    for _ in range(3):
        demand_record(actor=make_user(), product=popular)
    demand_record(actor=make_user(), product=quiet)
    # when
    shopper = signed_in(make_user()).get("/api/snap/demand")
    response = signed_in(make_operator()).get("/api/snap/demand")
    # then
    assert shopper.status_code == 403
    body = response.json()
    assert [row["product"]["id"] for row in body["items"]] == [
        popular.public_id,
        quiet.public_id,
    ]
    top = body["items"][0]
    assert (top["count"], top["requesters"], top["threshold"]) == (2, 3, 1)
    assert top["over_threshold"] is True
    assert len(top["daily"]) == 14
    assert top["daily"][-1]["requesters"] == 3
    assert sum(day["requesters"] for day in top["daily"]) == 3
    assert body["items"][1]["over_threshold"] is False
    assert top["launch_url"].endswith(f"{popular.public_id}/")


def test_the_unrecognised_queue_lists_photos_and_text_for_operators():
    # given
    snap_id = post_photo(signed_in(make_user()), blank_jpeg()).json()["id"]
    post_photo(Client(), barcode_jpeg(make_product().gtin))
    # when
    shopper = signed_in(make_user()).get("/api/snap/queue")
    response = signed_in(make_operator()).get("/api/snap/queue")
    # then
    assert shopper.status_code == 403
    items = response.json()["items"]
    assert [item["id"] for item in items] == [snap_id]
    assert items[0]["photo_url"].startswith("http://testserver/private-media/snaps/")
    assert items[0]["signed_in"] is True


def test_labelling_needs_an_operator_and_a_choice():
    # given
    snap_id = post_photo(Client(), blank_jpeg()).json()["id"]
    product = make_product()
    operator = signed_in(make_operator())
    # when
    shopper = signed_in(make_user()).post(
        f"/api/snap/{snap_id}/label",
        {"product": product.public_id},
        content_type="application/json",
    )
    empty = operator.post(
        f"/api/snap/{snap_id}/label", {}, content_type="application/json"
    )
    # then
    assert shopper.status_code == 403
    assert empty.status_code == 422
    assert Snap.objects.get().status == Snap.Status.NOT_RECOGNISED
    assert not Notification.objects.exists()


def test_labelling_with_a_new_product_creates_it_with_the_photo_as_reference():
    # given
    category = make_category()
    snap_id = post_photo(signed_in(make_user()), blank_jpeg()).json()["id"]
    # when
    response = signed_in(make_operator()).post(
        f"/api/snap/{snap_id}/label",
        {
            "new_product": {
                "name_zh": "竹编篮",
                "name_en": "Bamboo basket",
                "category": category.public_id,
            }
        },
        content_type="application/json",
    )
    # then
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == "labelled"
    assert answer["product"]["name_en"] == "Bamboo basket"
    assert answer["product"]["category"]["id"] == category.public_id
    snap = Snap.objects.get(public_id=snap_id)
    assert snap.reference_image.is_reference is True
    assert snap.reference_image.product == snap.product
    # the person who snapped it now counts as asking for it
    assert DemandSignal.objects.get().product == snap.product


def test_launch_prefill_carries_the_demand():
    # given
    product = make_product()
    demand_record(actor=make_user(), product=product)
    demand_record(actor=make_user(), product=product)
    # when
    response = signed_in(make_operator(preferred_language="en")).get(
        f"/api/snap/demand/{product.public_id}/launch"
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["product"]["id"] == product.public_id
    assert body["demand"]["requesters"] == 2
    assert body["suggested_min_participants"] == 2
    assert body["title"] == f"Group buy: {product.name_en}"


def test_launch_prefill_offers_only_the_shops_the_launch_form_offers():
    # given a cheap shop whose only branch is closed, one with no branch at
    # all, and two that list the product and have an open branch
    product = make_product()
    closed = make_listing(product=product, price_fen=3000, merchant=make_merchant())
    Branch.objects.create(
        merchant=closed.merchant, name="Closed", address="x", is_active=False
    )
    branchless = make_listing(product=product, price_fen=3500, merchant=make_merchant())
    dear = make_listing(product=product, price_fen=5000, merchant=make_merchant())
    cheap = make_listing(product=product, price_fen=4800, merchant=make_merchant())
    for listing in (dear, cheap):
        make_branch(merchant=listing.merchant)
    # when an operator asks for the launch prefill
    response = signed_in(make_operator()).get(
        f"/api/snap/demand/{product.public_id}/launch"
    )
    # then it lists the two shops deal_open accepts, cheapest first, and the
    # everyday price is the cheapest of theirs, not the branchless shops'
    assert response.status_code == 200
    body = response.json()
    assert body["listings"] == [
        {
            "merchant_id": cheap.merchant.public_id,
            "merchant_name": cheap.merchant.name,
            "price_fen": 4800,
        },
        {
            "merchant_id": dear.merchant.public_id,
            "merchant_name": dear.merchant.name,
            "price_fen": 5000,
        },
    ]
    assert body["everyday_price_fen"] == 4800
    assert closed.merchant.public_id not in response.content.decode()
    assert branchless.merchant.public_id not in response.content.decode()


def test_launch_prefill_names_the_shops_in_the_operators_language():
    # given a shop with a Chinese and an English name that can sell the product
    product = make_product()
    shop = make_merchant(name="鲜果铺", name_en="Fresh Fruit Shop")
    make_listing(product=product, merchant=shop)
    make_branch(merchant=shop)
    # when an English-reading and a Chinese-reading operator ask
    names = {
        language: signed_in(make_operator(preferred_language=language))
        .get(f"/api/snap/demand/{product.public_id}/launch")
        .json()["listings"][0]["merchant_name"]
        for language in ("en", "zh-hans")
    }
    # then each reads the name in their language
    assert names == {"en": "Fresh Fruit Shop", "zh-hans": "鲜果铺"}


def test_launch_prefill_with_no_shop_able_to_sell_lists_none():
    # given only a listing at a shop with no branch
    product = make_product()
    make_listing(product=product, merchant=make_merchant())
    # when
    response = signed_in(make_operator()).get(
        f"/api/snap/demand/{product.public_id}/launch"
    )
    # then
    body = response.json()
    assert (body["listings"], body["everyday_price_fen"]) == ([], None)


def test_too_many_snaps_in_a_minute_are_refused(settings, monkeypatch):
    # given one fixed-window minute for the whole test (a real clock could
    # cross a minute boundary between the snaps and reset the budget)
    from groupbuy.snap import throttle

    monkeypatch.setattr(throttle.time, "time", lambda: 1_800_000_000.0)
    settings.GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE = 2
    client = Client()
    # when
    statuses = [post_photo(client, blank_jpeg()).status_code for _ in range(3)]
    signed = post_photo(signed_in(make_user()), blank_jpeg())
    # then
    assert statuses == [200, 200, 429]
    assert signed.status_code == 200
    assert Snap.objects.count() == 3


def test_a_deal_of_a_shop_with_several_branches_names_them(media_root):
    product = make_product()
    merchant = Merchant.objects.create(name="Two Branch Mart")
    for name in ("West", "East"):
        Branch.objects.create(merchant=merchant, name=name, address="1 Rd")
    make_open_deal(product, merchant=merchant)

    answer = post_photo(signed_in(make_user()), barcode_jpeg(product.gtin)).json()

    branches = answer["deals"][0]["pickup_branches"]
    assert [branch["name"] for branch in branches] == ["East", "West"]
    assert all(branch["id"].startswith("br") for branch in branches)


def test_my_snaps_list_gives_the_confidence_the_snap_itself_gives(monkeypatch):
    # given a snap recognised by appearance at a raw score of 1.0, which the
    # calibration measured as 95.9% precise
    monkeypatch.setattr(
        "groupbuy.snap.resolve.shipped_calibration",
        lambda: {"appearance": CalibrationTable(scores=(0.0,), precisions=(0.959,))},
    )
    owner = make_user()
    product = make_product(name_en="Oolong tea", brand="Tieguanyin")
    candidate = {"kind": "product", "value": product.public_id, "confidence": 1.0}
    snap = Snap.objects.create(
        user=owner,
        status=Snap.Status.RECOGNISED,
        product=product,
        method="appearance",
        confidence=1.0,
        result={"candidates": [{**candidate, "method": "appearance", "detail": {}}]},
    )
    # when
    (listed,) = signed_in(owner).get("/api/snap").json()["items"]
    detail = signed_in(owner).get(f"/api/snap/{snap.public_id}").json()
    # then the list says what the snap's own answer (and its page) says
    assert (detail["confidence"], detail["confidence_percent"]) == (0.959, 96)
    assert listed["confidence"] == 0.959


def test_a_photo_of_one_pixel_is_not_recognised_and_logs_no_error(caplog):
    # given
    pixel = imaging.encode(np.full((1, 1, 3), 255, np.uint8), "PNG")
    # when
    with caplog.at_level(logging.WARNING):
        response = post_photo(Client(), pixel, "pixel.png", "image/png")
    # then it is not recognised, and no stage failed with a traceback
    assert response.status_code == 200
    assert response.json()["recognised"] is False
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
