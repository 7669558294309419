"""Quantities on the demand pages read "1 unit" and "2 units" in English."""

import re

import pytest

from groupbuy.demands.tests.factories import make_published, make_user

pytestmark = pytest.mark.django_db


def _english_client(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(("quantity", "words"), [(1, "1 unit"), (2, "2 units")])
def test_my_part_and_the_lists_count_units_in_english(client, quantity, words):
    # given a published demand for exactly this many units, all the initiator's
    initiator = make_user(preferred_language="en")
    demand = make_published(
        initiator=initiator, quantity_wanted=quantity, initiator_quantity=quantity
    )
    _english_client(client, initiator)
    # when
    detail = client.get(f"/demands/{demand.public_id}/").content.decode()
    listing = client.get("/demands/").content.decode()
    # then
    my_part = re.search(
        r'id="my-participation".*?</section>', detail, flags=re.DOTALL
    ).group(0)
    assert f"{words} · " in my_part
    assert f"{words} · " in listing
    assert "1 units" not in detail + listing
