"""Shop applications sent or decided at the same moment (threads, one
connection each)."""

import pytest

from groupbuy.catalog.models import Merchant
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.notify.models import Notification
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.shop_applications import (
    APPROVED_KIND,
    SUBMITTED_KIND,
    shop_application_approve,
)
from groupbuy.ops.tests.factories import (
    make_operator,
    make_person,
    make_shop_application,
)


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_with_one_key_makes_one_application(file_database):  # noqa: F811
    # given
    make_operator()
    person = make_person()
    # when
    outcomes = race(
        [
            lambda: make_shop_application(
                applicant=person, name="鲜果小铺", idempotency_key="same-key-0123456789"
            )
            for _ in range(4)
        ]
    )
    # then
    assert outcomes == {"ok": 4}
    assert ShopApplication.objects.count() == 1
    assert Notification.objects.filter(kind=SUBMITTED_KIND).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_applications_at_once_leave_one_pending(file_database):  # noqa: F811
    person = make_person()
    outcomes = race([lambda: make_shop_application(applicant=person) for _ in range(4)])
    assert outcomes == {"ok": 1, "application_pending": 3}
    assert ShopApplication.objects.filter(status="pending").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_approving_at_once_open_one_shop(file_database):  # noqa: F811
    # given
    first, second = make_operator(), make_operator()
    application = make_shop_application()
    # when
    outcomes = race(
        [
            lambda operator=operator: shop_application_approve(
                actor=operator, application=application
            )
            for operator in (first, second, first, second)
        ]
    )
    # then
    assert outcomes == {"ok": 4}
    assert Merchant.objects.count() == 1
    assert Notification.objects.filter(kind=APPROVED_KIND).count() == 1
