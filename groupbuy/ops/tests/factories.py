"""Test data for ops: people and their applications to open a shop."""

from __future__ import annotations

import itertools

from groupbuy.accounts.models import User
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.shop_applications import shop_application_submit

_numbers = itertools.count(1)


def make_person(**extra) -> User:
    """Return a new member (English pages, so tests may read messages)."""
    extra.setdefault("preferred_language", "en")
    return User.objects.create_user(
        f"+86137100{next(_numbers):05d}", "long-enough-pw", **extra
    )


def make_operator(**extra) -> User:
    return make_person(is_staff=True, **extra)


def make_shop_application(*, applicant=None, **fields) -> ShopApplication:
    fields.setdefault("name", f"小店{next(_numbers)}")
    fields.setdefault("branch_address", "上海市黄浦区南京东路1号")
    fields.setdefault("sells", "Fresh fruit and vegetables")
    return shop_application_submit(actor=applicant or make_person(), **fields)
