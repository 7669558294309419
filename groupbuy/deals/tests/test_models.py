"""What the deals tables accept from code that does not know a column yet."""

from __future__ import annotations

import pytest

from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import make_deal
from groupbuy.escrow.tests.factories import make_user
from tests.support.rolling_deploys import insert_copy_without


def _insert_without_key(deal: Deal, *, public_id: str) -> Deal:
    return insert_copy_without(deal, column="idempotency_key", public_id=public_id)


@pytest.mark.django_db
def test_a_deal_inserted_without_the_key_column_has_no_key():
    # given a deal an operator created, and a release that does not know
    # idempotency_key
    operator = make_user()
    deal = make_deal()
    Deal.objects.filter(pk=deal.pk).update(created_by=operator)

    # when it inserts two deals by the same creator
    first = _insert_without_key(deal, public_id="deal_old_release_1")
    second = _insert_without_key(deal, public_id="deal_old_release_2")

    # then both are kept, with no key ("" as the ORM writes it), which the
    # once-per-key constraint per creator leaves out
    assert [first.idempotency_key, second.idempotency_key] == ["", ""]
    assert (first.created_by, second.created_by) == (operator, operator)
