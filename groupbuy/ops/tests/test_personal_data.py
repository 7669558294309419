import io
import json
import os
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst

from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create
from groupbuy.core.models import AuditEntry
from groupbuy.core.plugins import personal_data_providers
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_order_cancel, deal_order_refund
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_merchant
from groupbuy.escrow.models import LedgerEntry
from groupbuy.notify.models import Notification
from groupbuy.ops import api, personal_data
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.services import erasures_perform_due
from groupbuy.snap.models import Snap

pytestmark = pytest.mark.django_db

# Asking to be erased takes the account's password.
WITH_PASSWORD = {"password": "long-enough-pw"}

PHONE = "+8613977776666"
PHOTO = b"\xff\xd8 a kettle \xff\xd9"


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


@pytest.fixture
def shopper():
    """A shopper with an order paid then cancelled (a paid one would hold the
    erasure back), notifications and a snapped photo."""
    user = User.objects.create_user(PHONE, "long-enough-pw", display_name="Lan Lan")
    user.email = "lan@example.com"
    user.save()
    deal = make_deal()
    deal_order_cancel(actor=user, order=join_and_pay(deal, shopper=user))
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
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response)))
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


def test_a_large_export_is_built_on_disk_and_sent_as_it_is_read(
    client, shopper, monkeypatch
):
    # given an export larger than what is kept in memory
    big_photo = os.urandom(64 * 1024)  # random: deflating does not shrink it
    Snap.objects.get(user=shopper).photo.save("big.jpg", ContentFile(big_photo))
    monkeypatch.setattr(personal_data, "SPOOL_BYTES", 16 * 1024)
    built = []
    export_zip = personal_data.export_zip

    def spying(*args, **kwargs):
        built.append(export_zip(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(api, "export_zip", spying)
    # when
    response = client.get("/api/me/data/export", headers=bearer(shopper))
    # then it went to a temporary file, and the whole of it is sent
    assert built[0]._rolled
    assert response.is_async
    assert response["Content-Disposition"] == (
        f'attachment; filename="groupbuy-data-{shopper.public_id}.zip"'
    )
    body = b"".join(response)
    assert int(response["Content-Length"]) == len(body)
    archive = zipfile.ZipFile(io.BytesIO(body))
    snaps = json.loads(archive.read("snap.json"))["snaps"]
    assert archive.read(f"files/snap/{snaps[0]['photo']}") == big_photo


def test_export_needs_a_signed_in_person(client):
    assert client.get("/api/me/data/export").status_code == 401


def all_text(*, excluding_tables=()) -> str:
    """Dump every column of every table (``*``: reading each table's columns
    from the schema took longer than reading the rows)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in excluding_tables:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks)


def test_erasure_leaves_no_trace_of_the_number_and_the_ledger_balances(
    client, shopper, operator
):
    # given: a shop refunded one of their orders naming them in its reason
    deal = make_deal()
    deal_order_refund(
        actor=operator,
        deal=deal,
        order_id=join_and_pay(deal, shopper=shopper).public_id,
        reason=f"Lan Lan asked on {PHONE.removeprefix('+86')}",
    )
    # and: the person asks for erasure, which is due in the stated period
    asked = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )
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
    assert DealOrder.objects.filter(shopper=erased).count() == 2
    assert (
        DealOrder.objects.get(deal=deal).refund_reason == "[erased] asked on [erased]"
    )
    # and: the photo is gone from storage
    from django.core.files.storage import default_storage

    assert not default_storage.exists(photo_name)
    assert AuditEntry.objects.filter(
        action="ops.erasure.completed", actor=operator
    ).exists()


def test_erasure_is_performed_by_the_job_once_due(client, shopper):
    client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )

    assert erasures_perform_due() == 0
    assert erasures_perform_due(now=timezone.now() + timedelta(days=7, seconds=1)) == 1

    assert ErasureRequest.objects.get().status == "completed"
    assert PHONE not in all_text()


def test_asking_twice_returns_the_same_request_and_cancelling_keeps_the_account(
    client, shopper
):
    headers = bearer(shopper)
    first = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=headers,
    ).json()
    second = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=headers,
    ).json()
    assert first["id"] == second["id"]
    status = client.get("/api/me/data/erasure", headers=headers).json()
    assert status["pending"]["id"] == first["id"]

    cancelled = client.delete("/api/me/data/erasure", headers=headers)

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert erasures_perform_due(now=timezone.now() + timedelta(days=30)) == 0
    assert User.objects.get(pk=shopper.pk).phone == PHONE
    assert client.get("/api/me/data/erasure", headers=headers).json() == {
        "pending": None,
        "blockers": [],
    }


def test_another_user_or_a_merchant_can_neither_see_nor_perform_erasures(
    client, shopper
):
    # given
    client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )
    request = ErasureRequest.objects.get()
    other = User.objects.create_user("+8613600000002", "long-enough-pw")
    owner = User.objects.create_user("+8613600000003", "long-enough-pw")
    make_merchant(name="Corner shop", owner=owner)

    for intruder in (other, owner):
        headers = bearer(intruder)
        # then: their own "me" view shows nothing of the shopper's request
        seen = client.get("/api/me/data/erasure", headers=headers)
        assert seen.json() == {"pending": None, "blockers": []}
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
    assert client.post("/account/data/erasure/", WITH_PASSWORD).status_code == 302
    request = ErasureRequest.objects.get()
    assert 'id="erasure-pending"' in client.get("/account/data/").content.decode()
    assert client.get("/operator/erasures/").status_code == 403
    export = client.get("/account/data/export.zip")
    assert export.status_code == 200 and b"".join(export)[:2] == b"PK"

    client.force_login(operator)
    queue = client.get("/operator/erasures/")
    assert queue.status_code == 200 and request.public_id in queue.content.decode()
    done = client.post(f"/operator/erasures/{request.public_id}/perform/")
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "completed"
    # and the completed list says when it happened, as the site writes moments
    completed = client.get("/operator/erasures/?status=completed").content.decode()
    happened = timezone.localtime(request.completed_at).strftime("%Y-%m-%d %H:%M")
    assert f">{happened}</td>" in completed


def test_delete_my_account_asks_for_confirmation_first(client, shopper):
    # given a shopper on their data page
    shopper.preferred_language = "en"
    shopper.save(update_fields=["preferred_language"])
    client.force_login(shopper)
    data_page = client.get("/account/data/").content.decode()
    assert 'href="/account/data/erasure/" id="erasure-request"' in data_page
    # when they follow "Delete my account"
    confirm = client.get("/account/data/erasure/")
    # then they are asked, and nothing is recorded yet
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Delete your account?" in page
    assert 'id="erasure-confirm"' in page
    assert 'href="/account/data/" id="erasure-back"' in page
    assert ErasureRequest.objects.count() == 0
    # when they confirm
    assert client.post("/account/data/erasure/", WITH_PASSWORD).status_code == 302
    # then it is recorded, and asking again only leads back to the data page
    assert ErasureRequest.objects.filter(user=shopper, status="pending").count() == 1
    again = client.get("/account/data/erasure/")
    assert (again.status_code, again["Location"]) == (302, "/account/data/")


def test_the_erasure_date_reads_as_the_sites_moments_do(client, shopper):
    shopper.preferred_language = "en"
    shopper.save(update_fields=["preferred_language"])
    client.force_login(shopper)
    client.post("/account/data/erasure/", WITH_PASSWORD)
    due = ErasureRequest.objects.get().due_at

    page = client.get("/account/data/").content.decode()

    pending = page[page.index('id="erasure-pending"') :].split("</p>")[0]
    assert timezone.localtime(due).strftime("%Y-%m-%d %H:%M") in pending
    assert ".." not in pending


def test_the_data_page_says_what_every_part_of_the_export_holds(client, shopper):
    # every app that exports something about a person says what, so the page's
    # list cannot fall behind an app added later
    providers = personal_data_providers()
    assert providers and all(str(provider.holds) for _label, provider in providers)
    client.force_login(shopper)
    page = client.get("/account/data/")
    html = page.content.decode()
    with translation.override(page.headers["Content-Language"]):
        for _label, provider in providers:
            assert f"<li>{escape(capfirst(str(provider.holds)))}</li>" in html


def test_the_data_page_says_when_an_erasure_happens(client, shopper, settings):
    settings.GROUPBUY_ERASURE_GRACE_DAYS = 9
    client.force_login(shopper)
    html = client.get("/account/data/").content.decode()
    terms = html[html.index('id="erasure-terms"') :].split("</p>")[0]
    assert "9" in terms  # the days before it happens, as the setting says


@pytest.fixture
def private_dir(settings, tmp_path):
    settings.GROUPBUY_SHARING_PRIVATE_DIR = str(tmp_path / "private")
    return tmp_path / "private"


@pytest.fixture
def everywhere(shopper, private_dir, django_capture_on_commit_callbacks):
    """The shopper also shares, pools, redeems a coupon, teams up and asks."""
    from groupbuy.ops.tests.seeds import seed_everywhere

    shopper.phone_verified_at = timezone.now()
    shopper.save(update_fields=["phone_verified_at"])
    with django_capture_on_commit_callbacks(execute=True):
        return seed_everywhere(shopper, name="Lan Lan")


def test_export_holds_what_the_five_apps_keep(client, shopper, everywhere):
    # when
    response = client.get("/api/me/data/export", headers=bearer(shopper))

    # then
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response)))
    sharing = json.loads(archive.read("sharing.json"))
    [share] = sharing["shares_sent"]
    assert share["id"] == everywhere.ids["share"]
    assert share["comment"] == "Lan Lan here, call me on 13977776666"
    assert archive.read(f"files/sharing/{share['voice_note']}").startswith(b"OggS")
    assert [reply["body"] for reply in sharing["replies"]] == [
        "or write to lan@example.com"
    ]
    [book] = sharing["contact_books"]
    assert [entry["name"] for entry in book["entries"]] == ["Aunt May"]
    assert "+8613911112222" not in json.dumps(book)  # only the keyed hash
    assert len(book["entries"][0]["phone_hash"]) == 64
    pooling = json.loads(archive.read("pooling.json"))
    assert pooling["preferences"]["max_walk_m"] == 800
    assert [seat["pool"] for seat in pooling["pool_seats"]] == [everywhere.ids["pool"]]
    assert [m["body"] for m in pooling["chat_messages"]] == ["Lan Lan by the door"]
    assert pooling["contact_requests"][0]["direction"] == "received"
    assert len(pooling["carts"]) == 1
    coupons = json.loads(archive.read("coupons.json"))
    [coupon] = [c for c in coupons["coupons"] if c["redemptions"]]
    assert coupon["id"] == everywhere.ids["coupon"]
    assert [r["id"] for r in coupon["redemptions"]] == [everywhere.ids["redemption"]]
    teams = json.loads(archive.read("teams.json"))
    assert [seat["team"] for seat in teams["team_memberships"]] == [
        everywhere.ids["team"]
    ]
    assert teams["team_memberships"][0]["opened_by_me"] is True
    demands = json.loads(archive.read("demands.json"))
    assert [d["id"] for d in demands["demands"]] == [everywhere.ids["demand"]]
    [photo] = demands["demands"][0]["photos"]
    assert archive.read(f"files/demands/{photo}").startswith(b"\x89PNG")
    assert {p["is_initiator"] for p in demands["participations"]} == {True, False}
    assert all(p["deposit_fen"] > 0 for p in demands["participations"])
    assert [o["notes"] for o in demands["offers"]] == ["Questions to lan@example.com"]
    assert [s["query"] for s in demands["saved_searches"]] == ["oat"]


def test_another_persons_export_holds_nothing_of_the_shopper(client, everywhere):
    # when: the friend, who shares threads, pools and demands with the shopper,
    # downloads their own data
    response = client.get("/api/me/data/export", headers=bearer(everywhere.friend))

    # then: only the friend's side (what the shopper wrote *to* the friend is
    # the friend's notification, so notify.json is left out of this check)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response)))
    everything = "\n".join(
        archive.read(name).decode("utf-8", "replace")
        for name in archive.namelist()
        if name != "notify.json"
    )
    for spelling in (PHONE, PHONE.removeprefix("+86"), "lan@example.com"):
        assert spelling not in everything, spelling
    sharing = json.loads(archive.read("sharing.json"))
    assert sharing["shares_sent"] == []
    assert [r["body"] for r in sharing["replies"]] == [everywhere.friend_reply]
    coupons = json.loads(archive.read("coupons.json"))["coupons"]
    assert [coupon["order"] for coupon in coupons] == [  # their team's
        DealOrder.objects.get(
            shopper=everywhere.friend, team_member__isnull=False
        ).public_id
    ]
    assert json.loads(archive.read("demands.json"))["saved_searches"] == []


def test_erasure_cuts_the_person_out_of_the_five_apps_and_keeps_the_others(
    client, shopper, operator, everywhere, private_dir
):
    from groupbuy.coupons.models import Redemption
    from groupbuy.demands.models import Participation
    from groupbuy.notify.tests.factories import make_notification
    from groupbuy.pooling.models import ChatMessage, PoolMember
    from groupbuy.sharing.models import ContactEntry, Message, Share
    from groupbuy.sharing.voice import PrivateStorage
    from groupbuy.teams.models import TeamMember

    # given what the friend was told, the number and name typed as people do
    spelled = make_notification(
        recipient=everywhere.friend, body="LAN LAN says: ring +86 139-7777 6666"
    )
    unrelated = make_notification(recipient=everywhere.friend, body="Room 6666")
    client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )
    request = ErasureRequest.objects.get()
    text = all_text()
    for spelling in (PHONE.removeprefix("+86"), "lan@example.com", "Lan Lan"):
        assert spelling in text, spelling
    assert PrivateStorage().exists(everywhere.voice_note_name)
    ledger_before = list(
        LedgerEntry.objects.order_by("id").values_list("id", "account_id", "amount_fen")
    )

    # when
    performed = client.post(
        f"/api/ops/erasures/{request.public_id}/perform", headers=bearer(operator)
    )

    # then: no number, e-mail or name of the person in any column of any table
    assert performed.status_code == 200, performed.content
    text = all_text()
    for spelling in (PHONE, PHONE.removeprefix("+86"), "lan@example.com", "Lan Lan"):
        assert spelling not in text, spelling
    # and: the money records stay, balanced; what follows them gives back the
    # deposits of the demand the person started (cancelled: nobody else could
    # accept an offer for it)
    ledger_after = list(
        LedgerEntry.objects.order_by("id").values_list("id", "account_id", "amount_fen")
    )
    assert ledger_after[: len(ledger_before)] == ledger_before
    assert LedgerEntry.objects.aggregate(total=Sum("amount_fen"))["total"] == 0
    from groupbuy.demands.models import Demand

    demand = Demand.objects.get(public_id=everywhere.ids["demand"])
    assert demand.state == Demand.State.CANCELLED
    assert Participation.objects.filter(shopper=shopper).count() == 2
    assert TeamMember.objects.filter(shopper=shopper).count() == 1
    assert Redemption.objects.filter(public_id=everywhere.ids["redemption"]).exists()
    # and: the voice note left the private storage; the address book is gone
    assert not PrivateStorage().exists(everywhere.voice_note_name)
    assert not shopper.sharing_contact_books.exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(everywhere.demand_photo_name)
    # and: the others keep their reply, book entry and chat message
    share = Share.objects.get(public_id=everywhere.ids["share"])
    bodies = list(Message.objects.filter(share=share).values_list("body", flat=True))
    assert bodies == [everywhere.friend_reply, ""]
    friend_entry = ContactEntry.objects.get(book__owner=everywhere.friend)
    assert (friend_entry.name, friend_entry.member_id) == ("Neighbour", None)
    assert ChatMessage.objects.filter(body=everywhere.friend_chat).exists()
    assert not PoolMember.objects.filter(user=shopper, shares_phone=True).exists()
    # and: what the friend was told names them however it was typed
    spelled.refresh_from_db()
    unrelated.refresh_from_db()
    assert spelled.body == "[erased] says: ring [erased]"
    assert unrelated.body == "Room 6666"


def test_an_erased_person_shows_as_deleted_user_to_the_others(
    client, shopper, operator, everywhere
):
    # the friend reads English (the API speaks a token user's saved language)
    everywhere.friend.preferred_language = "en"
    everywhere.friend.save(update_fields=["preferred_language"])
    client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )
    client.post(
        f"/api/ops/erasures/{ErasureRequest.objects.get().public_id}/perform",
        headers=bearer(operator),
    )

    thread = client.get(
        f"/api/sharing/threads/{everywhere.ids['share']}",
        headers=bearer(everywhere.friend),
    )

    assert thread.status_code == 200, thread.content
    body = thread.json()
    assert body["sender"] == "Deleted user"
    mine, theirs = body["messages"][1], body["messages"][0]
    assert (mine["author_name"], mine["body"]) == (
        "Deleted user",
        "This reply was deleted.",
    )
    assert theirs["body"] == everywhere.friend_reply
    # and: the pool chat keeps the friend's message, the person's shows as deleted
    chat = client.get(
        f"/api/pooling/pools/{everywhere.ids['pool']}/messages",
        headers=bearer(everywhere.friend),
    ).json()
    assert [message["body"] for message in chat] == [
        "This message was deleted.",
        everywhere.friend_chat,
    ]
    # and: teammates see a deleted user
    team = client.get(
        f"/api/teams/{everywhere.ids['team']}", headers=bearer(everywhere.friend)
    ).json()
    assert "Deleted user" in [member["name"] for member in team["members"]]


@pytest.mark.parametrize(
    ("language", "opening", "deals_line"),
    [
        ("en", "This is everything", "deals.json: your group-buy orders"),
        # (with the full-width colon: an ASCII ": " until 2026-12-07)
        ("zh-hans", "这是", "deals.json：您的团购订单"),
    ],
)
def test_the_export_readme_is_in_the_persons_language_and_names_each_file(
    client, shopper, language, opening, deals_line
):
    # given a person who reads the site in one language
    shopper.preferred_language = language
    shopper.save(update_fields=["preferred_language"])

    # when they download their data (the request in the other language)
    other = "zh-hans" if language == "en" else "en"
    headers = {**bearer(shopper), "Accept-Language": other}
    response = client.get("/api/me/data/export", headers=headers)

    # then the README is in their own language and says what each file holds
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response)))
    readme = archive.read("README.txt").decode()
    assert readme.startswith(opening)
    assert deals_line in readme.splitlines()


def test_the_export_readme_says_the_times_are_utc_as_its_files_write_them(
    client, shopper
):
    # given a person reading English
    shopper.preferred_language = "en"
    shopper.save(update_fields=["preferred_language"])
    # when they download their data
    response = client.get("/api/me/data/export", headers=bearer(shopper))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response)))
    readme = archive.read("README.txt").decode()
    # then the README says how the times are written, and that the pages show
    # Beijing time (until 2026-12-06 only "times are UTC", beside pages and
    # CSVs at +08:00)
    assert (
        "Times are in UTC, written as 2026-12-06T03:30:00Z (the Z means UTC); "
        "the site's pages and CSV files show them in the Asia/Shanghai time zone."
    ) in readme
    assert readme.splitlines()[0].endswith("Z.")
    # and the files do write them so
    (order,) = json.loads(archive.read("deals.json"))["orders"]
    assert order["joined_at"].endswith("Z")
    assert datetime.fromisoformat(order["joined_at"]).utcoffset() == timedelta(0)
