"""What the sharing tables accept from code that does not know a column yet."""

from __future__ import annotations

import pytest

from groupbuy.sharing.models import Share
from groupbuy.sharing.services import share_sent_with
from groupbuy.sharing.tests.factories import make_share, make_user
from tests.support.rolling_deploys import insert_copy_without


def _insert_without_key(share: Share, *, public_id: str) -> Share:
    return insert_copy_without(share, column="idempotency_key", public_id=public_id)


@pytest.mark.django_db
def test_a_share_inserted_without_the_key_column_has_no_key():
    # given a share, and a release that does not know idempotency_key
    sender = make_user()
    share = make_share(sender=sender, recipients=[make_user()])

    # when it inserts two shares by the same sender
    first = _insert_without_key(share, public_id="shr_old_release_1")
    second = _insert_without_key(share, public_id="shr_old_release_2")

    # then both are kept, with no key ("" as the ORM writes it), which the
    # once-per-key constraint leaves out and no keyed request answers
    assert [first.idempotency_key, second.idempotency_key] == ["", ""]
    assert Share.objects.filter(sender=sender).count() == 3
    assert share_sent_with(actor=sender, idempotency_key="") is None
