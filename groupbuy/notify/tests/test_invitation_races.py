"""The per-number cap of invitation texts holds when invitations to one number
are sent at the same moment (shares from several people, a double tap)."""

import pytest

from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.notify import senders
from groupbuy.notify.invitations import notification_invite
from groupbuy.notify.models import Delivery, Invitation

pytestmark = pytest.mark.django_db(transaction=True)

STRANGER = "+8613912340457"


def test_a_number_is_texted_at_most_three_times_however_many_invite_it_at_once(
    file_database,  # noqa: F811
    settings,
    monkeypatch,
):
    # given at most 3 invitation texts a day to one number
    settings.GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY = 3
    monkeypatch.setattr(senders, "publish", lambda *args: None)

    def invite(n: int):
        return lambda: notification_invite(
            actor=None,
            address=STRANGER,
            kind="sharing.invitation",
            title="Someone shares a group buy with you",
            body=f"Offer {n}",
        )

    # when eight invitations to it are sent at the same moment
    outcomes = race([invite(n) for n in range(8)])
    # then all are kept for whoever signs up with it, and three are texted
    assert outcomes == {"ok": 8}
    assert Invitation.objects.count() == 8
    assert Delivery.objects.filter(channel="sms").count() == 3
