import pytest

from groupbuy.notify.models import Delivery
from groupbuy.notify.services import notification_enqueue
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.notify.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def failed_sms_delivery() -> Delivery:
    notification = notification_enqueue(
        recipient=make_user(),
        kind="deals.deal.failed",
        title="Your group-buy did not reach its target",
        body="Your money is on its way back.",
        channels=["sms"],
    )
    delivery = notification.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, attempts=6, last_error="SmsError: down"
    )
    return delivery


def test_operator_sees_a_notification_with_its_deliveries(operator_client):
    delivery = failed_sms_delivery()
    notification = delivery.notification
    listing = operator_client.get("/admin/notify/notification/")
    page = operator_client.get(f"/admin/notify/notification/{notification.pk}/change/")
    assert listing.status_code == 200
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your group-buy did not reach its target" in html
    assert "SmsError: down" in html
    # Read-only: there is no save button.
    assert 'name="_save"' not in html


def test_operator_retries_failed_deliveries_from_the_admin(
    operator_client, django_capture_on_commit_callbacks
):
    delivery = failed_sms_delivery()
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            "/admin/notify/delivery/",
            {"action": "retry_failed", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "1 delivery queued again." in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert len(MemorySmsBackend.outbox) == 1
