"""The demand socket: snapshot on connect, progress when someone joins."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from groupbuy.core.plugins import websocket_urlpatterns
from groupbuy.demands import services
from groupbuy.demands.tests.factories import (
    join_and_pay,
    make_demand,
    make_offer,
    make_owner_merchant,
    make_published,
    make_user,
)
from groupbuy.demands.tests.test_deadline_and_photos import png
from groupbuy.realtime.testing import fresh_channel_layer  # noqa: F401

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

application = URLRouter(websocket_urlpatterns())


async def test_watchers_get_the_snapshot_then_progress_when_someone_joins():
    # The units still wanted changed on a join (its units held at once) with
    # nothing sent: the page's "8 units are still wanted." stayed until reloaded.
    demand = await database_sync_to_async(make_published)(
        quantity_wanted=10, initiator_quantity=2
    )
    communicator = WebsocketCommunicator(
        application, f"/ws/demands/{demand.public_id}/"
    )
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "demand.snapshot"
    assert snapshot["demand"]["deadline_ms"] == demand.deadline_ms
    assert snapshot["demand"]["committed_units"] == 2
    assert snapshot["demand"]["units_still_wanted"] == 8
    await database_sync_to_async(join_and_pay)(demand, quantity=3)
    # the join holds its 3 units at once, then its deposit commits them
    joined = await communicator.receive_json_from(timeout=3)
    assert joined["type"] == "demand.updated"
    assert (joined["committed_units"], joined["units_still_wanted"]) == (2, 5)
    paid = await communicator.receive_json_from(timeout=3)
    assert (paid["committed_units"], paid["units_still_wanted"]) == (5, 5)
    await communicator.disconnect()


async def test_a_draft_cannot_be_watched():
    demand = await database_sync_to_async(make_demand)()
    communicator = WebsocketCommunicator(
        application, f"/ws/demands/{demand.public_id}/"
    )
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4404,
    }


def _offer_at(demand, merchant, owner, unit_price_fen):
    return make_offer(
        demand, merchant=merchant, owner=owner, unit_price_fen=unit_price_fen
    )


async def test_watchers_are_told_when_an_offer_is_sent_and_when_it_is_replaced():
    # given a watcher of a published demand without offers
    demand = await database_sync_to_async(make_published)()
    merchant, owner = await database_sync_to_async(make_owner_merchant)()
    communicator = WebsocketCommunicator(
        application, f"/ws/demands/{demand.public_id}/"
    )
    assert (await communicator.connect())[0]
    snapshot = await communicator.receive_json_from()
    assert snapshot["demand"]["offers_changed_ms"] is None
    # when a merchant sends an offer
    offer = await database_sync_to_async(_offer_at)(demand, merchant, owner, 4_800)
    # then the watcher learns the offers changed, and when
    sent = await communicator.receive_json_from(timeout=3)
    assert (sent["type"], sent["open_offers"]) == ("demand.updated", 1)
    assert sent["offers_changed_ms"] == round(offer.updated_at.timestamp() * 1000)
    # when it replaces the offer: the count is the same, the moment is not
    revised = await database_sync_to_async(_offer_at)(demand, merchant, owner, 4_600)
    replaced = await communicator.receive_json_from(timeout=3)
    assert replaced["open_offers"] == 1
    assert replaced["offers_changed_ms"] == round(revised.updated_at.timestamp() * 1000)
    assert replaced["offers_changed_ms"] > sent["offers_changed_ms"]
    # (and nothing about the offer itself: who may see it is the page's to say)
    assert not {"offers", "unit_price_fen", "merchant"} & replaced.keys()
    await communicator.disconnect()


def _published_with_photo():
    demand = make_published()
    photo = services.demand_photo_add(
        actor=demand.initiator, demand=demand, upload=png()
    )
    return demand, photo


async def test_watchers_are_told_when_an_operator_hides_a_photo(settings, tmp_path):
    # A hidden photo stayed on every open page of the demand until reloaded.
    # given a watcher of a published demand with a photo
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    demand, photo = await database_sync_to_async(_published_with_photo)()
    operator = await database_sync_to_async(make_user)(is_staff=True)
    communicator = WebsocketCommunicator(
        application, f"/ws/demands/{demand.public_id}/"
    )
    assert (await communicator.connect())[0]
    await communicator.receive_json_from()
    # when an operator hides the photo (twice: a repeat tells nobody again)
    for _ in range(2):
        await database_sync_to_async(services.demand_photo_hide)(
            actor=operator, photo_id=photo.public_id
        )
    # then the watcher is told which photo to take away, once
    hidden = await communicator.receive_json_from(timeout=3)
    assert hidden == {
        "type": "demand.photo_hidden",
        "demand_id": demand.public_id,
        "photo_id": photo.public_id,
    }
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()
