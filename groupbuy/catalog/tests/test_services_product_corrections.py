"""An operator corrects any product's details and category: the rules of a
shop's edit, a reason, an audit entry with each change before and after, and
the owners of the shops that sell it told."""

import pytest

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.services import product_correct, product_correction_preview
from groupbuy.catalog.tests.factories import (
    make_category,
    make_gtin13,
    make_listing,
    make_merchant_member,
    make_product,
    make_user,
)
from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


def _operator():
    return make_user(is_staff=True, preferred_language="en")


def test_a_correction_saves_audits_before_and_after_and_tells_selling_shops(
    django_capture_on_commit_callbacks,
):
    # given a tea two shops sell, a shop that stopped listing it, and an operator
    tea, green = make_product(name_en="Longjing", brand="West"), make_category()
    selling = [make_merchant_member() for _ in range(2)]
    for owner in selling:
        make_listing(merchant=owner.merchant, product=tea)
    stopped = make_merchant_member()
    make_listing(merchant=stopped.merchant, product=tea, is_active=False)
    new_gtin = make_gtin13()
    # when the operator corrects its English name, barcode and category
    with django_capture_on_commit_callbacks(execute=True):
        corrected = product_correct(
            actor=_operator(),
            product=tea,
            reason="  Label says Longjing tea ",
            name_en="Longjing tea",
            brand="West",
            gtin=new_gtin,
            category=green,
        )
    # then those fields changed, in one audit entry with before and after
    tea.refresh_from_db()
    assert (tea.name_en, tea.gtin, tea.category) == ("Longjing tea", new_gtin, green)
    assert [change.field for change in corrected.changes] == [
        "name_en",
        "gtin",
        "category",
    ]
    entry = AuditEntry.objects.get(action="catalog.product.corrected")
    assert entry.data["reason"] == "Label says Longjing tea"
    assert entry.data["before"]["name_en"] == "Longjing"
    assert entry.data["after"] == {
        "name_en": "Longjing tea",
        "gtin": new_gtin,
        "category": green.public_id,
    }
    assert entry.data["before"]["category"] == ""
    # and the owners of the two selling shops are told, not the one that stopped
    told = Notification.objects.filter(kind="catalog.product.corrected")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        owner.user_id for owner in selling
    )


def test_the_same_correction_again_changes_nothing_and_tells_nobody():
    tea = make_product(name_en="Longjing tea")
    operator = _operator()
    # when the operator sends what the product already says
    corrected = product_correct(
        actor=operator, product=tea, reason="check", name_en="Longjing tea"
    )
    # then nothing is saved, audited or told
    assert corrected.changes == ()
    assert not AuditEntry.objects.filter(object_id=tea.public_id).exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"gtin": "6901939691602"}, "invalid_gtin", "gtin"),
        ({"gtin": "12345"}, "invalid_gtin", "gtin"),
        ({"name_zh": "  "}, "invalid", "name_zh"),
        ({"brand": "x" * 121}, "invalid", "brand"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(changes, code, field):
    tea = make_product()
    operator = _operator()
    # when the operator checks the correction (the confirm step), then sends it
    with pytest.raises(CatalogError) as checked:
        product_correction_preview(actor=operator, product=tea, **changes)
    with pytest.raises(CatalogError) as sent:
        product_correct(actor=operator, product=tea, reason="typo", **changes)
    # then each refuses it with a 400 naming the field, and nothing changes
    for error in (checked.value, sent.value):
        assert (error.status, error.code) == (400, code)
        assert field in error.fields
    assert not AuditEntry.objects.exists()


def test_a_correction_without_a_reason_is_refused():
    tea = make_product(name_en="Tea")
    with pytest.raises(CatalogError) as refused:
        product_correct(actor=_operator(), product=tea, reason=" ", name_en="Rice")
    assert (refused.value.code, list(refused.value.fields)) == (
        "reason_needed",
        ["reason"],
    )
    tea.refresh_from_db()
    assert tea.name_en == "Tea"


def test_a_barcode_another_product_has_is_a_409_naming_both():
    rice, tea = make_product(), make_product()
    with pytest.raises(CatalogError) as refused:
        product_correct(actor=_operator(), product=tea, reason="x", gtin=rice.gtin)
    assert (refused.value.status, refused.value.code) == (409, "gtin_taken")
    assert rice.public_id in refused.value.fields["gtin"][0]
    tea.refresh_from_db()
    assert tea.gtin != rice.gtin


@pytest.mark.parametrize("who", ["shopper", "owner of the shop that added it"])
def test_only_operators_correct_a_product(who):
    owner = make_merchant_member()
    tea = make_product(added_by_merchant=owner.merchant, name_en="Tea")
    user = owner.user if who.startswith("owner") else make_user()
    for call in (product_correct, product_correction_preview):
        extra = {"reason": "x"} if call is product_correct else {}
        with pytest.raises(CatalogError) as refused:
            call(actor=user, product=tea, name_en="Green tea", **extra)
        assert refused.value.status == 403
    tea.refresh_from_db()
    assert tea.name_en == "Tea"
