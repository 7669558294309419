"""The operators' audit trail, page (/operator/audit/) and API
(/api/operator/audit): every entry newest first, filtered, masked and
redacted, for operators only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.tests.factories import make_merchant_member, make_product
from groupbuy.core.audit import audit_log
from groupbuy.core.models import AuditEntry
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db

ACCOUNT = "6222020200112233"


def _api(client, user, **params):
    client.force_login(user)
    return client.get("/api/operator/audit", params, headers={"Accept-Language": "en"})


def _page(client, user, **params):
    client.force_login(user)
    return client.get("/operator/audit/", params, headers={"Accept-Language": "en"})


def _entry(*, actor, action, obj, data=None, days_ago=0):
    entry = audit_log(actor=actor, action=action, obj=obj, data=data)
    if days_ago:
        moment = timezone.now() - timedelta(days=days_ago)
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=moment)
    return entry


def test_the_api_lists_entries_newest_first_masked_and_redacted(client):
    # given an operator who looked at a person, then switched a product off,
    # with a payee account, a secret and a number in the data
    operator = make_operator()
    person = make_person()
    product = make_product()
    _entry(actor=operator, action="ops.lookup.user_viewed", obj=person, days_ago=1)
    _entry(
        actor=operator,
        action="catalog.product.selling_stopped",
        obj=product,
        data={
            "payee_account": ACCOUNT,
            "signature": "c2lnbmVk",
            "note": f"called {person.phone}",
        },
    )
    # when another operator reads the trail
    response = _api(client, make_operator())
    # then the newest comes first, each labelled by the app that writes it
    body = response.json()
    assert response.status_code == 200
    assert (body["total"], body["page"], body["pages"]) == (2, 1, 1)
    newest, oldest = body["items"]
    assert (newest["action"], newest["object_type"], newest["object_id"]) == (
        "catalog.product.selling_stopped",
        "catalog.product",
        product.public_id,
    )
    assert newest["action_label"] == "Product taken off sale"
    assert (oldest["action"], oldest["action_label"], oldest["object_id"]) == (
        "ops.lookup.user_viewed",
        "Opened a person's page",
        person.public_id,
    )
    # and the actor is named by their masked number, never in full
    masked = f"{operator.phone[:-8]}****{operator.phone[-4:]}"
    assert (newest["actor_id"], newest["actor"]) == (operator.public_id, masked)
    assert newest["data"] == {
        "payee_account": "****2233",
        "signature": "[redacted]",
        "note": f"called {person.phone[:-8]}****{person.phone[-4:]}",
    }
    assert operator.phone not in response.content.decode()
    assert ACCOUNT not in response.content.decode()


def test_an_object_without_a_public_id_is_listed_without_its_database_id(client):
    # given an entry about a membership (audited by its database id)
    membership = make_merchant_member()
    _entry(actor=None, action="accounts.membership.set", obj=membership)
    # when an operator reads the trail
    item = _api(client, make_operator()).json()["items"][0]
    # then the kind is named, its id is not; nobody acted (the platform)
    assert (item["object_type"], item["object_id"]) == (
        "accounts.merchantmembership",
        None,
    )
    assert (item["actor_id"], item["actor"]) == (None, "")


def test_the_filters_narrow_by_action_actor_object_and_days(client):
    # given entries by two people, about two products, on two days
    first, second = make_person(), make_person()
    tea, rice = make_product(), make_product()
    old = _entry(actor=first, action="catalog.product.updated", obj=tea, days_ago=10)
    by_second = _entry(actor=second, action="catalog.product.created", obj=rice)
    about_first = _entry(actor=first, action="deals.order.joined", obj=first)
    operator = make_operator()

    def listed(**params):
        response = _api(client, operator, **params)
        assert response.status_code == 200, response.content
        return [(row["action"], row["object_id"]) for row in response.json()["items"]]

    def row(entry):
        return (entry.action, entry.object_id)

    # when / then: an action's start, an actor by number or id, an object, days
    assert listed(action="catalog.product.") == [row(by_second), row(old)]
    assert listed(actor=first.phone) == [row(about_first), row(old)]
    assert listed(actor=second.public_id) == [row(by_second)]
    assert listed(object_type="catalog.product", object_id=tea.public_id) == [row(old)]
    assert listed(object_type="accounts.user") == [row(about_first)]
    today = timezone.localdate()
    assert listed(date_from=today.isoformat()) == [row(about_first), row(by_second)]
    assert listed(date_to=(today - timedelta(days=5)).isoformat()) == [row(old)]
    # and a valid actor nobody is lists nothing
    assert listed(actor="+8613900000000") == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"action": "Deals Order"}, "action", "Enter the start of an action's code"),
        ({"actor": "not a number"}, "actor", "neither"),
        ({"object_type": "deals.nothing"}, "object_type", "no kind of object"),
        ({"object_id": "dl_abc"}, "object_type", "Choose the kind of object"),
        (
            {"object_type": "accounts.merchantmembership", "object_id": "1"},
            "object_id",
            "no number to look for",
        ),
        (
            {"date_from": "2026-12-07", "date_to": "2026-12-01"},
            "date_to",
            "before the start date",
        ),
    ],
)
def test_a_bad_filter_is_refused_with_a_message(client, params, field, message):
    # given an operator
    operator = make_operator()
    # when they filter by a value that cannot be read, on the API and the page
    response = _api(client, operator, **params)
    page = _page(client, operator, **params)
    # then each says what is wrong, on its field
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert message in " ".join(response.json()["fields"][field])
    assert page.status_code == 400
    assert f'id="id_{field}_error"' in page.content.decode()
    assert 'id="audit-entries"' not in page.content.decode()


def test_a_date_that_is_no_date_is_refused(client):
    operator = make_operator()
    assert _api(client, operator, date_from="yesterday").status_code == 422
    page = _page(client, operator, date_from="yesterday")
    assert page.status_code == 400
    assert "Enter a valid date." in page.content.decode()


@pytest.mark.parametrize("role", ["shopper", "owner", "cashier"])
def test_only_operators_read_the_trail(client, role):
    # given an entry, and a shopper, a shop's owner and a cashier
    operator = make_operator()
    _entry(actor=operator, action="ops.lookup.user_viewed", obj=operator)
    if role == "shopper":
        user = make_person()
    else:
        member = make_merchant_member(
            user=make_person(), role=MerchantMembership.Role(role)
        )
        user = member.user
    # when they ask for the trail, over the API and as a page
    response = _api(client, user)
    page = _page(client, user)
    # then both refuse them, and show nothing of the entry
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert page.status_code == 403
    assert operator.public_id not in page.content.decode()


def test_a_visitor_is_sent_to_sign_in(client):
    assert client.get("/api/operator/audit").status_code == 401
    response = client.get("/operator/audit/")
    assert response.status_code == 302
    assert "login" in response.url


def test_the_page_links_the_actor_and_the_object_to_their_operator_pages(client):
    # given an operator who opened a person's page
    operator = make_operator()
    person = make_person()
    _entry(actor=operator, action="ops.lookup.user_viewed", obj=person)
    # when an operator opens the audit trail
    page = _page(client, make_operator())
    text = page.content.decode()
    # then the actor and the person link to their pages, the action is labelled
    assert page.status_code == 200
    assert f'href="/operator/people/{operator.public_id}/"' in text
    assert f'href="/operator/people/{person.public_id}/">{person.public_id}' in text
    assert "Opened a person&#x27;s page" in text
    assert operator.phone not in text
    # and the operator menu links to the trail
    assert 'id="operator-nav-audit"' in text


def test_a_page_costs_the_same_queries_however_many_entries(
    client, django_assert_max_num_queries
):
    # given 30 entries by 30 people
    for _ in range(30):
        person = make_person()
        _entry(actor=person, action="accounts.profile.updated", obj=person)
    operator = make_operator()
    client.force_login(operator)
    # when an operator reads a page of 20 over the API and as a page (the
    # session, the user, the count, the page's keys and its rows)
    with django_assert_max_num_queries(6):
        response = client.get("/api/operator/audit", {"page_size": 20})
    with django_assert_max_num_queries(8):
        page = client.get("/operator/audit/")
    # then
    assert len(response.json()["items"]) == 20
    assert page.content.decode().count('class="audit-entry"') == 20


def test_the_page_filters_by_a_labelled_action_or_by_every_action_of_an_app(client):
    # given a group buy's creation, one's creation with a demand's buyers (a
    # code the first is the start of), and a product's creation
    product = make_product()
    for action in (
        "deals.deal.created",
        "deals.deal.created_with_participants",
        "catalog.product.created",
    ):
        _entry(actor=None, action=action, obj=product)
    operator = make_operator()

    def listed(action):
        text = _page(client, operator, action=action).content.decode()
        return re.findall(r'<code class="small">([a-z_.]+)</code>', text), text

    # when an operator chooses one action, then all of an app's
    one, text = listed("deals.deal.created")
    every, _text = listed("app:deals")
    # then the action lists its own entries only, the app's all of its own
    assert one == ["deals.deal.created"]
    assert every == ["deals.deal.created_with_participants", "deals.deal.created"]
    # and the choices are the actions' labels, grouped by the app's name
    assert '<optgroup label="Group buys">' in text
    assert '<option value="app:deals">Every action in Group buys</option>' in text
    assert (
        '<option value="coupons.coupon.redeemed">Coupon redeemed at the till</option>'
        in text
    )
