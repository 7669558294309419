"""The merchant's demand search names the shop's branches in the reader's
language: the English name in English when there is one, else the Chinese."""

import pytest

from groupbuy.catalog.models import Branch
from groupbuy.demands.tests.factories import make_owner_merchant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "East Gate", "东门店"), ("zh-hans", "东门店", "East Gate")],
)
def test_the_near_branch_choices_name_each_branch_as_read(
    client, language, shown, hidden
):
    # given a shop with a branch East Gate on the map
    merchant, owner = make_owner_merchant()
    Branch.objects.create(
        merchant=merchant,
        name="东门店",
        name_en="East Gate",
        address="1 Road",
        latitude=31.2,
        longitude=121.4,
    )
    owner.preferred_language = language
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    # when its owner opens the demand search
    page = client.get(
        f"/demands/merchant/{merchant.public_id}/search/",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then the "near branch" choice names it as they read it
    assert page.status_code == 200
    content = page.content.decode()
    assert f">{shown}</option>" in content
    assert hidden not in content
