"""A refusal naming a pickup branch names it in the reader's language: its
English name in English when it has one, else its Chinese name."""

import pytest
from django.utils import translation

from groupbuy.catalog.models import Branch
from groupbuy.deals.errors import branch_closed_refusal
from groupbuy.deals.tests.factories import make_merchant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "East Gate", "东门店"), ("zh-hans", "东门店", "East Gate")],
)
def test_a_closed_pickup_branch_is_named_as_read(language, shown, hidden):
    # given a shop's pickup branch East Gate that has closed
    east = Branch.objects.create(
        merchant=make_merchant(),
        name="东门店",
        name_en="East Gate",
        address="1 Road",
        is_active=False,
    )
    # when a shopper choosing it is refused, reading the language
    with translation.override(language):
        refusal = branch_closed_refusal(east)
    # then
    assert (refusal.code, refusal.status) == ("branch_closed", 409)
    assert shown in refusal.message
    assert hidden not in refusal.message
