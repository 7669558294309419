"""Upgrading: whoever kept deals.order.deal_closed to the inbox (which told
them of stopped deals too) keeps the new deals.order.deal_stopped there."""

import importlib

import pytest
from django.apps import apps

from groupbuy.accounts.models import User
from groupbuy.deals.tests.factories import make_user

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "groupbuy.deals.migrations.0013_deal_stopped_kept_to_the_inbox_as_before"
)


def _kinds(user) -> list[str]:
    return User.objects.get(pk=user.pk).inbox_only_kinds


def test_the_stopped_kind_is_kept_to_the_inbox_where_the_closed_one_was():
    # given one person keeping deal_closed to the inbox, one another kind,
    # one nothing, and one who has both already
    quiet = make_user(inbox_only_kinds=["deals.order.paid", "deals.order.deal_closed"])
    other = make_user(inbox_only_kinds=["deals.order.paid"])
    loud = make_user()
    both = make_user(
        inbox_only_kinds=["deals.order.deal_closed", "deals.order.deal_stopped"]
    )
    # when the migration runs
    migration.keep_stopped_where_closed_is_kept(apps, None)
    # then only the first gains the new kind; nobody's list repeats a kind
    assert _kinds(quiet) == [
        "deals.order.paid",
        "deals.order.deal_closed",
        "deals.order.deal_stopped",
    ]
    assert _kinds(other) == ["deals.order.paid"]
    assert _kinds(loud) == []
    assert _kinds(both) == ["deals.order.deal_closed", "deals.order.deal_stopped"]
    # and going back forgets the new kind only
    migration.forget_stopped(apps, None)
    assert _kinds(quiet) == ["deals.order.paid", "deals.order.deal_closed"]
    assert _kinds(both) == ["deals.order.deal_closed"]
