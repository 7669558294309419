"""Demand counts only what the shopper meant (issue 15, item 1).

A product answer whose calibrated confidence is under
GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION asks "Is it one of these?" and counts
nothing until the shopper picks one; "none of these" queues the photo.
"""

from __future__ import annotations

import pytest
from django.test import Client

from groupbuy.catalog.tests.factories import (
    make_merchant_member,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.snap import engine, resolve, selectors
from groupbuy.snap.models import DemandSignal, Snap
from groupbuy.snap.recognition.base import Candidate
from groupbuy.snap.recognition.calibration import CalibrationTable
from groupbuy.snap.resolve import calibrated_confidence
from groupbuy.snap.services import snap_submit
from groupbuy.snap.tests.helpers import FakeRecogniser, name_guess, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def recognised_as(monkeypatch):
    """Make the API and page recognise every photo as the given candidates."""

    def use(*candidates: Candidate) -> None:
        fake = FakeRecogniser(*candidates)
        monkeypatch.setattr(engine, "get_recogniser", lambda: fake)

    return use


# --- Calibration and the threshold -------------------------------------------------


def test_a_method_without_a_measured_table_has_no_precision(monkeypatch):
    # given a calibration that measured appearance only
    table = CalibrationTable((0.2, 0.6), (0.3, 0.995), samples=400)
    monkeypatch.setattr(resolve, "shipped_calibration", lambda: {"appearance": table})
    # then: a name match has no measured precision, whatever its score
    assert calibrated_confidence("name", 0.99) is None
    # an appearance match gets the precision measured at its score
    assert calibrated_confidence("appearance", 0.1) == 0.0
    assert calibrated_confidence("appearance", 0.5) == 0.3
    assert calibrated_confidence("appearance", 0.7) == 0.995
    # and an accepted barcode read keeps its own
    assert calibrated_confidence("barcode", 0.99) == 0.99


def test_an_unmeasured_method_asks_even_under_a_lax_threshold(settings):
    # given an operator who accepts 0.5, and a name match at 0.99
    settings.GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION = 0.5
    shopper, product = make_user(), make_product()
    # when
    outcome = snap_submit(
        actor=shopper,
        upload=upload(),
        recogniser=FakeRecogniser(name_guess(product, 0.99)),
    )
    # then it asks first
    assert outcome.snap.status == Snap.Status.UNCONFIRMED
    assert not DemandSignal.objects.exists()


def test_an_appearance_match_counts_once_its_measured_precision_is_enough(
    settings, monkeypatch
):
    # given a measured table: scores from 0.6 were right 99.5 % of the time
    table = CalibrationTable((0.2, 0.6), (0.3, 0.995), samples=400)
    monkeypatch.setattr(resolve, "shipped_calibration", lambda: {"appearance": table})
    settings.GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION = 0.99
    shopper, sure, unsure = make_user(), make_product(), make_product()

    def seen(product, score):
        return Candidate("product", product.public_id, score, "appearance", {})

    # when / then: at 0.7 it counts at once
    counted = snap_submit(
        actor=shopper, upload=upload(), recogniser=FakeRecogniser(seen(sure, 0.7))
    )
    assert counted.snap.status == Snap.Status.RECOGNISED
    # at 0.55 (measured precision 0.3) it asks first
    asked = snap_submit(
        actor=make_user(),
        upload=upload(),
        recogniser=FakeRecogniser(seen(unsure, 0.55)),
    )
    assert asked.snap.status == Snap.Status.UNCONFIRMED
    assert list(DemandSignal.objects.values_list("product", flat=True)) == [sure.pk]


def test_a_sure_answer_counts_at_once():
    # given
    shopper, product = make_user(), make_product()
    sure = Candidate("gtin", "0" + product.gtin, 0.99, "barcode", {})
    # when
    outcome = snap_submit(
        actor=shopper, upload=upload(), recogniser=FakeRecogniser(sure)
    )
    # then
    assert outcome.snap.status == Snap.Status.RECOGNISED
    assert outcome.demand is not None
    assert DemandSignal.objects.get().product == product


def test_an_unsure_answer_counts_nothing_until_the_shopper_confirms():
    # given: a name match at 0.8, once enough to count
    shopper, product, other = make_user(), make_product(), make_product()
    recogniser = FakeRecogniser(name_guess(product, 0.8), name_guess(other, 0.6))
    # when
    outcome = snap_submit(actor=shopper, upload=upload(), recogniser=recogniser)
    # then: it asks instead of counting
    assert outcome.snap.status == Snap.Status.UNCONFIRMED
    assert outcome.snap.product is None
    assert outcome.demand is None
    assert not DemandSignal.objects.exists()
    assert [m.product for m in outcome.resolution.alternatives] == [product, other]
    # and it is not in the labelling queue yet
    assert selectors.unrecognised_queue(user=make_operator()).total == 0


def test_the_threshold_is_a_setting(settings):
    # given a barcode only a retry read (0.97), and an operator who accepts 0.95
    shopper, product = make_user(), make_product()
    retried = Candidate("gtin", "0" + product.gtin, 0.97, "barcode", {})
    settings.GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION = 0.95
    # when
    outcome = snap_submit(
        actor=shopper, upload=upload(), recogniser=FakeRecogniser(retried)
    )
    # then
    assert outcome.snap.status == Snap.Status.RECOGNISED
    assert DemandSignal.objects.get().product == product
    # and at the default 0.99 the same read asks first
    settings.GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION = 0.99
    again = snap_submit(
        actor=make_user(), upload=upload(), recogniser=FakeRecogniser(retried)
    )
    assert again.snap.status == Snap.Status.UNCONFIRMED


# --- The API -------------------------------------------------------------------------


def test_api_unsure_answer_asks_and_confirming_counts(recognised_as):
    # given
    shopper, product, other = make_user(), make_product(), make_product()
    recognised_as(name_guess(product, 0.8), name_guess(other, 0.6))
    client = signed_in(shopper)
    # when
    answer = client.post("/api/snap", {"photo": upload()}).json()
    # then
    assert answer["recognised"] is False
    assert answer["needs_confirmation"] is True
    assert answer["status"] == "unconfirmed"
    assert answer["demand"]["counted"] is False
    assert [a["product"]["id"] for a in answer["alternatives"]] == [
        product.public_id,
        other.public_id,
    ]
    assert not DemandSignal.objects.exists()
    # when: the shopper picks the first suggestion
    response = client.post(
        f"/api/snap/{answer['id']}/confirm",
        {"product": product.public_id},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    confirmed = response.json()
    assert confirmed["recognised"] is True
    assert confirmed["needs_confirmation"] is False
    assert confirmed["product"]["id"] == product.public_id
    assert confirmed["demand"]["counted"] is True
    assert DemandSignal.objects.get().product == product


def test_api_none_of_these_queues_the_snap_and_counts_nothing(recognised_as):
    # given
    shopper, product = make_user(), make_product()
    recognised_as(name_guess(product, 0.8))
    client = signed_in(shopper)
    snap_id = client.post("/api/snap", {"photo": upload()}).json()["id"]
    # when
    response = client.post(
        f"/api/snap/{snap_id}/confirm",
        {"none_of_these": True},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "not_recognised"
    assert not DemandSignal.objects.exists()
    queue = selectors.unrecognised_queue(user=make_operator())
    assert [snap.public_id for snap in queue.items] == [snap_id]
    # and: a pick then "none" again takes back what the pick counted
    picked = client.post(
        f"/api/snap/{snap_id}/confirm",
        {"product": product.public_id},
        content_type="application/json",
    )
    assert picked.json()["demand"]["counted"] is True
    again = client.post(
        f"/api/snap/{snap_id}/confirm",
        {"none_of_these": True},
        content_type="application/json",
    )
    assert again.json()["status"] == "not_recognised"
    assert not DemandSignal.objects.exists()


def test_api_confirm_without_a_choice_is_refused(recognised_as):
    shopper, product = make_user(), make_product()
    recognised_as(name_guess(product, 0.8))
    client = signed_in(shopper)
    snap_id = client.post("/api/snap", {"photo": upload()}).json()["id"]
    response = client.post(
        f"/api/snap/{snap_id}/confirm", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert set(response.json()) >= {"code", "message", "fields"}


@pytest.mark.parametrize("intruder", ["another user", "another merchant"])
def test_api_nobody_else_may_confirm_my_snap(recognised_as, intruder):
    # given
    shopper, product = make_user(), make_product()
    recognised_as(name_guess(product, 0.8))
    snap_id = signed_in(shopper).post("/api/snap", {"photo": upload()}).json()["id"]
    other = make_user() if intruder == "another user" else make_merchant_member().user
    client = signed_in(other)
    # when
    picked = client.post(
        f"/api/snap/{snap_id}/confirm",
        {"product": product.public_id},
        content_type="application/json",
    )
    refused = client.post(
        f"/api/snap/{snap_id}/confirm",
        {"none_of_these": True},
        content_type="application/json",
    )
    # then
    assert picked.status_code == 404
    assert refused.status_code == 404
    assert not DemandSignal.objects.exists()
    assert Snap.objects.get().status == Snap.Status.UNCONFIRMED


def test_api_anonymous_may_not_confirm(recognised_as):
    product = make_product()
    recognised_as(name_guess(product, 0.8))
    snap_id = Client().post("/api/snap", {"photo": upload()}).json()["id"]
    response = Client().post(
        f"/api/snap/{snap_id}/confirm",
        {"none_of_these": True},
        content_type="application/json",
    )
    assert response.status_code == 401


# --- The page ------------------------------------------------------------------------

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def test_page_asks_is_it_one_of_these_with_none_of_these(recognised_as):
    # given
    shopper, product = make_user(), make_product(name_en="Orange juice")
    recognised_as(name_guess(product, 0.8))
    client = signed_in(shopper)
    # when
    page = client.post("/snap/", {"photo": upload()}, **XHR)
    # then
    html = page.content.decode()
    assert 'id="snap-unsure"' in html
    assert 'id="snap-none"' in html
    assert product.public_id in html  # its "This one" button
    # the question is asked once, above the candidates, not again as their title
    assert html.count("是以下其中之一吗？") == 1
    assert not DemandSignal.objects.exists()
    snap = Snap.objects.get()
    # when: none of these
    after = client.post(f"/snap/{snap.public_id}/none/", **XHR)
    # then
    assert after.status_code == 200
    assert 'id="snap-not-recognised"' in after.content.decode()
    snap.refresh_from_db()
    assert snap.status == Snap.Status.NOT_RECOGNISED


def test_page_another_user_may_not_say_none_of_these(recognised_as):
    shopper, product = make_user(), make_product()
    recognised_as(name_guess(product, 0.8))
    signed_in(shopper).post("/snap/", {"photo": upload()}, **XHR)
    snap = Snap.objects.get()
    response = signed_in(make_user()).post(f"/snap/{snap.public_id}/none/", **XHR)
    assert response.status_code == 404
    snap.refresh_from_db()
    assert snap.status == Snap.Status.UNCONFIRMED


def test_page_confirming_a_suggestion_counts_demand(recognised_as):
    shopper, product = make_user(), make_product()
    recognised_as(name_guess(product, 0.8))
    client = signed_in(shopper)
    client.post("/snap/", {"photo": upload()}, **XHR)
    snap = Snap.objects.get()
    response = client.post(
        f"/snap/{snap.public_id}/choose/", {"product": product.public_id}, **XHR
    )
    assert response.status_code == 200
    assert 'id="snap-will-notify"' in response.content.decode()
    assert DemandSignal.objects.get().product == product


def test_existing_counts_stay_and_a_confirmation_adds_to_them():
    # given: two people already counted for the product (before this rule)
    from groupbuy.snap.services import demand_record, snap_alternative_choose

    product = make_product()
    demand_record(actor=make_user(), product=product)
    demand_record(actor=make_user(), product=product)
    assert DemandSignal.objects.get().count == 1
    # when: a third person's snap is unsure
    third = make_user()
    snap = snap_submit(
        actor=third,
        upload=upload(),
        recogniser=FakeRecogniser(name_guess(product, 0.8)),
    ).snap
    # then: the counter is untouched until they confirm
    assert DemandSignal.objects.get().count == 1
    snap_alternative_choose(actor=third, snap=snap, product=product)
    assert DemandSignal.objects.get().count == 2
