from django.test import Client
from django.urls import reverse

from groupbuy.deals.tests.factories import join_and_pay, make_deal


def test_operator_dashboard_redirects_visitor(db):
    response = Client().get(reverse("web:operator_home"))
    assert response.status_code == 302


def test_operator_dashboard_forbidden_for_shopper(shopper_client):
    assert shopper_client.get(reverse("web:operator_home")).status_code == 403


def test_operator_dashboard_shows_counts_money_and_demand_alerts(operator_client):
    # given
    deal = make_deal()
    join_and_pay(deal)
    # when
    response = operator_client.get(reverse("web:operator_home"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="operator-open-deals">1<' in html
    assert 'id="operator-orders-today">1<' in html
    assert 'id="operator-money-held">¥99.00<' in html
    assert 'id="demand-alerts"' in html
    assert [card.deal.pk for card in response.context["closing_soon"]] == [deal.pk]


def test_the_dashboard_says_what_its_payments_and_look_up_take(operator, db):
    # given an operator reading English
    operator.preferred_language = "en"
    operator.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(operator)
    # when they open the dashboard
    response = client.get(reverse("web:operator_home"))
    # then the payments chart says it counts orders' payments only (it read
    # "Payments captured (GMV)", though demand deposits are not in it)
    (payments,) = [
        chart
        for chart in response.context["charts"]
        if chart.title == "Payments and refunds per day"
    ]
    assert payments.series[0].label == (
        "Order payments captured (GMV, demand deposits not included)"
    )
    # and Look up's box says what the Look up page takes (shop names too)
    html = response.content.decode()
    assert (
        '<label for="operator-lookup-q">Phone number, a shop\'s name, or the '
        "number of a person, an order, a payment or a shop</label>"
    ) in html
