"""The last-place race on PostgreSQL with many real connections."""

import pytest

from groupbuy.teams.tests import racing_cases

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
MAX_CONNECTIONS = 30


@pytest.mark.django_db(transaction=True)
def test_the_last_place_is_taken_exactly_once_on_postgres():
    racing_cases.last_slot_is_taken_once(racers=60, max_connections=MAX_CONNECTIONS)


@pytest.mark.django_db(transaction=True)
def test_stock_is_never_oversold_across_teams_on_postgres():
    racing_cases.stock_is_never_oversold_across_teams(
        teams=40, stock=50, racers=120, max_connections=MAX_CONNECTIONS
    )


@pytest.mark.django_db(transaction=True)
def test_racing_payments_complete_the_team_once_on_postgres():
    racing_cases.racing_payments_complete_the_team_once()


@pytest.mark.django_db(transaction=True)
def test_one_shopper_never_exceeds_the_limit_on_postgres():
    racing_cases.one_shopper_never_exceeds_the_limit(
        attempts=20, limit=3, max_connections=MAX_CONNECTIONS
    )


# A joiner's payment landing while the deal is stopped: on PostgreSQL the stop
# used to read the member before locking its intent, saw "pending" while the
# capture committed "paid", and cancelled it with the money kept.
@pytest.mark.django_db(transaction=True)
def test_stopping_the_deal_while_members_join_and_pay_on_postgres():
    racing_cases.stopping_the_deal_while_members_join_and_pay_refunds_each_once(
        teams=10, max_connections=MAX_CONNECTIONS
    )


@pytest.mark.django_db(transaction=True)
def test_stock_added_while_shoppers_buy_is_never_lost_on_postgres():
    racing_cases.stock_added_while_shoppers_buy_is_never_lost(
        buyers=40, additions=10, max_connections=MAX_CONNECTIONS
    )


@pytest.mark.django_db(transaction=True)
def test_selling_for_longer_while_the_deal_closes_ends_closed_on_postgres():
    racing_cases.selling_for_longer_while_the_deal_closes_ends_closed(
        max_connections=MAX_CONNECTIONS
    )


@pytest.mark.django_db(transaction=True)
def test_paying_again_while_the_place_is_given_up_on_postgres():
    racing_cases.paying_again_while_the_place_is_given_up_leaves_nothing_open(
        tabs=10, max_connections=MAX_CONNECTIONS
    )
