"""The team page invites people to join only while the team is open; once it
completes, expires or is stopped it shows the outcome instead."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from groupbuy.escrow.models import PaymentIntent
from groupbuy.teams.models import Team
from groupbuy.teams.services import (
    team_complete,
    team_expire,
    team_join,
    team_open,
    team_stop,
)
from groupbuy.teams.tests.factories import expire_now, make_team_deal, make_user, pay

pytestmark = pytest.mark.django_db

OPEN_ONLY = (
    'id="team-slots"',
    'id="team-countdown"',
    "Time left to fill:",
    'id="team-join"',
    'id="team-share"',
    "Share this team's link",
)
COMPLETED = "This team is complete"
REFUNDED = "This team did not fill"


def _team_page(client, team: Team) -> str:
    client.force_login(make_user(preferred_language="en"))  # not a member
    response = client.get(f"/teams/t/{team.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def _open_team() -> Team:
    opener = team_open(actor=make_user(), team_deal=make_team_deal(team_size=2))
    pay(opener)
    return opener.team


def test_an_open_team_shows_places_left_the_countdown_and_the_invitation(client):
    # given
    team = _open_team()
    # when
    page = _team_page(client, team)
    # then
    for fragment in OPEN_ONLY:
        assert fragment in page
    assert "1 place left" in page
    # and the outcomes it may reach live are there, hidden
    assert f'id="team-completed" hidden>{COMPLETED}' in page
    assert f'id="team-refunded" hidden>{REFUNDED}' in page


def test_a_complete_team_shows_its_outcome_and_invites_nobody(client):
    # given
    team = _open_team()
    pay(team_join(actor=make_user(), team=team))
    team = team_complete(team=team)
    assert team.state == Team.State.COMPLETE
    # when
    page = _team_page(client, team)
    # then
    for fragment in OPEN_ONLY:
        assert fragment not in page
    assert "place(s) left" not in page
    assert 'class="countdown"' not in page
    assert f'id="team-completed">{COMPLETED}' in page
    assert REFUNDED not in page
    assert 'id="team-state"' in page and ">Complete</span>" in page


@pytest.mark.parametrize("ending", ["expired", "stopped"])
def test_a_team_that_did_not_fill_shows_the_refund_and_invites_nobody(client, ending):
    # given
    team = _open_team()
    if ending == "expired":
        team = team_expire(team=expire_now(team))
    else:
        team = team_stop(team=team)
    assert team.state == ending
    # when
    page = _team_page(client, team)
    # then
    for fragment in OPEN_ONLY:
        assert fragment not in page
    assert 'class="countdown"' not in page
    assert f'id="team-refunded">{REFUNDED}' in page
    assert COMPLETED not in page


def test_the_payers_part_is_fetched_again_and_drops_being_confirmed_once_paid(
    client,
):
    # given a shopper who paid on the provider's page, its answer not here yet
    shopper = make_user(preferred_language="en")
    member = team_open(actor=shopper, team_deal=make_team_deal(team_size=2))
    PaymentIntent.objects.filter(pk=member.order.payment_intent_id).update(
        submitted_at=timezone.now()
    )
    team_id = member.team.public_id
    client.force_login(shopper)
    page = client.get(f"/teams/t/{team_id}/").content.decode()
    # then the page says so, and fetches its payment part again (on the
    # team's and the payment's live updates, and every 2 s meanwhile)
    assert 'id="team-payment-waiting"' in page
    assert f'hx-get="/teams/t/{team_id}/payment/"' in page
    assert 'hx-trigger="order-changed, team-changed, every 2s"' in page
    # when the answer comes and the place is marked paid
    pay(member)
    assert member.status == member.Status.PAID
    part = client.get(f"/teams/t/{team_id}/payment/")
    # then the part fetched again no longer says it is being confirmed
    assert part.status_code == 200
    body = part.content.decode()
    assert 'id="team-payment"' in body
    assert "team-payment-waiting" not in body and 'id="team-pay"' not in body
    assert "every 2s" not in body


def test_members_and_others_alike_are_told_friends_can_join_this_team(client):
    # given an open team
    opener = team_open(
        actor=make_user(preferred_language="en"), team_deal=make_team_deal()
    )
    pay(opener)
    team = opener.team
    # when someone who is not in it looks, and when its opener does
    stranger_page = _team_page(client, team)
    client.force_login(opener.shopper)
    opener_page = client.get(f"/teams/t/{team.public_id}/").content.decode()
    # then both read that friends can join this team (a joiner shares a team
    # that is not "theirs", until 2026-12-06 "friends who open it join your team")
    for page in (stranger_page, opener_page):
        assert "join your team" not in page
        assert "Share this team's link: friends who open it can join this team." in page


def _members(page: str) -> list[str]:
    listed = re.search(r'id="team-members">(.*?)</ul>', page, re.S)
    return [item.strip() for item in re.findall(r"<li>(.*?)</li>", listed.group(1))]


def test_the_joiner_who_must_pay_is_told_the_team_waits_for_them_and_sees_you(
    client,
):
    # given a team of two whose opener paid and whose joiner took the last
    # place, unpaid
    opener = team_open(
        actor=make_user(preferred_language="en", display_name="小王"),
        team_deal=make_team_deal(),
    )
    pay(opener)
    team = opener.team
    joiner = team_join(
        actor=make_user(preferred_language="en", display_name="小李"), team=team
    )
    # when the joiner, the opener and someone else open the team page
    client.force_login(joiner.shopper)
    joiner_page = client.get(f"/teams/t/{team.public_id}/").content.decode()
    client.force_login(opener.shopper)
    opener_page = client.get(f"/teams/t/{team.public_id}/").content.decode()
    stranger_page = _team_page(client, team)
    # then the joiner is told the team waits for their own payment
    mine = (
        "This team is full and waits for your payment: pay in time, or your "
        "place opens again for someone else.</p>"
    )
    others = (
        "This team is full, waiting for a member to pay; a place not paid in "
        "time opens again.</p>"
    )
    assert mine in joiner_page and others not in joiner_page
    assert others in opener_page and mine not in opener_page
    # and each member sees their own place as theirs, nobody else's
    assert _members(joiner_page) == ["小** ✓", "小** (you)"]
    assert _members(opener_page) == ["小** (you) ✓", "小**"]
    assert _members(stranger_page) == ["小** ✓", "小**"]


def test_a_full_team_waiting_for_a_payment_says_so_and_takes_nobody(client):
    # given a team of two whose last place is taken but not paid
    opener = team_open(
        actor=make_user(preferred_language="en"), team_deal=make_team_deal()
    )
    pay(opener)
    team = opener.team
    team_join(actor=make_user(), team=team)
    team.refresh_from_db()
    assert (team.state, team.slots_left) == (Team.State.OPEN, 0)
    # when someone else looks at it, and its opener at My teams
    page = _team_page(client, team)
    client.force_login(opener.shopper)
    listing = client.get("/teams/").content.decode()
    order_page = client.get(f"/orders/{opener.order.public_id}/").content.decode()
    # then it says it is full and waits for a payment, not "0 places left"
    assert (
        "This team is full, waiting for a member to pay; a place not paid in time "
        "opens again.</p>"
    ) in page
    assert "Full, waiting for a member to pay · " in listing
    assert "Full, waiting for a member to pay · " in order_page
    for shown in (page, listing, order_page):
        assert "0 places left" not in shown
    # and offers no join button for now (teams.js shows it if a place opens)
    assert 'id="team-join-form" action="' in page
    assert f'action="/teams/t/{team.public_id}/join/" hidden>' in page


def test_the_open_teams_read_as_one_phrase_a_language_can_punctuate(
    client, monkeypatch
):
    # given a deal with an open team, and a translation of the open team's
    # line as a translator writes it (full-width comma, the time last)
    from django.utils import translation

    opener = team_open(actor=make_user(), team_deal=make_team_deal())
    pay(opener)
    real_ngettext = translation.ngettext
    msgid = (
        '%(left)s more needed, <span class="countdown" data-seconds="%(seconds)s">'
        "</span> left"
    )
    zh = (
        '还差 %(left)s 人，剩余 <span class="countdown" data-seconds="%(seconds)s">'
        "</span>"
    )

    def translated(singular, plural, number):
        if singular == msgid:
            return zh
        return real_ngettext(singular, plural, number)

    monkeypatch.setattr(translation, "ngettext", translated)
    # when anyone opens the deal's teams page
    page = client.get(
        f"/teams/deals/{opener.team.team_deal.deal.public_id}/"
    ).content.decode()
    # then the line is that one phrase: its number, comma and countdown together
    assert '还差 1 人，剩余 <span class="countdown" data-seconds="' in page
    assert "人," not in page


def test_an_open_team_page_carries_an_empty_polite_region_for_its_changes(client):
    # given an open team (teams.js announces its places and outcome there)
    team = _open_team()
    # when its page is shown
    page = _team_page(client, team)
    # then a polite status region is there from the start, empty, and not
    # among what goes when the team completes
    assert (
        '<p class="visually-hidden" id="team-announce" role="status" '
        'aria-live="polite" aria-atomic="true"></p>'
    ) in page
    assert "team-announce" not in OPEN_ONLY


def _pages_of_member_and_stranger(client, member) -> tuple[str, str]:
    client.force_login(member.shopper)
    mine = client.get(f"/teams/t/{member.team.public_id}/").content.decode()
    return mine, _team_page(client, member.team)


def test_a_member_of_a_complete_team_is_led_to_their_order_and_its_coupon(client):
    # given an open team of two, its opener paid
    opener = team_open(
        actor=make_user(preferred_language="en"), team_deal=make_team_deal()
    )
    pay(opener)
    order_link = (
        f'id="team-order-link" href="/orders/{opener.order.public_id}/">'
        "See your order and coupon</a>"
    )
    # then while it forms, its page carries the way to the order hidden
    # (teams.js shows it when the team completes while the page is open)
    mine, strangers = _pages_of_member_and_stranger(client, opener)
    hidden = f'data-team-next="complete" hidden><a class="button primary" {order_link}'
    assert hidden in mine
    # when a friend fills it
    pay(team_join(actor=make_user(), team=opener.team))
    team_complete(team=opener.team)
    # then the opener's page leads to their order (its coupon is there), shown
    mine, strangers = _pages_of_member_and_stranger(client, opener)
    shown = hidden.replace(" hidden>", ">", 1)
    assert shown in mine
    # and someone not in the team is led to no order
    assert "team-order-link" not in strangers
    assert "team-next-refunded" not in strangers


def test_a_member_of_a_team_that_did_not_fill_is_told_where_the_money_goes(client):
    # given a team whose opener paid, and whose time ran out
    opener = team_open(
        actor=make_user(preferred_language="en"), team_deal=make_team_deal()
    )
    pay(opener)
    team_expire(team=expire_now(opener.team))
    # when its opener and someone else look at it
    mine, strangers = _pages_of_member_and_stranger(client, opener)
    # then the opener reads where the refund goes and is led to My money
    assert (
        "What you paid goes back in full the way you paid it; follow it under My money."
    ) in mine
    assert 'id="team-money-link" href="/money/"' in mine
    assert "team-order-link" not in mine
    # and someone not in the team is told nothing of a payment of theirs
    assert "team-next-refunded" not in strangers


def test_every_team_page_leads_back_to_its_group_buy(client):
    # given an open team (a friend who opens its link sees only the team)
    team = _open_team()
    # when someone opens it
    page = _team_page(client, team)
    # then it leads to its group buy's page (the product, the other teams)
    deal_id = team.team_deal.deal.public_id
    assert f'id="team-deal-link" href="/deals/{deal_id}/">' in page


def test_each_of_my_teams_is_one_row_to_tap_whole(client):
    # given a shopper in a team still forming
    opener = team_open(
        actor=make_user(preferred_language="en"), team_deal=make_team_deal()
    )
    pay(opener)
    team_id = opener.team.public_id
    client.force_login(opener.shopper)
    # when they open My teams
    listing = client.get("/teams/").content.decode()
    # then the whole row, its price, states and places left, is the link to
    # the team (a thumb tall), not only the deal's title (a 20 px line)
    row = re.search(
        rf'<li class="my-team" data-team="{team_id}">(.*?)</li>', listing, re.S
    ).group(1)
    assert row.startswith(f'<a class="row" href="/teams/t/{team_id}/">')
    assert row.endswith("</a>")
    assert "Paid" in row and "1 place left" in row


def test_the_readers_own_place_is_one_phrase_a_language_can_punctuate(
    client, monkeypatch
):
    # given a member of an open team, and a translation of "(you)" beside a
    # name as a Chinese translator writes it (full-width brackets, no space)
    from django.utils import translation

    member = team_open(
        actor=make_user(preferred_language="en", display_name="小王"),
        team_deal=make_team_deal(),
    )
    pay(member)
    real_gettext = translation.gettext

    def translated(message):
        if message == "%(name)s (you)":
            return "%(name)s（您）"
        return real_gettext(message)

    monkeypatch.setattr(translation, "gettext", translated)
    # when they open the team's page
    client.force_login(member.shopper)
    page = client.get(f"/teams/t/{member.team.public_id}/").content.decode()
    # then their place reads as the translation has it, and the live list
    # (teams.js) gets the same phrase to put the name in
    assert _members(page) == ["小**（您） ✓"]
    assert 'data-mine="__NAME__（您）"' in page


def test_a_team_that_did_not_fill_is_labelled_apart_from_things_that_expire(
    client, monkeypatch
):
    # given a team whose time ran out, and a translation that tells a team
    # that did not fill (拼团失败) from a coupon or a request that expired
    # (已过期), which share the English word
    from django.utils import translation

    team = _open_team()
    team_expire(team=expire_now(team))
    real_pgettext = translation._trans.pgettext

    def translated(context, message):
        if (context, message) == ("team state", "Expired"):
            return "拼团失败"
        return real_pgettext(context, message)

    monkeypatch.setattr(translation._trans, "pgettext", translated)
    # when someone opens its page
    page = _team_page(client, team)
    # then it is labelled by the team's own word, also for the live update
    assert 'data-label-expired="拼团失败"' in page
    assert 'id="team-state" ' in page and ">拼团失败</span>" in page


def _ended_team_of_a_payer_and_an_unpaid_joiner():
    """A team of two whose opener (小王) paid and whose joiner (小李) took the
    last place unpaid, and whose time then ran out."""
    opener = team_open(
        actor=make_user(preferred_language="en", display_name="小王"),
        team_deal=make_team_deal(),
    )
    pay(opener)
    joiner = team_join(
        actor=make_user(preferred_language="en", display_name="小李"),
        team=opener.team,
    )
    team_expire(team=expire_now(opener.team))
    return opener, joiner


PAID_BACK = (
    "What you paid goes back in full the way you paid it; follow it under My money."
)
NOT_CHARGED = "You had not paid for your place, so nothing was charged."


def test_only_members_who_paid_a_team_that_did_not_fill_are_told_of_a_refund(
    client,
):
    # given a team that did not fill, with a paid and an unpaid member
    opener, joiner = _ended_team_of_a_payer_and_an_unpaid_joiner()
    # when each of them looks at it
    payers, _ = _pages_of_member_and_stranger(client, opener)
    unpaid, strangers = _pages_of_member_and_stranger(client, joiner)
    # then the one who paid is told their money goes back, under My money
    assert PAID_BACK in payers and NOT_CHARGED not in payers
    # and the one who had not paid is told nothing was charged, not a refund
    # (carried hidden: a payment made in time may still land, and be refunded)
    assert '<p id="team-not-charged">' + NOT_CHARGED in unpaid
    assert '<div id="team-paid-back" hidden>' in unpaid
    # and someone else is told neither
    assert PAID_BACK not in strangers and NOT_CHARGED not in strangers


def test_a_team_that_did_not_fill_still_lists_who_was_in_it(client):
    # given a team that did not fill, with a paid and an unpaid member
    opener, joiner = _ended_team_of_a_payer_and_an_unpaid_joiner()
    # when its members and someone else look at it
    payers, strangers = _pages_of_member_and_stranger(client, opener)
    unpaid, _ = _pages_of_member_and_stranger(client, joiner)
    # then each still finds the members, masked, the refunded one marked so
    refunded = '<span class="pill">Refunded</span>'
    assert _members(strangers) == [f"小** {refunded}", "小**"]
    assert _members(payers) == [f"小** (you) {refunded}", "小**"]
    assert _members(unpaid) == [f"小** {refunded}", "小** (you)"]
    # and the API lists them as the page does
    team_id = opener.team.public_id
    answer = client.get(f"/api/teams/{team_id}").json()
    assert [(m["paid"], m["refunded"]) for m in answer["members"]] == [
        (False, True),
        (False, False),
    ]


def test_each_open_team_of_a_deal_says_who_opened_it(client):
    # given a deal with a team opened by 小王
    opener = team_open(
        actor=make_user(display_name="小王"), team_deal=make_team_deal(team_size=3)
    )
    pay(opener)
    # when someone else opens the deal's teams page
    client.force_login(make_user(preferred_language="en"))
    page = client.get(
        f"/teams/deals/{opener.team.team_deal.deal.public_id}/"
    ).content.decode()
    # then the team's row names its opener, masked as the team page masks them
    row = re.search(r'<li class="open-team".*?</li>', page, re.S).group(0)
    assert 'Opened by <span class="open-team-opener">小**</span>' in row
    assert "小王" not in page


def test_a_payment_arriving_after_the_team_ended_is_pushed_as_refunded(
    monkeypatch, django_capture_on_commit_callbacks
):
    # given a team that did not fill, its joiner's place cancelled unpaid with
    # it, and the team's page open (it heard the joiner was charged nothing)
    from groupbuy.teams.selectors import member_key
    from groupbuy.teams.services import common

    opener, joiner = _ended_team_of_a_payer_and_an_unpaid_joiner()
    heard = []
    monkeypatch.setattr(common, "publish", lambda group, event: heard.append(event))
    # when the joiner's payment, made on the provider's page in time, lands
    # after the end (and is refunded in full)
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(joiner) == "captured_refunded"
    # then the team's page hears that the joiner's money went back, so it says
    # their payment is refunded rather than that nothing was charged
    pushed = [e for e in heard if e.get("team_id") == joiner.team.public_id]
    assert pushed and pushed[-1]["state"] == Team.State.EXPIRED
    places = {m["key"]: m["refunded"] for m in pushed[-1]["members"]}
    assert places == {member_key(opener): True, member_key(joiner): True}
