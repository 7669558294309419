"""Team sockets: a snapshot on connect, then every join pushed live."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone, translation

from groupbuy.accounts.personal_data import PSEUDONYM_PREFIX
from groupbuy.core.plugins import websocket_urlpatterns
from groupbuy.realtime.testing import fresh_channel_layer  # noqa: F401
from groupbuy.teams.consumers import TeamConsumer
from groupbuy.teams.models import Team
from groupbuy.teams.services import team_join, team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

application = URLRouter(websocket_urlpatterns())


def _open_team():
    team_deal = make_team_deal(team_size=3)
    return team_open(actor=make_user(), team_deal=team_deal).team


def _join(team):
    return team_join(actor=make_user(), team=team)


async def test_the_team_page_gets_a_snapshot_then_each_join():
    team = await database_sync_to_async(_open_team)()
    communicator = WebsocketCommunicator(application, f"/ws/teams/{team.public_id}/")
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from()
    assert (snapshot["type"], snapshot["slots_left"]) == ("team.update", 2)
    await database_sync_to_async(_join)(team)
    update = await communicator.receive_json_from(timeout=3)
    assert (update["team_id"], update["slots_left"]) == (team.public_id, 1)
    await communicator.disconnect()


def _expiring_at(team, moment):
    Team.objects.filter(pk=team.pk).update(expires_at=moment)


async def test_the_snapshot_writes_its_time_as_the_api_does():
    # given an open team that expires at a moment with microseconds
    team = await database_sync_to_async(_open_team)()
    expires_at = (timezone.now() + timedelta(hours=5)).replace(microsecond=123456)
    await database_sync_to_async(_expiring_at)(team, expires_at)
    # when
    communicator = WebsocketCommunicator(application, f"/ws/teams/{team.public_id}/")
    await communicator.connect()
    snapshot = await communicator.receive_json_from()
    await communicator.disconnect()
    # then
    assert snapshot["expires_at"] == expires_at.strftime("%Y-%m-%dT%H:%M:%S.123Z")


async def test_a_change_while_the_socket_joins_is_in_its_snapshot(monkeypatch):
    # A member joining (or a payment confirmed) after the socket's check but
    # before it is in the team's group is pushed to nobody: the first message
    # must already carry it.
    team = await database_sync_to_async(_open_team)()
    join_group = TeamConsumer.join

    async def someone_joins_first(consumer, group):
        await database_sync_to_async(_join)(team)
        await join_group(consumer, group)

    monkeypatch.setattr(TeamConsumer, "join", someone_joins_first)
    communicator = WebsocketCommunicator(application, f"/ws/teams/{team.public_id}/")
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["slots_left"] == 1
    await communicator.disconnect()


async def test_the_deal_page_hears_about_its_teams():
    team = await database_sync_to_async(_open_team)()
    deal_id = await database_sync_to_async(lambda: team.team_deal.deal.public_id)()
    communicator = WebsocketCommunicator(application, f"/ws/team-deals/{deal_id}/")
    connected, _ = await communicator.connect()
    assert connected
    await database_sync_to_async(_join)(team)
    update = await communicator.receive_json_from(timeout=3)
    assert (update["type"], update["member_count"]) == ("team.update", 2)
    await communicator.disconnect()


async def test_an_unknown_team_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/teams/team_nothing/")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4404,
    }


def _team_of_an_erased_opener():
    team = _open_team()
    opener = team.members.get().shopper
    type(opener).objects.filter(pk=opener.pk).update(phone=f"{PSEUDONYM_PREFIX}1")
    return team


async def _watching_in(language: str, team):
    socket = WebsocketCommunicator(
        application,
        f"/ws/teams/{team.public_id}/",
        headers=[(b"accept-language", language.encode())],
    )
    assert (await socket.connect())[0]
    return socket


async def test_an_erased_member_is_named_in_each_watchers_language():
    # given a team whose opener erased their account, watched by a page in
    # English and one in Chinese
    team = await database_sync_to_async(_team_of_an_erased_opener)()
    languages = ("en", "zh-hans")
    sockets = [await _watching_in(language, team) for language in languages]
    snapshots = [await socket.receive_json_from() for socket in sockets]
    # when someone joins, their request in English
    with translation.override("en"):
        await database_sync_to_async(_join)(team)
    pushed = [await socket.receive_json_from(timeout=3) for socket in sockets]
    for socket in sockets:
        await socket.disconnect()
    # then each page names the opener in its own language, on joining and live
    named = ["Deleted user", "已注销用户"]
    assert [event["members"][0]["name"] for event in snapshots] == named
    assert [event["members"][0]["name"] for event in pushed] == named
