"""A shopper names another product for their snap: the demand moves with it.

A snap counts its taker as asking for the product it names; when the shopper
picks another suggestion (the recogniser named it wrongly at once, or they
change their mind), the first product's count is taken back and the answer
named at once is kept as corrected for the operators' figures.
"""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from groupbuy.catalog.tests.factories import make_operator, make_product, make_user
from groupbuy.core.models import AuditEntry
from groupbuy.deals.services import deal_close
from groupbuy.ops.stats import daily_figures_compute, local_today
from groupbuy.snap import answers, selectors
from groupbuy.snap.errors import SnapError
from groupbuy.snap.models import DemandRequest, DemandSignal, Snap
from groupbuy.snap.services import (
    demand_record,
    snap_alternative_choose,
    snap_none_of_these,
    snap_submit,
)
from groupbuy.snap.services.labels import snap_label
from groupbuy.snap.tests.helpers import (
    FakeRecogniser,
    barcode_read,
    make_open_deal,
    name_guess,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def snapped(shopper, named, *others) -> Snap:
    """A snap named ``named`` at once, with ``others`` among its suggestions."""
    recogniser = FakeRecogniser(
        barcode_read(named), *(name_guess(other, 0.6) for other in others)
    )
    snap = snap_submit(actor=shopper, upload=upload(), recogniser=recogniser).snap
    assert snap.status == Snap.Status.RECOGNISED and snap.product == named
    return snap


def asking_for(product) -> set[int]:
    return set(
        DemandRequest.objects.filter(signal__product=product).values_list(
            "user_id", flat=True
        )
    )


def test_correcting_an_answer_named_at_once_moves_the_shoppers_demand():
    # given a snap wrongly named at once, which counted the shopper for it
    shopper, wrong, right = make_user(), make_product(), make_product()
    snap = snapped(shopper, wrong, right)
    assert asking_for(wrong) == {shopper.pk}
    # when the shopper picks the right product
    snap = snap_alternative_choose(actor=shopper, snap=snap, product=right)
    # then they ask for the right one only; nobody else asked for the wrong one
    assert asking_for(right) == {shopper.pk}
    assert not DemandSignal.objects.filter(product=wrong).exists()
    assert snap.result["corrected_from"] == wrong.public_id
    assert AuditEntry.objects.filter(action="snap.demand.withdrawn").count() == 1


def test_a_correction_takes_one_person_off_a_product_others_ask_for():
    # given two people already asking for the wrong product (counter 1)
    wrong, right = make_product(), make_product()
    others = [make_user(), make_user()]
    for person in others:
        demand_record(actor=person, product=wrong)
    shopper = make_user()
    snap = snapped(shopper, wrong, right)
    assert DemandSignal.objects.get(product=wrong).count == 2
    # when
    snap_alternative_choose(actor=shopper, snap=snap, product=right)
    # then
    assert DemandSignal.objects.get(product=wrong).count == 1
    assert asking_for(wrong) == {person.pk for person in others}


def test_a_correction_taking_a_product_under_its_threshold_clears_its_alert(
    settings,
):
    # given threshold 1: another person and the wrongly named snap pass it
    settings.GROUPBUY_DEMAND_THRESHOLD = 1
    make_operator()
    shopper, wrong, right = make_user(), make_product(), make_product()
    demand_record(actor=make_user(), product=wrong)
    snap = snapped(shopper, wrong, right)
    assert [row.signal.product for row in over_threshold()] == [wrong]
    # when the shopper corrects it
    snap_alternative_choose(actor=shopper, snap=snap, product=right)
    # then the wrong product waits for a deal past its threshold no more
    assert over_threshold() == []
    assert selectors.demand_alert_count() == 0
    assert DemandSignal.objects.get(product=wrong).threshold_passed_at is None
    # and the day's figures still count the alert the operators were sent
    assert daily_figures_compute(local_today())["demand_alerts"] == 1


def over_threshold():
    return selectors.demand_ranking(
        user=make_operator(), over_threshold_only=True
    ).items


def test_a_correction_keeps_a_request_the_shoppers_other_snaps_made():
    # given the shopper snapped the product twice, the second one wrongly
    shopper, product, other = make_user(), make_product(), make_product()
    snapped(shopper, product)
    second = snapped(shopper, product, other)
    assert DemandRequest.objects.get(signal__product=product).snap_count == 2
    # when
    snap_alternative_choose(actor=shopper, snap=second, product=other)
    # then the first snap still asks for it
    request = DemandRequest.objects.get(signal__product=product)
    assert (request.user, request.snap_count) == (shopper, 1)
    assert asking_for(other) == {shopper.pk}


def test_choosing_again_moves_the_demand_again_and_the_same_choice_counts_once():
    # given an unsure snap the shopper confirmed as the first suggestion
    shopper, first, second = make_user(), make_product(), make_product()
    recogniser = FakeRecogniser(name_guess(first, 0.8), name_guess(second, 0.7))
    snap = snap_submit(actor=shopper, upload=upload(), recogniser=recogniser).snap
    snap = snap_alternative_choose(actor=shopper, snap=snap, product=first)
    # when they choose it again, then the other
    snap = snap_alternative_choose(actor=shopper, snap=snap, product=first)
    assert DemandRequest.objects.get(signal__product=first).snap_count == 1
    snap = snap_alternative_choose(actor=shopper, snap=snap, product=second)
    # then only the last choice counts, and nothing was named at once
    assert asking_for(first) == set()
    assert asking_for(second) == {shopper.pk}
    assert "corrected_from" not in snap.result


def test_confirming_the_product_named_at_once_corrects_nothing():
    shopper, product, other = make_user(), make_product(), make_product()
    snap = snapped(shopper, product, other)

    snap = snap_alternative_choose(actor=shopper, snap=snap, product=product)

    assert "corrected_from" not in snap.result
    assert DemandRequest.objects.get(signal__product=product).snap_count == 1


def test_a_snap_of_a_product_on_sale_takes_back_nothing():
    # given the product named at once had an open deal: nobody was counted
    shopper, on_sale, right = make_user(), make_product(), make_product()
    make_open_deal(on_sale)
    demand_record(actor=make_user(), product=right)
    snap = snapped(shopper, on_sale, right)
    # when
    snap = snap_alternative_choose(actor=shopper, snap=snap, product=right)
    # then it is still a correction, and the shopper now asks for the right one
    assert snap.result["corrected_from"] == on_sale.public_id
    assert DemandSignal.objects.get(product=right).count == 1
    assert not AuditEntry.objects.filter(action="snap.demand.withdrawn").exists()


def test_a_demand_a_deal_has_fulfilled_since_stays_as_it_was():
    # given the wrong product's demand was met by a deal after the snap; the
    # deal ended, and the shopper asks for that product again in a new snap
    shopper, wrong, right = make_user(), make_product(), make_product()
    snap = snapped(shopper, wrong, right)
    deal_close(deal=make_open_deal(wrong), force=True, fail=True)
    snapped(shopper, wrong)
    fulfilled, current = DemandSignal.objects.filter(product=wrong).order_by("id")
    assert fulfilled.fulfilled_at is not None and current.fulfilled_at is None
    # when the first snap is corrected
    snap_alternative_choose(actor=shopper, snap=snap, product=right)
    # then neither the met demand nor the new request changes
    assert set(
        DemandRequest.objects.filter(user=shopper, signal__product=wrong).values_list(
            "signal_id", "snap_count"
        )
    ) == {(fulfilled.pk, 1), (current.pk, 1)}
    assert not AuditEntry.objects.filter(action="snap.demand.withdrawn").exists()


def test_an_operator_correcting_a_shoppers_snap_moves_the_shoppers_count():
    shopper, wrong, right = make_user(), make_product(), make_product()
    snap = snapped(shopper, wrong, right)

    snap_alternative_choose(actor=make_operator(), snap=snap, product=right)

    # as when an operator labels a photo; the operator asks for nothing
    assert asking_for(wrong) == set()
    assert asking_for(right) == {shopper.pk}


def test_saying_an_answer_named_at_once_is_wrong_queues_it_and_takes_back_its_count():
    # given a snap wrongly named at once, with no right suggestion
    shopper, wrong = make_user(), make_product()
    snap = snapped(shopper, wrong)
    # when the shopper says it is not this product
    snap = snap_none_of_these(actor=shopper, snap=snap)
    # then it waits for an operator's label, and nobody asks for the wrong one
    assert snap.status == Snap.Status.NOT_RECOGNISED and snap.product is None
    assert snap.result["corrected_from"] == wrong.public_id
    assert not DemandSignal.objects.exists()
    queue = selectors.unrecognised_queue(user=make_operator())
    assert [queued.public_id for queued in queue.items] == [snap.public_id]


def test_an_operators_label_can_uphold_the_answer_the_shopper_disputed():
    # given an answer named at once that the shopper said was wrong
    shopper, product = make_user(), make_product()
    snap = snap_none_of_these(actor=shopper, snap=snapped(shopper, product))
    assert daily_figures_compute(local_today())["snaps_corrected"] == 1
    # when an operator labels the photo as that very product
    snap = snap_label(actor=make_operator(), snap=snap, product=product)
    # then it was right at once after all, and the shopper asks for it again
    figures = daily_figures_compute(local_today())
    assert (figures["snaps_at_once"], figures["snaps_corrected"]) == (1, 0)
    assert "corrected_from" not in snap.result
    assert asking_for(product) == {shopper.pk}


def test_a_labelled_snap_can_no_longer_be_said_wrong():
    shopper, product = make_user(), make_product()
    snap = snapped(shopper, product)
    Snap.objects.filter(pk=snap.pk).update(status=Snap.Status.LABELLED)
    snap.refresh_from_db()

    with pytest.raises(SnapError) as refused:
        snap_none_of_these(actor=shopper, snap=snap)

    assert (refused.value.code, refused.value.status) == ("already_confirmed", 409)
    assert DemandSignal.objects.get().product == product


def test_the_page_offers_it_is_not_this_product_to_the_taker_only():
    # given a snap named at once
    shopper, product = make_user(), make_product()
    snap = snapped(shopper, product)
    taker, stranger = Client(), Client()
    taker.force_login(shopper)
    stranger.force_login(make_user())
    url = f"/snap/{snap.public_id}/none/"

    # then the answer offers the taker the button, and nobody else
    def shown_to(user) -> str:
        answer = answers.answer_for_snap(snap, user=user)
        return render_to_string("snap/_result.html", {"answer": answer})

    assert "It is not this product" in shown_to(shopper)
    assert 'id="snap-none"' not in shown_to(make_user())
    # and: a stranger is refused; the taker's "not this" queues it
    refused = stranger.post(url, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert refused.status_code == 404
    page = taker.post(url, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert page.status_code == 200
    assert "我们的团队会查看您的照片" in page.content.decode()  # in their language
    snap.refresh_from_db()
    assert snap.status == Snap.Status.NOT_RECOGNISED


def test_the_day_counts_corrected_answers_apart_from_confirmed_ones():
    # given: one answer named at once and corrected, one unsure and confirmed,
    # one named at once and left, one named at once and said to be wrong
    shopper = make_user()
    wrong, right, unsure = make_product(), make_product(), make_product()
    snap_alternative_choose(
        actor=shopper, snap=snapped(shopper, wrong, right), product=right
    )
    asked = snap_submit(
        actor=shopper,
        upload=upload(),
        recogniser=FakeRecogniser(name_guess(unsure, 0.8)),
    ).snap
    snap_alternative_choose(actor=shopper, snap=asked, product=unsure)
    snapped(shopper, right)
    snap_none_of_these(actor=shopper, snap=snapped(shopper, wrong))
    # when
    figures = daily_figures_compute(local_today())
    # then: both wrong answers are corrected ones, not "not recognised"
    assert (
        figures["snaps_at_once"],
        figures["snaps_corrected"],
        figures["snaps_chosen"],
        figures["snaps_unrecognised"],
    ) == (1, 2, 1, 0)


def test_the_page_and_the_api_correct_an_answer():
    shopper, wrong, right = make_user(), make_product(), make_product()
    client = Client()
    client.force_login(shopper)
    page_snap = snapped(shopper, wrong, right)
    api_snap = snapped(make_user(), wrong, right)
    # when the page's "This one" and the API's confirm name the right product
    page = client.post(
        f"/snap/{page_snap.public_id}/choose/",
        {"product": right.public_id},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    api_client = Client()
    api_client.force_login(api_snap.user)
    api = api_client.post(
        f"/api/snap/{api_snap.public_id}/confirm",
        {"product": right.public_id},
        content_type="application/json",
    )
    # then both move the demand
    assert page.status_code == 200 and api.status_code == 200
    assert api.json()["product"]["id"] == right.public_id
    assert asking_for(wrong) == set()
    assert asking_for(right) == {shopper.pk, api_snap.user_id}
