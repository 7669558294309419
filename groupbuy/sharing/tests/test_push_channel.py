"""Web push reaches people for every notification, not only for shares."""

import pytest
import pywebpush
from django.utils import timezone

from groupbuy.notify.delivery import delivery_attempt
from groupbuy.notify.models import Delivery
from groupbuy.notify.services import notification_enqueue
from groupbuy.sharing import webpush
from groupbuy.sharing.models import PushSubscription
from groupbuy.sharing.tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


class Response:
    def __init__(self, status_code):
        self.status_code = status_code


@pytest.fixture
def push_service(monkeypatch):
    """A fake push service: records what it is sent, or answers `status`."""

    class Service:
        sent: list = []
        status = 201

        def __call__(self, **kwargs):
            if self.status >= 400:
                raise pywebpush.WebPushException(
                    "refused", response=Response(self.status)
                )
            self.sent.append(kwargs)

    service = Service()
    service.sent = []
    monkeypatch.setattr(pywebpush, "webpush", service)
    return service


def allow_push(user):
    return webpush.subscription_save(
        actor=user, endpoint="https://push.example.com/v1/x", p256dh="k", auth="a"
    )


def notify(user, key="k1"):
    notification_enqueue(
        recipient=user,
        kind="deals.deal.succeeded",
        title="Your group buy succeeded",
        body="Pick up your rice at the Main street branch.",
        url="/orders/",
        idempotency_key=key,
    )
    return Delivery.objects.filter(notification__recipient=user, channel="web_push")


def test_a_deal_notification_is_pushed_to_the_browser_that_allowed_it(push_service):
    # given a shopper who allowed push in a browser
    shopper = make_user()
    allow_push(shopper)
    # when a notification of another app is written
    deliveries = notify(shopper)
    # then it went out by web push too, with its title, text and link
    (delivery,) = deliveries
    assert delivery.status == Delivery.Status.SENT
    (call,) = push_service.sent
    assert call["subscription_info"]["endpoint"] == "https://push.example.com/v1/x"
    assert '"title": "Your group buy succeeded"' in call["data"]
    assert '"url": "/orders/"' in call["data"]


def test_nobody_is_pushed_who_has_not_allowed_it(push_service):
    shopper = make_user()
    assert not notify(shopper).exists()
    assert push_service.sent == []


def test_a_failing_push_service_is_retried_and_a_gone_subscription_skipped(
    push_service,
):
    shopper = make_user()
    allow_push(shopper)
    # a push service answering 500: the delivery waits for a retry
    push_service.status = 500
    (delivery,) = notify(shopper)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_error
    # the subscription is gone by the retry (410): forgotten, delivery skipped
    push_service.status = 410
    later = timezone.now() + timezone.timedelta(hours=2)
    result = delivery_attempt(delivery_id=delivery.pk, now=later)
    assert result.status == Delivery.Status.SKIPPED
    assert not PushSubscription.objects.filter(user=shopper).exists()
