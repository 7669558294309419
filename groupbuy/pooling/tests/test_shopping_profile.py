"""The shopping profile: the usual hour in the shopper's time zone, and every
cart counted though only the latest are described."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from groupbuy.pooling.models import CartReport
from groupbuy.pooling.selectors import PROFILE_REPORTS, shopping_profile
from groupbuy.pooling.tests.factories import make_shop, make_user

pytestmark = pytest.mark.django_db


def _report(user, branch, start: datetime, amount_fen: int = 10_000) -> CartReport:
    return CartReport.objects.create(
        user=user,
        branch=branch,
        kind=CartReport.Kind.PURCHASE,
        amount_fen=amount_fen,
        window_start_at=start,
        window_end_at=start + timedelta(hours=1),
    )


def test_the_usual_hour_is_the_shoppers_not_utcs():
    _merchant, branch, _owner = make_shop()
    shopper = make_user()
    # 02:00 UTC is 10:00 in Shanghai, the site's time zone
    for day in (1, 2, 3):
        _report(shopper, branch, datetime(2026, 11, day, 2, 0, tzinfo=UTC))
    assert shopping_profile(user=shopper)["usual_hour"] == 10


def test_every_cart_is_counted_beyond_the_ones_described():
    _merchant, branch, _owner = make_shop()
    shopper = make_user()
    start = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    CartReport.objects.bulk_create(
        CartReport(
            user=shopper,
            branch=branch,
            kind=CartReport.Kind.PURCHASE,
            amount_fen=10_000,
            window_start_at=start + timedelta(hours=index),
            window_end_at=start + timedelta(hours=index + 1),
        )
        for index in range(PROFILE_REPORTS + 5)
    )
    assert shopping_profile(user=shopper)["reports"] == PROFILE_REPORTS + 5


def test_the_usual_shops_are_named_in_the_readers_language(client):
    # given a shopper who reported carts at a branch with two names
    _merchant, branch, _owner = make_shop()
    branch.name, branch.name_en = "人民广场店", "Peoples Square"
    branch.save(update_fields=["name", "name_en"])
    for language, name, other in (
        ("en", "Peoples Square", "人民广场店"),
        ("zh-hans", "人民广场店", "Peoples Square"),
    ):
        shopper = make_user(preferred_language=language)
        _report(shopper, branch, datetime(2026, 11, 1, 2, 0, tzinfo=UTC))
        # when they open their preferences page
        client.force_login(shopper)
        page = client.get("/pooling/profile/").content.decode()
        # then their usual shop is named in their language
        assert f'<p class="muted">{name} × 1</p>' in page
        assert other not in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_typical_cart_is_one_sentence_of_the_readers_language(client, language):
    # given a shopper who reported one cart of ¥88
    _merchant, branch, _owner = make_shop()
    shopper = make_user(preferred_language=language)
    _report(shopper, branch, datetime(2026, 11, 1, 2, 0, tzinfo=UTC), 8_800)
    # when they open their preferences page
    client.force_login(shopper)
    page = client.get("/pooling/profile/").content.decode()
    # then the typical cart is one translated sentence, its amount inside it:
    # the Chinese one ends in 。 (the template's own ASCII full stop ended it
    # until 2026-12-07), after the count's sentence with no space
    with translation.override(language):
        counted = ngettext(
            "%(counter)s cart reported.", "%(counter)s carts reported.", 1
        ) % {"counter": 1}
        typical = gettext("Typical cart %(amount)s.") % {"amount": "¥88.00"}
    assert f"{counted}{' ' if language == 'en' else ''}{typical}</p>" in page
    if language == "en":
        assert "1 cart reported. Typical cart ¥88.00.</p>" in page
