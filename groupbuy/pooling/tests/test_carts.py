"""Reporting purchases and intended carts (the shopping profile), and deleting them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.utils import timezone

from groupbuy.catalog.models import Product
from groupbuy.pooling import services
from groupbuy.pooling.forms import CartReportForm
from groupbuy.pooling.models import CartReport, ContactRequest
from groupbuy.pooling.tests.factories import auth, make_shop, make_user

pytestmark = pytest.mark.django_db


WINDOW = ("window_start_at", "window_end_at")


@pytest.fixture
def branch():
    return make_shop()[1]


def _form(branch, **fields):
    start = timezone.localtime().replace(second=0, microsecond=0)
    return {
        "branch": branch.public_id,
        "kind": "purchase",
        "window_start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "window_end_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        **fields,
    }


def test_a_purchase_reported_on_the_page_counts_in_the_profile(client, branch):
    user = make_user()
    client.force_login(user)
    response = client.post("/pooling/carts/", _form(branch, amount="128.50"))
    assert response.status_code == 302
    report = CartReport.objects.get(user=user)
    assert (report.kind, report.amount_fen, report.branch) == (
        "purchase",
        12_850,
        branch,
    )
    page = client.get("/pooling/carts/").content.decode()
    assert page.count('class="row wrap cart"') == 1
    assert client.get("/api/pooling/profile", headers=auth(user)).json()["reports"] == 1


def test_a_product_with_its_price_makes_the_amount(client, branch):
    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    user = make_user()
    client.force_login(user)
    client.post(
        "/pooling/carts/",
        _form(
            branch, kind="intended", product=tea.public_id, unit_price="30", quantity=3
        ),
    )
    report = CartReport.objects.get(user=user)
    assert report.amount_fen == 9_000
    assert report.items == [
        {"product_id": tea.public_id, "unit_price_fen": 3_000, "quantity": 3}
    ]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({}, "amount"),  # neither an amount nor a product
        ({"amount": "-5"}, "amount"),
        ({"product": "?", "amount": "5"}, "product"),
    ],
)
def test_bad_reports_are_refused_on_the_form(client, branch, fields, field):
    client.force_login(make_user())
    response = client.post("/pooling/carts/", _form(branch, **fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert CartReport.objects.count() == 0


def test_a_report_above_what_the_api_allows_is_refused_on_its_field(client, branch):
    # given a shopper reading English on the cart page
    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    client.force_login(make_user(preferred_language="en"))
    # when the amount, or a price, is above ¥1,000,000 (the API's limit)
    for fields, field in (
        ({"amount": "99999999"}, "amount"),
        ({"product": tea.public_id, "unit_price": "2000000"}, "unit_price"),
    ):
        response = client.post("/pooling/carts/", _form(branch, **fields))
        # then the field says so, and nothing is written
        assert response.status_code == 200
        assert response.context["form"].errors[field] == ["At most ¥1,000,000.00."]
    # and a price within it times a quantity past it is refused on the amount
    response = client.post(
        "/pooling/carts/",
        _form(branch, product=tea.public_id, unit_price="1000000", quantity=999),
    )
    assert response.status_code == 200
    assert "The amount can be at most ¥1,000,000.00." in response.content.decode()
    assert CartReport.objects.count() == 0


def test_the_api_refuses_items_summing_past_the_limit(client, branch):
    # given items each within the limit, together ¥2,000,000
    user = make_user(preferred_language="en")
    start = timezone.now() - timedelta(hours=1)
    response = client.post(
        "/api/pooling/carts",
        {
            "branch_id": branch.public_id,
            "kind": "purchase",
            "items": [{"unit_price_fen": 100_000_000, "quantity": 2}],
            "window_start_at": start.isoformat(),
            "window_end_at": (start + timedelta(minutes=30)).isoformat(),
        },
        content_type="application/json",
        headers=auth(user),
    )
    # then it is a 400 on the amount (it was stored, past what an amount may be)
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "amount_fen": ["The amount can be at most ¥1,000,000.00."]
    }
    assert CartReport.objects.count() == 0


def test_a_window_ending_before_it_starts_is_refused(client, branch):
    client.force_login(make_user(preferred_language="en"))
    form = _form(branch, amount="10")
    form["window_start_at"], form["window_end_at"] = (
        form["window_end_at"],
        form["window_start_at"],
    )
    response = client.post("/pooling/carts/", form)
    assert response.status_code == 200
    assert response.context["form"].errors["window_end_at"] == [
        "The time window must end after it starts."
    ]
    assert CartReport.objects.count() == 0


PLAN_OVER = (
    "A planned purchase must end later than now. "
    "If you already bought it, report it as a purchase."
)


def test_a_planned_purchase_starts_in_the_future_and_a_purchase_in_the_past():
    # given the page opened at 14:07 (the site's time, Asia/Shanghai)
    now = datetime(2026, 12, 5, 6, 7, 31, tzinfo=UTC)
    # when the form is made
    form = CartReportForm(now=now)
    # then it starts on a purchase in the hour just past
    local = timezone.localtime
    assert form.fields["kind"].initial == "purchase"
    assert [local(form[f].initial).strftime("%H:%M") for f in WINDOW] == [
        "13:07",
        "14:07",
    ]
    # and offers a planned purchase from the next quarter hour, two hours long
    rendered = str(form["window_start_at"]) + str(form["window_end_at"])
    assert 'data-default-intended="2026-12-05T14:15"' in rendered
    assert 'data-default-intended="2026-12-05T16:15"' in rendered
    assert 'data-default-purchase="2026-12-05T13:07"' in rendered


def test_a_planned_purchase_already_over_is_refused_on_its_field(client, branch):
    # given a shopper who picks "planned purchase" and leaves the past hour
    user = make_user(preferred_language="en")
    client.force_login(user)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = _form(
        branch,
        kind="intended",
        amount="50",
        window_start_at=(now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        window_end_at=(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    # when they report it
    response = client.post("/pooling/carts/", form)
    # then it is refused on the Until field, and nothing is listed
    assert response.status_code == 200
    assert response.context["form"].errors == {"window_end_at": [PLAN_OVER]}
    assert CartReport.objects.count() == 0
    # and the same times as a purchase made are taken
    form["kind"] = "purchase"
    assert client.post("/pooling/carts/", form).status_code == 302
    assert list(CartReport.objects.values_list("kind", flat=True)) == ["purchase"]


@pytest.mark.parametrize(
    ("start_hours", "end_hours", "status"),
    [(-3, -1, 400), (-1, 1, 201), (1, 3, 201)],
)
def test_the_api_takes_a_planned_purchase_only_if_not_over(
    client, branch, start_hours, end_hours, status
):
    # given a planned purchase ending before now, going on now, or to come
    user = make_user(preferred_language="en")
    now = timezone.now()
    payload = {
        "branch_id": branch.public_id,
        "kind": "intended",
        "amount_fen": 5_000,
        "window_start_at": (now + timedelta(hours=start_hours)).isoformat(),
        "window_end_at": (now + timedelta(hours=end_hours)).isoformat(),
    }
    # when it is reported through the API
    response = client.post(
        "/api/pooling/carts",
        payload,
        content_type="application/json",
        headers=auth(user),
    )
    # then only the one already over is refused, on its end
    assert response.status_code == status
    if status == 400:
        assert response.json()["fields"] == {"window_end_at": [PLAN_OVER]}
        assert CartReport.objects.count() == 0
    else:
        assert CartReport.objects.get().kind == "intended"


PURCHASE_TO_COME = (
    "A purchase already made cannot start later than now. "
    "If you are going to buy it, report it as a planned purchase."
)


@pytest.mark.parametrize(
    ("start_minutes", "status"), [(-120, 201), (3, 201), (30, 400), (600, 400)]
)
def test_the_api_takes_a_purchase_only_if_it_has_begun(
    client, branch, start_minutes, status
):
    # given a purchase (already made) starting 2 h ago, 3 min ahead (a phone's
    # clock running fast), half an hour ahead, or ten hours ahead
    user = make_user(preferred_language="en")
    start = timezone.now() + timedelta(minutes=start_minutes)
    payload = {
        "branch_id": branch.public_id,
        "kind": "purchase",
        "amount_fen": 5_000,
        "window_start_at": start.isoformat(),
        "window_end_at": (start + timedelta(hours=1)).isoformat(),
    }
    response = client.post(
        "/api/pooling/carts",
        payload,
        content_type="application/json",
        headers=auth(user),
    )
    # then one that has not begun is refused on its start: it is a plan
    assert response.status_code == status, response.json()
    if status == 400:
        assert response.json()["fields"] == {"window_start_at": [PURCHASE_TO_COME]}
        assert CartReport.objects.count() == 0
    else:
        assert CartReport.objects.get().kind == "purchase"


def _report(user, branch, kind="intended"):
    now = timezone.now()
    return services.cart_report(
        actor=user,
        branch=branch,
        kind=kind,
        amount_fen=5_000,
        window_start_at=now,
        window_end_at=now + timedelta(hours=1),
    )


def test_my_carts_page_through_the_api_and_only_mine(client, branch):
    user = make_user()
    for _report_number in range(3):
        _report(user, branch)
    _report(make_user(), branch)
    page = client.get("/api/pooling/carts", {"page_size": 2}, headers=auth(user)).json()
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 2)


@pytest.mark.parametrize("who", ["another shopper", "the shop's owner"])
def test_another_user_or_merchant_cannot_delete_a_cart(client, who):
    _merchant, branch, owner = make_shop()
    user = make_user()
    cart = _report(user, branch)
    intruder = owner if who == "the shop's owner" else make_user()
    response = client.delete(
        f"/api/pooling/carts/{cart.public_id}", headers=auth(intruder)
    )
    assert response.status_code == 404
    client.force_login(intruder)
    page = client.post(f"/pooling/carts/{cart.public_id}/delete/")
    assert page.status_code == 404
    assert (
        client.get("/api/pooling/carts", headers=auth(intruder)).json()["items"] == []
    )
    assert CartReport.objects.filter(pk=cart.pk).exists()


def test_deleting_a_cart_takes_the_contact_requests_made_for_it(client, branch):
    user = make_user()
    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    cart = _report(user, branch)
    ContactRequest.objects.create(
        requester=make_user(), recipient=user, cart=cart, product=tea
    )
    response = client.delete(f"/api/pooling/carts/{cart.public_id}", headers=auth(user))
    assert response.status_code == 204
    assert not CartReport.objects.exists()
    assert not ContactRequest.objects.exists()
    again = client.delete(f"/api/pooling/carts/{cart.public_id}", headers=auth(user))
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("typed", "yuan"), [("50", "50"), ("1,299.50", "1299.50"), ("12，345", "12345")]
)
def test_a_cart_amount_is_read_as_every_price_field_reads_it(typed, yuan):
    assert CartReportForm().fields["amount"].clean(typed) == Decimal(yuan)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("1e2", "invalid"), ("2E1", "invalid"), ("0,05", "misplaced_comma")],
)
def test_a_cart_amount_in_exponent_or_with_a_decimal_comma_is_refused(typed, code):
    # "1e2" was ¥100 (Django's DecimalField reads exponents)
    with pytest.raises(forms.ValidationError) as error:
        CartReportForm().fields["amount"].clean(typed)
    assert error.value.code == code
