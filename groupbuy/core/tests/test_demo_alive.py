"""`groupbuy demo` looks alive: photos, buyers already in, demand alerts, figures."""

from io import StringIO

import pytest
from django.core.management import call_command

from groupbuy.catalog.demo import PHOTOS, produce_by_photo
from groupbuy.catalog.models import ProductImage
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.ops.models import PlatformDailyStats
from groupbuy.ops.stats import local_today
from groupbuy.snap.engine import Recogniser
from groupbuy.snap.models import DemandRequest, DemandSignal
from groupbuy.snap.recognition.image import load_snap_image
from tests.support.module_rows import committed_rows

# one_database: the demo runs on SQLite (`make demo`), and the services it
# calls run on PostgreSQL in their own tests.
pytestmark = pytest.mark.one_database


def load_everything() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def the_demo(django_db_setup, django_db_blocker):
    """The demo loaded once (committed, as a transactional test loads it) for
    the tests that only read it: ~7 s of CPU a load."""
    with committed_rows(django_db_blocker, load_everything):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("the_demo")
class TestTheLoadedDemo:
    """What the demo holds once loaded, read by each test."""

    def test_demo_has_photos_buyers_in_deals_and_demand_alerts(self):
        # given the demo loaded (the_demo)
        # then: produce with a primary photo each, some on open group buys
        photos = ProductImage.objects.filter(is_primary=True).select_related("product")
        assert photos.count() == 14
        assert all(photo.image.size <= 40_000 for photo in photos)
        with_photo = Deal.objects.filter(
            state=Deal.State.OPEN, product__images__isnull=False
        )
        assert with_photo.count() == 5
        # and several deals have paid buyers, some past their first tier
        paid = DealOrder.objects.filter(status=DealOrder.Status.PAID)
        deals_with_buyers = {order.deal_id for order in paid}
        assert len(deals_with_buyers) >= 5
        first_tier = {
            deal: deal.tiers.order_by("min_participants")[0].min_participants
            for deal in Deal.objects.filter(pk__in=deals_with_buyers)
        }
        past_first_tier = [
            deal for deal, tier in first_tier.items() if deal.buyers >= tier
        ]
        assert len(past_first_tier) >= 3
        # and the operator has demand alerts, and today's figures
        alerts = DemandSignal.objects.filter(threshold_passed_at__isnull=False)
        assert alerts.count() == 2
        today = PlatformDailyStats.objects.get(day=local_today())
        assert today.orders_joined == DealOrder.objects.count()
        assert today.demand_requests == DemandRequest.objects.count() == 12

    def test_a_photo_of_a_demo_products_picture_is_recognised_by_its_appearance(self):
        # given the demo, whose produce photos are also recognition references
        mango = produce_by_photo("mango")
        assert mango.images.get().is_reference
        # when the mango's picture is snapped (say, off another screen)
        picture = (PHOTOS / "mango.jpg").read_bytes()
        # (a fresh engine, as a server starting on the demo has: this process's
        # may hold an earlier test's references, rolled back since)
        result = Recogniser().recognise(load_snap_image(picture))
        # then the appearance stage names that product first
        best = result.candidates[0]
        assert (best.kind, best.value, best.method) == (
            "product",
            mango.public_id,
            "appearance",
        )

    def test_a_shop_photo_of_bananas_is_answered_with_their_group_buys(self):
        # given the demo; a shop photo of bananas matches no studio photo feature
        # by feature, and the category model says what kind of thing it is
        from groupbuy.snap.answers import category_payload
        from groupbuy.snap.deal_lookup import open_deals_for_category
        from groupbuy.snap.recognition.base import Candidate
        from groupbuy.snap.resolve import resolve_candidates

        bananas = produce_by_photo("banana")
        said = [
            Candidate("category", "banana", 0.71, "appearance", {"is_leaf": True}),
            Candidate("category", "fruit", 0.93, "appearance", {"is_leaf": False}),
        ]
        # when
        resolution = resolve_candidates(said)
        # then the kind is one of the demo's, holding the bananas and their deal
        assert category_payload(resolution.category)["slug"] == "banana"
        assert bananas.category == resolution.category
        deals = open_deals_for_category(resolution.category)
        assert deals and {deal.product_id for deal in deals} == {bananas.pk}


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_again_adds_no_orders_photos_or_requests():
    # given
    load_everything()
    counts = (
        DealOrder.objects.count(),
        ProductImage.objects.count(),
        DemandRequest.objects.count(),
    )
    # when
    load_everything()
    # then
    assert (
        DealOrder.objects.count(),
        ProductImage.objects.count(),
        DemandRequest.objects.count(),
    ) == counts
