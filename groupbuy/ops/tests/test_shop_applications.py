"""Applying to open a shop, and the operator's answer (ops.shop_applications)."""

import pytest
from django.db import transaction

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Delivery, Notification
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.shop_applications import (
    APPROVED_KIND,
    DECLINED_KIND,
    SUBMITTED_KIND,
    shop_application_approve,
    shop_application_decline,
    shop_application_submit,
    shop_application_withdraw,
)
from groupbuy.ops.tests.factories import (
    make_operator,
    make_person,
    make_shop_application,
)

pytestmark = pytest.mark.django_db


def test_an_application_is_pending_and_the_operators_are_told():
    # given
    operator = make_operator()
    person = make_person()
    # when
    application = shop_application_submit(
        actor=person,
        name=" 鲜果 小铺 ",
        name_en="Fresh Fruit",
        branch_address="上海市黄浦区南京东路1号",
        sells="Fruit",
        note="Open 8-20\nevery day 🍎",
    )
    # then
    assert application.status == ShopApplication.Status.PENDING
    assert application.name == "鲜果 小铺"
    assert application.contact_phone == person.phone
    assert application.note == "Open 8-20\nevery day 🍎"
    told = Notification.objects.get(kind=SUBMITTED_KIND)
    assert told.recipient == operator
    assert told.url == f"/operator/shop-applications/{application.public_id}/"
    assert AuditEntry.objects.filter(
        action="ops.shop_application.submitted", object_id=application.public_id
    ).exists()
    assert not Merchant.objects.exists()


def test_a_contact_phone_given_is_stored_in_full():
    application = make_shop_application(contact_phone="139 0000 1234")
    assert application.contact_phone == "+8613900001234"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "店" * 121}, "name"),
        ({"note": "x" * 2000}, "note"),
        ({"sells": ""}, "sells"),
        ({"branch_address": ""}, "branch_address"),
        ({"contact_phone": "12"}, "contact_phone"),
    ],
)
def test_bad_input_is_refused_naming_the_field(fields, field):
    with pytest.raises(OpsError) as refused:
        make_shop_application(**fields)
    assert (refused.value.status, list(refused.value.fields)) == (400, [field])
    assert not ShopApplication.objects.exists()


def test_a_name_of_emoji_and_a_long_note_are_fine():
    application = make_shop_application(name="🍜 面馆", note="好" * 1000)
    assert (application.name, len(application.note)) == ("🍜 面馆", 1000)


def test_a_second_pending_application_is_refused_naming_the_first():
    # given
    person = make_person()
    first = make_shop_application(applicant=person)
    # when
    with pytest.raises(OpsError) as refused:
        make_shop_application(applicant=person, name="另一家")
    # then
    assert refused.value.status == 409
    assert refused.value.code == "application_pending"
    assert refused.value.extra == {"application_id": first.public_id}
    assert first.public_id in refused.value.message
    assert ShopApplication.objects.count() == 1


def test_after_withdrawing_one_may_apply_again():
    person = make_person()
    first = make_shop_application(applicant=person)
    shop_application_withdraw(actor=person, application=first)
    second = make_shop_application(applicant=person)
    assert second.status == "pending"
    assert ShopApplication.objects.get(pk=first.pk).status == "withdrawn"


def test_the_same_key_sent_twice_makes_one_application_and_tells_once():
    # given
    make_operator()
    person = make_person()
    # when
    sent = {"name": "鲜果小铺", "idempotency_key": "k" * 20}
    first = make_shop_application(applicant=person, **sent)
    again = make_shop_application(applicant=person, **sent)
    # then
    assert again.pk == first.pk
    assert (first.is_repeat, again.is_repeat) == (False, True)
    assert ShopApplication.objects.count() == 1
    assert Notification.objects.filter(kind=SUBMITTED_KIND).count() == 1


def test_approving_opens_the_shop_owned_by_the_applicant_with_its_branch():
    # given
    operator = make_operator()
    person = make_person(contact_channel="sms")
    application = make_shop_application(
        applicant=person,
        name="鲜果小铺",
        name_en="Fresh Fruit",
        contact_phone="13900001234",
    )
    # when
    approved = shop_application_approve(actor=operator, application=application)
    # then
    merchant = Merchant.objects.get()
    assert (approved.status, approved.merchant) == ("approved", merchant)
    assert (approved.decided_by, approved.decided_at is not None) == (operator, True)
    assert (merchant.name, merchant.name_en) == ("鲜果小铺", "Fresh Fruit")
    membership = MerchantMembership.objects.get(merchant=merchant)
    assert (membership.user, membership.role) == (person, "owner")
    branch = Branch.objects.get(merchant=merchant)
    assert (branch.address, branch.phone) == (
        "上海市黄浦区南京东路1号",
        "+8613900001234",
    )
    told = Notification.objects.get(kind=APPROVED_KIND)
    assert told.recipient == person
    assert told.url == f"/merchant/{merchant.public_id}/"
    channels = set(Delivery.objects.filter(notification=told).values_list("channel"))
    assert channels == {("in_app",), ("sms",)}
    assert AuditEntry.objects.filter(action="ops.shop_application.approved").count()


def test_approving_twice_opens_one_shop():
    operator = make_operator()
    application = make_shop_application()
    shop_application_approve(actor=operator, application=application)
    again = shop_application_approve(actor=operator, application=application)
    assert again.status == "approved"
    assert Merchant.objects.count() == 1
    assert Notification.objects.filter(kind=APPROVED_KIND).count() == 1


def test_a_taken_name_refuses_the_approval_and_the_application_stays_pending():
    # given
    operator = make_operator()
    existing = Merchant.objects.create(name="鲜果小铺")
    application = make_shop_application(name="鲜果小铺")
    # when
    with pytest.raises(OpsError) as refused:
        shop_application_approve(actor=operator, application=application)
    # then
    assert (refused.value.status, refused.value.code) == (409, "merchant_exists")
    assert f"“{existing.name}”" in refused.value.message
    assert refused.value.extra["merchant_id"] == existing.public_id
    assert "stays pending" in refused.value.message
    assert ShopApplication.objects.get(pk=application.pk).status == "pending"
    assert Merchant.objects.count() == 1
    assert not Notification.objects.filter(kind=APPROVED_KIND).exists()


def test_a_failure_after_the_merchant_is_made_leaves_nothing():
    # given a branch the catalog refuses after the merchant was created
    operator = make_operator()
    application = make_shop_application()
    ShopApplication.objects.filter(pk=application.pk).update(branch_address="")
    # when
    with pytest.raises(CatalogError) as refused, transaction.atomic():
        shop_application_approve(actor=operator, application=application)
    # then
    assert list(refused.value.fields) == ["address"]
    assert not Merchant.objects.exists()
    assert ShopApplication.objects.get(pk=application.pk).status == "pending"
    assert not Notification.objects.filter(kind=APPROVED_KIND).exists()


def test_declining_needs_a_reason_and_tells_the_applicant_why():
    # given
    operator = make_operator()
    application = make_shop_application()
    with pytest.raises(OpsError) as refused:
        shop_application_decline(actor=operator, application=application, reason=" ")
    assert list(refused.value.fields) == ["reason"]
    # when
    declined = shop_application_decline(
        actor=operator, application=application, reason="We need a business licence."
    )
    # then
    assert (declined.status, declined.decline_reason) == (
        "declined",
        "We need a business licence.",
    )
    told = Notification.objects.get(kind=DECLINED_KIND)
    assert told.recipient == application.applicant
    assert "We need a business licence." in told.body
    assert told.url == f"/shop/applications/{application.public_id}/"
    assert not Merchant.objects.exists()


def test_a_decided_application_can_be_neither_withdrawn_nor_decided_again():
    operator = make_operator()
    application = make_shop_application()
    shop_application_decline(actor=operator, application=application, reason="No.")
    with pytest.raises(OpsError) as withdrawing:
        shop_application_withdraw(actor=application.applicant, application=application)
    with pytest.raises(OpsError) as approving:
        shop_application_approve(actor=operator, application=application)
    assert (withdrawing.value.status, approving.value.status) == (409, 409)
    assert not Merchant.objects.exists()


def test_only_its_applicant_withdraws_an_application():
    application = make_shop_application()
    with pytest.raises(OpsError) as refused:
        shop_application_withdraw(actor=make_person(), application=application)
    assert refused.value.status == 404
    assert ShopApplication.objects.get(pk=application.pk).status == "pending"


def test_withdrawing_twice_changes_nothing_more():
    application = make_shop_application()
    person = application.applicant
    first = shop_application_withdraw(actor=person, application=application)
    again = shop_application_withdraw(actor=person, application=application)
    assert (first.status, again.withdrawn_at) == ("withdrawn", first.withdrawn_at)
    assert (
        AuditEntry.objects.filter(action="ops.shop_application.withdrawn").count() == 1
    )


@pytest.mark.parametrize("role", ["shopper", "owner", "cashier"])
def test_only_operators_approve_or_decline(role):
    # given
    from groupbuy.catalog.tests.factories import make_merchant_member

    actor = make_person()
    if role != "shopper":
        make_merchant_member(user=actor, role=role)
    application = make_shop_application()
    # when
    with pytest.raises(OpsError) as approving:
        shop_application_approve(actor=actor, application=application)
    with pytest.raises(OpsError) as declining:
        shop_application_decline(actor=actor, application=application, reason="No")
    # then
    assert (approving.value.status, declining.value.status) == (403, 403)
    assert ShopApplication.objects.get(pk=application.pk).status == "pending"


def _exported(user) -> list[dict]:
    import json
    import zipfile

    from groupbuy.ops.personal_data import export_zip

    with zipfile.ZipFile(export_zip(user, site_name="groupbuy")) as archive:
        return json.loads(archive.read("ops.json"))["shop_applications"]


def test_the_persons_export_holds_their_applications_and_no_one_elses():
    # given
    person = make_person()
    mine = make_shop_application(applicant=person, note="call after 6pm")
    make_shop_application(note="someone else's")
    # when
    exported = _exported(person)
    # then
    assert [(item["id"], item["note"], item["status"]) for item in exported] == [
        (mine.public_id, "call after 6pm", "pending")
    ]
    assert exported[0]["contact_phone"] == person.phone


def test_erasure_deletes_unapproved_applications_and_blanks_the_approved_one():
    from groupbuy.catalog.services import merchant_active_set
    from groupbuy.ops.services import erasure_perform, erasure_request

    # given an approved application (its shop since closed) and a declined one
    operator = make_operator()
    person = make_person()
    approved = make_shop_application(applicant=person, note="my note")
    shop_application_approve(actor=operator, application=approved)
    merchant_active_set(
        actor=operator, merchant=Merchant.objects.get(), is_active=False
    )
    declined = make_shop_application(applicant=person)
    shop_application_decline(actor=operator, application=declined, reason="Twice")
    other = make_shop_application()
    # when
    erasure_perform(actor=operator, request=erasure_request(actor=person))
    # then
    left = ShopApplication.objects.get(applicant=person)
    assert left.pk == approved.pk
    assert (left.name, left.status) == (approved.name, "approved")
    assert (left.contact_phone, left.branch_address, left.sells, left.note) == (
        "",
        "",
        "",
        "",
    )
    assert ShopApplication.objects.get(pk=other.pk).note == other.note


def test_the_same_key_with_other_details_is_refused():
    # given an application sent, then withdrawn
    person = make_person()
    first = make_shop_application(applicant=person, idempotency_key="k" * 20)
    shop_application_withdraw(actor=person, application=first)
    # when the same form, changed, is sent again
    with pytest.raises(OpsError) as refused:
        make_shop_application(applicant=person, name="另一家", idempotency_key="k" * 20)
    # then
    assert (refused.value.status, refused.value.code) == (
        409,
        "idempotency_key_reused",
    )
    assert refused.value.extra == {"application_id": first.public_id}
    assert ShopApplication.objects.count() == 1
