"""Shop applications over the API: /api/shop-applications and the operators'
/api/operator/shop-applications."""

import pytest
from django.test import Client

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.models import AuditEntry
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.tests.factories import (
    make_operator,
    make_person,
    make_shop_application,
)

pytestmark = pytest.mark.django_db
MINE = "/api/shop-applications"
QUEUE = "/api/operator/shop-applications"
APPLY = {
    "name": "鲜果小铺",
    "branch_address": "上海市黄浦区南京东路1号",
    "sells": "Fruit",
}


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


def post(user, path, body=None):
    return Client().post(
        path, body or {}, content_type="application/json", headers=bearer(user)
    )


def test_apply_then_read_the_status_and_withdraw():
    # given
    person = make_person()
    # when
    made = post(person, MINE, {**APPLY, "note": "🍎" * 10})
    application_id = made.json()["id"]
    listed = Client().get(MINE, headers=bearer(person))
    withdrawn = post(person, f"{MINE}/{application_id}/withdraw")
    # then
    assert made.status_code == 201
    assert made.json()["status"] == "pending"
    assert made.json()["contact_phone"] == person.phone
    assert [item["id"] for item in listed.json()["items"]] == [application_id]
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"


def test_a_second_application_is_a_409_naming_the_first():
    person = make_person()
    first = make_shop_application(applicant=person)
    response = post(person, MINE, APPLY)
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["application_id"]) == (
        "application_pending",
        first.public_id,
    )


def test_the_same_key_twice_answers_the_first_application():
    person = make_person()
    body = {**APPLY, "idempotency_key": "0f8fad5b-d9cb-469f-a165-70867728950e"}
    first = post(person, MINE, body)
    again = post(person, MINE, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert ShopApplication.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"note": "x" * 2000}, "note"),
        ({"idempotency_key": "short"}, "idempotency_key"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(change, field):
    response = post(make_person(), MINE, {**APPLY, **change})
    assert response.status_code in (400, 422)
    assert field in str(response.json())
    assert not ShopApplication.objects.exists()


def test_another_person_can_neither_see_nor_withdraw_my_application():
    mine = make_shop_application()
    other = make_person()
    seen = Client().get(f"{MINE}/{mine.public_id}", headers=bearer(other))
    withdrawn = post(other, f"{MINE}/{mine.public_id}/withdraw")
    listed = Client().get(MINE, headers=bearer(other))
    assert (seen.status_code, withdrawn.status_code) == (404, 404)
    assert listed.json()["items"] == []
    assert ShopApplication.objects.get(pk=mine.pk).status == "pending"


def test_anonymous_gets_401():
    mine = make_shop_application()
    assert Client().get(MINE).status_code == 401
    assert Client().post(MINE, APPLY, content_type="application/json").status_code == (
        401
    )
    assert Client().get(QUEUE).status_code == 401
    assert Client().post(f"{QUEUE}/{mine.public_id}/approve").status_code == 401


def test_the_operator_lists_by_status_and_approves():
    # given
    operator = make_operator()
    pending = make_shop_application()
    declined = make_shop_application()
    post(operator, f"{QUEUE}/{declined.public_id}/decline", {"reason": "No licence"})
    # when
    listed = Client().get(QUEUE, headers=bearer(operator))
    declined_list = Client().get(f"{QUEUE}?status=declined", headers=bearer(operator))
    approved = post(operator, f"{QUEUE}/{pending.public_id}/approve")
    # then
    assert [item["id"] for item in listed.json()["items"]] == [pending.public_id]
    assert listed.json()["items"][0]["applicant_id"] == pending.applicant.public_id
    assert [
        (item["id"], item["decline_reason"]) for item in declined_list.json()["items"]
    ] == [(declined.public_id, "No licence")]
    assert approved.status_code == 200
    merchant = Merchant.objects.get()
    assert approved.json()["merchant_id"] == merchant.public_id
    assert MerchantMembership.objects.get(merchant=merchant).user == pending.applicant
    mine = Client().get(
        f"{MINE}/{pending.public_id}", headers=bearer(pending.applicant)
    )
    assert (mine.json()["status"], mine.json()["merchant_id"]) == (
        "approved",
        merchant.public_id,
    )


def test_declining_without_a_reason_is_a_400():
    operator = make_operator()
    application = make_shop_application()
    response = post(
        operator, f"{QUEUE}/{application.public_id}/decline", {"reason": ""}
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["reason"]
    assert ShopApplication.objects.get(pk=application.pk).status == "pending"


def test_an_unknown_status_filter_is_a_400():
    response = Client().get(f"{QUEUE}?status=lost", headers=bearer(make_operator()))
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["status"]
    assert response.json()["message"] == (
        "Choose one of: pending, approved, declined, withdrawn."
    )


def test_a_taken_name_is_a_409_and_the_application_stays_pending():
    Merchant.objects.create(name=APPLY["name"])
    application = make_shop_application(name=APPLY["name"])
    response = post(make_operator(), f"{QUEUE}/{application.public_id}/approve")
    assert (response.status_code, response.json()["code"]) == (409, "merchant_exists")
    assert ShopApplication.objects.get(pk=application.pk).status == "pending"


@pytest.mark.parametrize("role", ["shopper", "owner", "cashier"])
def test_shoppers_and_merchant_staff_cannot_list_or_decide(role):
    # given
    actor = make_person()
    if role != "shopper":
        make_merchant_member(user=actor, role=role)
    application = make_shop_application()
    # when
    answers = [
        Client().get(QUEUE, headers=bearer(actor)).status_code,
        Client().get(f"{QUEUE}/{application.public_id}", headers=bearer(actor)),
        post(actor, f"{QUEUE}/{application.public_id}/approve"),
        post(actor, f"{QUEUE}/{application.public_id}/decline", {"reason": "No"}),
    ]
    # then
    assert [answers[0]] + [answer.status_code for answer in answers[1:]] == [403] * 4
    assert ShopApplication.objects.get(pk=application.pk).status == "pending"
    assert Merchant.objects.filter(name=application.name).count() == 0


def test_the_queue_masks_the_contact_phone_and_the_detail_gives_it_audited():
    # given an application with a contact phone
    operator = make_operator()
    application = make_shop_application(contact_phone="13900001234")
    # when the operator lists the queue
    listed = Client().get(QUEUE, headers=bearer(operator))
    # then the number is masked and reading the list is not recorded
    assert listed.json()["items"][0]["contact_phone"] == "+86139****1234"
    assert not AuditEntry.objects.filter(action="ops.shop_application.viewed").exists()
    # when the operator opens the application
    detail = Client().get(f"{QUEUE}/{application.public_id}", headers=bearer(operator))
    # then it gives the number in full, and one row records who read it
    assert detail.json()["contact_phone"] == "+8613900001234"
    viewed = AuditEntry.objects.get(action="ops.shop_application.viewed")
    assert (viewed.actor, viewed.object_id) == (operator, application.public_id)


def test_approving_answers_the_contact_phone_masked_each_time():
    # given an application an operator approves
    operator = make_operator()
    application = make_shop_application(contact_phone="13900001234")
    path = f"{QUEUE}/{application.public_id}/approve"
    # when they approve it, then again (the repeat records nothing)
    answers = [post(operator, path), post(operator, path)]
    # then neither answer gives the number in full
    assert [answer.json()["contact_phone"] for answer in answers] == [
        "+86139****1234"
    ] * 2
    assert not AuditEntry.objects.filter(action="ops.shop_application.viewed").exists()


@pytest.mark.parametrize("role", ["shopper", "owner"])
def test_others_reading_an_application_get_403_and_nothing_is_recorded(role):
    # given an application, and a shopper or a shop's owner
    application = make_shop_application(contact_phone="13900001234")
    actor = make_person()
    if role == "owner":
        make_merchant_member(user=actor, role="owner")
    # when they open it
    response = Client().get(f"{QUEUE}/{application.public_id}", headers=bearer(actor))
    # then it is refused, and no look is recorded
    assert response.status_code == 403
    assert "+8613900001234" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="ops.shop_application.viewed").exists()
