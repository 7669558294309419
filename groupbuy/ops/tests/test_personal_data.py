import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import DealOrder
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_merchant
from groupbuy.escrow.models import LedgerEntry
from groupbuy.notify.models import Notification
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.services import erasures_perform_due
from groupbuy.snap.models import Snap

pytestmark = pytest.mark.django_db

PHONE = "+8613977776666"
PHOTO = b"\xff\xd8 a kettle \xff\xd9"


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


@pytest.fixture
def shopper():
    """A shopper with a paid order, notifications and a snapped photo."""
    user = User.objects.create_user(PHONE, "long-enough-pw", display_name="Lan Lan")
    user.email = "lan@example.com"
    user.save()
    deal = make_deal()
    join_and_pay(deal, shopper=user)
    Notification.objects.create(recipient=user, kind="test.kind", title="Hello Lan")
    snap = Snap(user=user, status="not_recognised", ocr_text="kettle 1.7L")
    snap.photo.save("kettle.jpg", ContentFile(PHOTO))
    return user


@pytest.fixture
def operator():
    return User.objects.create_user("+8613700000001", "long-enough-pw", is_staff=True)


def test_export_holds_account_orders_money_notifications_and_photos(client, shopper):
    # when
    response = client.get("/api/me/data/export", headers=bearer(shopper))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"README.txt", "accounts.json", "deals.json", "escrow.json"} <= names
    account = json.loads(archive.read("accounts.json"))["account"]
    assert account["phone"] == PHONE and account["display_name"] == "Lan Lan"
    orders = json.loads(archive.read("deals.json"))["orders"]
    assert [order["id"] for order in orders] == [
        DealOrder.objects.get(shopper=shopper).public_id
    ]
    money = json.loads(archive.read("escrow.json"))
    assert (
        sum(line["amount_fen"] for line in money["money_lines"])
        == (
            LedgerEntry.objects.filter(account__user=shopper).aggregate(
                total=Sum("amount_fen")
            )["total"]
        )
    )
    assert len(money["payments"]) == 1
    titles = [
        n["title"] for n in json.loads(archive.read("notify.json"))["notifications"]
    ]
    assert "Hello Lan" in titles
    snaps = json.loads(archive.read("snap.json"))["snaps"]
    assert archive.read(f"files/snap/{snaps[0]['photo']}") == PHOTO
    # and: the export is audited
    assert AuditEntry.objects.filter(
        action="ops.personal_data.exported", actor=shopper
    ).exists()


def test_export_needs_a_signed_in_person(client):
    assert client.get("/api/me/data/export").status_code == 401


def all_text(*, excluding_tables=()) -> str:
    """Dump every text column of every table."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in excluding_tables:
                continue
            description = connection.introspection.get_table_description(cursor, table)
            columns = [column.name for column in description]
            cursor.execute(
                "SELECT {} FROM {}".format(
                    ", ".join(connection.ops.quote_name(c) for c in columns),
                    connection.ops.quote_name(table),
                )
            )
            for row in cursor.fetchall():
                chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks)


def test_erasure_leaves_no_trace_of_the_number_and_the_ledger_balances(
    client, shopper, operator
):
    # given: the person asks for erasure, which is due in the stated period
    asked = client.post("/api/me/data/erasure", headers=bearer(shopper))
    assert asked.status_code == 202
    body = asked.json()
    assert body["status"] == "pending"
    request = ErasureRequest.objects.get(public_id=body["id"])
    assert request.due_at - request.requested_at == timedelta(days=7)
    assert PHONE in all_text()
    photo_name = Snap.objects.get(user=shopper).photo.name
    ledger_before = list(
        LedgerEntry.objects.order_by("id").values_list("id", "account_id", "amount_fen")
    )

    # when: an operator performs it
    performed = client.post(
        f"/api/ops/erasures/{request.public_id}/perform", headers=bearer(operator)
    )

    # then
    assert performed.status_code == 200, performed.content
    assert performed.json()["status"] == "completed"
    text = all_text()
    for spelling in (PHONE, PHONE.removeprefix("+86"), "lan@example.com", "Lan Lan"):
        assert spelling not in text, spelling
    # and: the ledger keeps every line, still balanced, under a pseudonym
    assert ledger_before == list(
        LedgerEntry.objects.order_by("id").values_list("id", "account_id", "amount_fen")
    )
    assert LedgerEntry.objects.aggregate(total=Sum("amount_fen"))["total"] == 0
    erased = User.objects.get(pk=shopper.pk)
    assert erased.phone.startswith("del_") and not erased.is_active
    assert not erased.has_usable_password()
    assert DealOrder.objects.filter(shopper=erased).count() == 1
    # and: the photo is gone from storage
    from django.core.files.storage import default_storage

    assert not default_storage.exists(photo_name)
    assert AuditEntry.objects.filter(
        action="ops.erasure.completed", actor=operator
    ).exists()


def test_erasure_is_performed_by_the_job_once_due(client, shopper):
    client.post("/api/me/data/erasure", headers=bearer(shopper))

    assert erasures_perform_due() == 0
    assert erasures_perform_due(now=timezone.now() + timedelta(days=7, seconds=1)) == 1

    assert ErasureRequest.objects.get().status == "completed"
    assert PHONE not in all_text()


def test_asking_twice_returns_the_same_request_and_cancelling_keeps_the_account(
    client, shopper
):
    headers = bearer(shopper)
    first = client.post("/api/me/data/erasure", headers=headers).json()
    second = client.post("/api/me/data/erasure", headers=headers).json()
    assert first["id"] == second["id"]
    status = client.get("/api/me/data/erasure", headers=headers).json()
    assert status["pending"]["id"] == first["id"]

    cancelled = client.delete("/api/me/data/erasure", headers=headers)

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert erasures_perform_due(now=timezone.now() + timedelta(days=30)) == 0
    assert User.objects.get(pk=shopper.pk).phone == PHONE
    assert client.get("/api/me/data/erasure", headers=headers).json() == {
        "pending": None
    }


def test_another_user_or_a_merchant_can_neither_see_nor_perform_erasures(
    client, shopper
):
    # given
    client.post("/api/me/data/erasure", headers=bearer(shopper))
    request = ErasureRequest.objects.get()
    other = User.objects.create_user("+8613600000002", "long-enough-pw")
    owner = User.objects.create_user("+8613600000003", "long-enough-pw")
    make_merchant(name="Corner shop", owner=owner)

    for intruder in (other, owner):
        headers = bearer(intruder)
        # then: their own "me" view shows nothing of the shopper's request
        seen = client.get("/api/me/data/erasure", headers=headers)
        assert seen.json() == {"pending": None}
        assert client.delete("/api/me/data/erasure", headers=headers).status_code == 404
        listed = client.get("/api/ops/erasures", headers=headers)
        assert listed.status_code == 403 and listed.json()["code"] == "forbidden"
        performed = client.post(
            f"/api/ops/erasures/{request.public_id}/perform", headers=headers
        )
        assert performed.status_code == 403
    assert ErasureRequest.objects.get().status == "pending"


def test_pages_for_the_person_and_the_operator(client, shopper, operator):
    client.force_login(shopper)
    assert client.get("/account/data/").status_code == 200
    assert client.post("/account/data/erasure/").status_code == 302
    request = ErasureRequest.objects.get()
    assert 'id="erasure-pending"' in client.get("/account/data/").content.decode()
    assert client.get("/operator/erasures/").status_code == 403
    export = client.get("/account/data/export.zip")
    assert export.status_code == 200 and export.content[:2] == b"PK"

    client.force_login(operator)
    queue = client.get("/operator/erasures/")
    assert queue.status_code == 200 and request.public_id in queue.content.decode()
    done = client.post(f"/operator/erasures/{request.public_id}/perform/")
    assert done.status_code == 302
    assert ErasureRequest.objects.get().status == "completed"
