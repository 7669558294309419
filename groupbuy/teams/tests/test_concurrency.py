"""Racing for the last place on SQLite (threads on a file database; on
PostgreSQL the same tests run on real connections)."""

import pytest

from groupbuy.teams.tests import racing_cases


@pytest.mark.django_db(transaction=True)
def test_the_last_place_is_taken_exactly_once(file_database):
    racing_cases.last_slot_is_taken_once(racers=8)


@pytest.mark.django_db(transaction=True)
def test_stock_is_never_oversold_across_racing_teams(file_database):
    racing_cases.stock_is_never_oversold_across_teams(teams=6, stock=9, racers=16)


@pytest.mark.django_db(transaction=True)
def test_racing_payments_complete_the_team_once(file_database):
    racing_cases.racing_payments_complete_the_team_once()


@pytest.mark.django_db(transaction=True)
def test_one_shopper_opening_teams_at_once_never_exceeds_the_limit(file_database):
    racing_cases.one_shopper_never_exceeds_the_limit(attempts=6, limit=2)


# A joiner's payment landing while the deal is stopped: on PostgreSQL the stop
# used to read the member before locking its intent, saw "pending" while the
# capture committed "paid", and cancelled it with the money kept.
@pytest.mark.django_db(transaction=True)
def test_stopping_the_deal_while_members_join_and_pay(file_database):
    racing_cases.stopping_the_deal_while_members_join_and_pay_refunds_each_once(teams=4)


@pytest.mark.django_db(transaction=True)
def test_stock_added_while_shoppers_buy_is_never_lost(file_database):
    racing_cases.stock_added_while_shoppers_buy_is_never_lost(buyers=8, additions=3)


@pytest.mark.django_db(transaction=True)
def test_selling_for_longer_while_the_deal_closes_ends_closed(file_database):
    racing_cases.selling_for_longer_while_the_deal_closes_ends_closed()


# Paying again for a declined place while the payment window's expiry gives it
# up: the expiry read the order before the new payment replaced its intent, and
# left that new payment open.
@pytest.mark.django_db(transaction=True)
def test_paying_again_while_the_place_is_given_up(file_database):
    racing_cases.paying_again_while_the_place_is_given_up_leaves_nothing_open(tabs=4)


# Members of a complete team refunding their coupons at once: each place is
# released (the team counted down) once, whichever tab's refund lands first.
@pytest.mark.django_db(transaction=True)
def test_members_refunding_a_complete_team_at_once(file_database):
    racing_cases.members_refunding_a_complete_team_at_once_count_down_once_each()
