"""The pages: Open a shop on groupbuy, my application, the operators' queue."""

import re

import pytest
from django.test import Client

from groupbuy.accounts.models import MerchantMembership
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
FORM = {
    "name": "鲜果小铺",
    "name_en": "",
    "contact_phone": "",
    "branch_address": "上海市黄浦区南京东路1号",
    "sells": "Fruit",
    "note": "",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _key(page) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("path", ["/more/", "/me/"])
def test_more_and_my_profile_link_to_opening_a_shop(path):
    page = signed_in(make_person()).get(path).content.decode()
    assert 'href="/shop/"' in page


def test_applying_from_the_page_then_withdrawing():
    # given
    person = make_person()
    client = signed_in(person)
    form = client.get("/shop/").content.decode()
    # when
    sent = client.post("/shop/", {**FORM, "idempotency_key": _key(form)})
    application = ShopApplication.objects.get()
    shown = client.get(sent.url).content.decode()
    withdrawn = client.post(f"/shop/applications/{application.public_id}/withdraw/")
    # then
    assert sent.url == f"/shop/applications/{application.public_id}/"
    assert (application.applicant, application.contact_phone) == (person, person.phone)
    assert "Pending" in shown and "application-withdraw" in shown
    assert withdrawn.status_code == 302
    assert ShopApplication.objects.get().status == "withdrawn"


def test_the_form_sent_twice_makes_one_application():
    client = signed_in(make_person())
    key = _key(client.get("/shop/").content.decode())
    first = client.post("/shop/", {**FORM, "idempotency_key": key})
    again = client.post("/shop/", {**FORM, "idempotency_key": key})
    assert first.url == again.url
    assert ShopApplication.objects.count() == 1


def test_a_pending_application_replaces_the_form():
    application = make_shop_application()
    page = signed_in(application.applicant).get("/shop/").content.decode()
    assert "shop-application-pending" in page
    assert "shop-application-form" not in page


def test_bad_input_shows_the_form_again_with_errors():
    client = signed_in(make_person())
    response = client.post("/shop/", {**FORM, "name": " ", "note": "x" * 2000})
    assert response.status_code == 400
    assert not ShopApplication.objects.exists()


def test_anonymous_people_are_sent_to_log_in():
    application = make_shop_application()
    for path in [
        "/shop/",
        f"/shop/applications/{application.public_id}/",
        "/operator/shop-applications/",
        f"/operator/shop-applications/{application.public_id}/",
    ]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response.url.startswith("/login/")


def test_another_person_can_neither_see_nor_withdraw_my_application():
    application = make_shop_application()
    client = signed_in(make_person())
    path = f"/shop/applications/{application.public_id}/"
    assert client.get(path).status_code == 404
    assert client.post(f"{path}withdraw/").status_code == 404
    assert ShopApplication.objects.get().status == "pending"


def test_the_operator_approves_and_the_applicant_reaches_the_console():
    # given
    operator = make_operator()
    application = make_shop_application()
    client = signed_in(operator)
    # when
    queue = client.get("/operator/shop-applications/").content.decode()
    detail = client.get(f"/operator/shop-applications/{application.public_id}/")
    approved = client.post(
        f"/operator/shop-applications/{application.public_id}/approve/"
    )
    # then
    assert f"application-{application.public_id}" in queue
    assert detail.status_code == 200
    assert approved.status_code == 302
    merchant = Merchant.objects.get()
    owner = MerchantMembership.objects.get(merchant=merchant).user
    assert owner == application.applicant
    applicant = signed_in(owner)
    mine = applicant.get(f"/shop/applications/{application.public_id}/")
    assert f'href="/merchant/{merchant.public_id}/"' in mine.content.decode()
    assert applicant.get(f"/merchant/{merchant.public_id}/").status_code == 200


def test_a_taken_name_says_so_on_the_operators_page():
    Merchant.objects.create(name="鲜果小铺")
    application = make_shop_application(name="鲜果小铺")
    client = signed_in(make_operator())
    path = f"/operator/shop-applications/{application.public_id}/"
    page = client.post(f"{path}approve/", follow=True).content.decode()
    assert "stays pending" in page
    assert ShopApplication.objects.get().status == "pending"


def test_declining_from_the_page_needs_a_reason_the_applicant_then_reads():
    # given
    application = make_shop_application()
    client = signed_in(make_operator())
    path = f"/operator/shop-applications/{application.public_id}/decline/"
    # when
    empty = client.post(path, {"reason": ""})
    declined = client.post(path, {"reason": "Please send your licence."})
    # then
    assert empty.status_code == 400
    assert declined.status_code == 302
    mine = signed_in(application.applicant).get(
        f"/shop/applications/{application.public_id}/"
    )
    assert "Please send your licence." in mine.content.decode()


def test_the_queue_filters_by_status():
    application = make_shop_application()
    client = signed_in(make_operator())
    declined = client.get("/operator/shop-applications/?status=declined")
    assert application.public_id not in declined.content.decode()


def test_the_queue_marks_the_status_shown_in_the_consoles_filter_bar():
    client = signed_in(make_operator())
    page = client.get("/operator/shop-applications/?status=declined").content.decode()
    # the bar the console's other filter bars use, whose current link is styled
    # (the "tabs" bar had no style, so nothing showed which list this was)
    assert '<nav class="subnav" aria-label=' in page
    assert '<nav class="tabs"' not in page
    assert 'aria-current="page" id="applications-declined"' in page


@pytest.mark.parametrize("role", ["shopper", "owner", "cashier"])
def test_shoppers_and_merchant_staff_cannot_open_the_queue_or_decide(role):
    actor = make_person()
    if role != "shopper":
        make_merchant_member(user=actor, role=role)
    application = make_shop_application()
    client = signed_in(actor)
    base = f"/operator/shop-applications/{application.public_id}/"
    assert client.get("/operator/shop-applications/").status_code == 403
    assert client.get(base).status_code == 403
    assert client.post(f"{base}approve/").status_code == 403
    assert client.post(f"{base}decline/", {"reason": "No"}).status_code == 403
    assert ShopApplication.objects.get().status == "pending"
    assert not Merchant.objects.filter(name=application.name).exists()


def test_the_form_changed_and_sent_again_gets_a_new_key():
    # given an application sent from the form, then withdrawn
    person = make_person()
    client = signed_in(person)
    key = _key(client.get("/shop/").content.decode())
    client.post("/shop/", {**FORM, "idempotency_key": key})
    first = ShopApplication.objects.get()
    client.post(f"/shop/applications/{first.public_id}/withdraw/")
    # when the page, shown again from the history, is changed and sent
    refused = client.post("/shop/", {**FORM, "name": "另一家", "idempotency_key": key})
    again = client.post(
        "/shop/",
        {**FORM, "name": "另一家", "idempotency_key": _key(refused.content.decode())},
    )
    # then the first send says so, and the second applies anew
    assert refused.status_code == 400
    assert "already sent an application" in refused.content.decode()
    assert again.status_code == 302
    assert ShopApplication.objects.filter(name="另一家", status="pending").count() == 1


def test_the_sign_up_page_offers_signing_up_to_open_a_shop():
    page = Client().get("/signup/").content.decode()
    assert 'href="/signup/?next=/shop/"' in page
    onward = Client().get("/signup/?next=/shop/").content.decode()
    assert "signup-open-shop" not in onward


def test_the_operators_application_page_shows_the_phone_and_records_the_look():
    # given an application with a contact phone
    operator = make_operator()
    application = make_shop_application(contact_phone="13900001234")
    client = signed_in(operator)
    # when the operator opens the queue, then the application's page
    client.get("/operator/shop-applications/")
    assert not AuditEntry.objects.filter(action="ops.shop_application.viewed").exists()
    page = client.get(f"/operator/shop-applications/{application.public_id}/")
    # then the page shows the number in full, and one row records who read it
    assert "+8613900001234" in page.content.decode()
    viewed = AuditEntry.objects.get(action="ops.shop_application.viewed")
    assert (viewed.actor, viewed.object_id) == (operator, application.public_id)


def test_an_unknown_status_says_so_instead_of_another_list():
    # given a pending application
    application = make_shop_application(name="鲜果小铺")
    client = signed_in(make_operator())
    # when an operator opens a list by a status that is none
    answer = client.get("/operator/shop-applications/?status=lost", follow=True)
    # then they are told, and shown the pending applications
    assert answer.redirect_chain == [
        ("/operator/shop-applications/?status=pending", 302)
    ]
    page = answer.content.decode()
    assert "There is no list “lost”: here are the pending applications." in page
    assert application.public_id in page


def test_the_operators_pages_name_the_applicant_not_their_number():
    # given an application from a person with a name
    applicant = make_person(display_name="Lin Fang")
    application = make_shop_application(applicant=applicant)
    client = signed_in(make_operator())
    # when the operator reads the queue and the application
    queue = client.get("/operator/shop-applications/").content.decode()
    detail = client.get(
        f"/operator/shop-applications/{application.public_id}/"
    ).content.decode()
    # then both name the person and show their number masked, never the id
    masked = f"{applicant.phone[:-8]}****{applicant.phone[-4:]}"
    for page in (queue, detail):
        assert "Lin Fang" in page and masked in page
        assert f">{applicant.public_id}<" not in page
    # (the application's contact phone, in full, is for the operator to call)
    assert applicant.phone not in queue
