"""The initiator moves a demand's deadline (later, or sooner with notice) and adds
photos to it."""

import importlib
import io
import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from groupbuy.accounts.services import api_token_create
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.demands import live, services
from groupbuy.demands.models import Demand, DemandPhoto
from groupbuy.demands.tests.factories import (
    join_and_pay,
    make_demand,
    make_offer,
    make_owner_merchant,
    make_published,
    make_user,
)
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def published(monkeypatch):
    """A published demand someone joined, and the events its watchers get."""
    events = []
    monkeypatch.setattr(
        live, "publish", lambda group, event: events.append((group, event))
    )
    demand = make_published()
    joiner = join_and_pay(demand).shopper
    return demand, joiner, events


def png(name="milk.png", size=(8, 6), image_format="PNG", content_type="image/png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 200, 30)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


# --- the deadline ---------------------------------------------------------------


def test_a_later_deadline_tells_the_joiners_and_moves_the_countdowns(
    published, django_capture_on_commit_callbacks
):
    # given
    demand, joiner, events = published
    later = demand.deadline_at + timedelta(days=1)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_change_deadline(
            actor=demand.initiator, demand=demand, deadline_at=later
        )
    # then the demand has the new deadline, audited
    demand.refresh_from_db()
    assert demand.deadline_at == later
    assert (
        AuditEntry.objects.filter(action="demands.demand.deadline_extended").count()
        == 1
    )
    # and the joiner (not the initiator) is told
    told = Notification.objects.filter(kind="demands.deadline")
    assert [n.recipient_id for n in told] == [joiner.pk]
    assert told.get().data["deadline_ms"] == demand.deadline_ms
    # and the watchers get clock's deadline event with the absolute epoch ms
    [(group, event)] = [e for e in events if e[1]["type"] == "demand.deadline"]
    assert group == f"demand.{demand.public_id}"
    assert (event["demand_id"], event["deadline_ms"], event["reason"]) == (
        demand.public_id,
        demand.deadline_ms,
        "extended",
    )
    assert "sent_ms" in event


def test_asking_twice_for_the_same_deadline_tells_nobody_twice(
    published, django_capture_on_commit_callbacks
):
    demand, _joiner, _events = published
    later = demand.deadline_at + timedelta(hours=6)
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_change_deadline(
            actor=demand.initiator, demand=demand, deadline_at=later
        )
        services.demand_change_deadline(
            actor=demand.initiator, demand=demand, deadline_at=later
        )
    assert Notification.objects.filter(kind="demands.deadline").count() == 1
    assert (
        AuditEntry.objects.filter(action="demands.demand.deadline_extended").count()
        == 1
    )


@pytest.mark.parametrize(
    ("shift", "code"),
    [
        (-timedelta(days=2, hours=1), "deadline_too_soon"),  # 23 h from now
        (timedelta(days=400), "invalid"),
    ],
)
def test_a_deadline_too_soon_or_too_far_is_refused_and_changes_nothing(
    published, shift, code
):
    demand, _joiner, _events = published
    before = demand.deadline_at
    with pytest.raises(DomainError) as caught:
        services.demand_change_deadline(
            actor=demand.initiator, demand=demand, deadline_at=before + shift
        )
    assert caught.value.code == code
    demand.refresh_from_db()
    assert demand.deadline_at == before
    assert not Notification.objects.filter(kind="demands.deadline").exists()


def test_a_past_deadline_or_a_closed_demand_cannot_be_extended(published):
    demand, _joiner, _events = published
    with pytest.raises(DomainError):
        services.demand_change_deadline(
            actor=demand.initiator,
            demand=demand,
            deadline_at=timezone.now() - timedelta(minutes=1),
        )
    services.demand_cancel(actor=demand.initiator, demand=demand)
    with pytest.raises(DomainError) as caught:
        services.demand_change_deadline(
            actor=demand.initiator,
            demand=demand,
            deadline_at=demand.deadline_at + timedelta(days=1),
        )
    assert caught.value.code == "demand_closed"


def test_only_the_initiator_moves_the_deadline_through_the_api(client, published):
    # given
    demand, joiner, _events = published
    _merchant, owner = make_owner_merchant()
    later = (demand.deadline_at + timedelta(days=1)).isoformat()
    # when another buyer, a participant or a merchant tries
    for intruder in (make_user(), joiner, owner):
        response = client.post(
            f"/api/demands/{demand.public_id}/deadline",
            {"deadline_at": later},
            content_type="application/json",
            headers=_auth(intruder),
        )
        # then
        assert response.status_code == 403, response.content
    # and the initiator may
    response = client.post(
        f"/api/demands/{demand.public_id}/deadline",
        {"deadline_at": later},
        content_type="application/json",
        headers=_auth(demand.initiator),
    )
    assert response.status_code == 200
    assert response.json()["deadline_ms"] == Demand.objects.get().deadline_ms


def test_the_initiator_moves_the_deadline_from_the_page(client, published):
    demand, joiner, _events = published
    later = timezone.localtime(demand.deadline_at + timedelta(days=1))
    client.force_login(joiner)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert 'id="deadline-form"' not in page
    refused = client.post(
        f"/demands/{demand.public_id}/deadline/",
        {"deadline": later.strftime("%Y-%m-%dT%H:%M")},
    )
    assert refused.status_code == 403

    client.force_login(demand.initiator)
    assert (
        'id="deadline-form"'
        in client.get(f"/demands/{demand.public_id}/").content.decode()
    )
    moved = client.post(
        f"/demands/{demand.public_id}/deadline/",
        {"deadline": later.strftime("%Y-%m-%dT%H:%M")},
    )
    assert moved.status_code == 302
    demand.refresh_from_db()
    assert demand.deadline_at == later.replace(second=0, microsecond=0)


# --- bringing the deadline forward ----------------------------------------------


def test_a_sooner_deadline_with_notice_tells_joiners_and_merchants_and_moves_countdowns(
    published, django_capture_on_commit_callbacks
):
    # given a published demand (3 days left) that someone joined and a merchant
    # offered on
    demand, joiner, events = published
    offer = make_offer(demand)
    previous = demand.deadline_at
    sooner = timezone.now() + timedelta(hours=30)
    # when its initiator brings the deadline forward with more than 24 h notice
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_change_deadline(
            actor=demand.initiator, demand=demand, deadline_at=sooner
        )
    # then the demand closes sooner, audited with the previous deadline
    demand.refresh_from_db()
    assert demand.deadline_at == sooner
    entry = AuditEntry.objects.get(action="demands.demand.deadline_brought_forward")
    assert entry.data["previous_deadline_at"] == previous.isoformat()
    assert not AuditEntry.objects.filter(
        action="demands.demand.deadline_extended"
    ).exists()
    # and the joiner and the merchant who offered are told (not the initiator)
    told = Notification.objects.filter(kind="demands.deadline").order_by("pk")
    assert sorted(n.recipient_id for n in told) == sorted(
        [joiner.pk, offer.created_by_id]
    )
    assert {n.data["deadline_ms"] for n in told} == {demand.deadline_ms}
    assert all(n.data["is_sooner"] for n in told)
    # and every open countdown gets the new absolute deadline, and the progress
    pushed = [event for _group, event in events]
    [moved] = [e for e in pushed if e["type"] == "demand.deadline"]
    assert (moved["deadline_ms"], moved["reason"]) == (
        demand.deadline_ms,
        "brought_forward",
    )
    [progress] = [e for e in pushed if e["type"] == "demand.updated"][-1:]
    assert progress["deadline_ms"] == demand.deadline_ms


def test_the_closing_job_closes_a_demand_at_its_sooner_deadline(published):
    # given a deadline brought forward to 25 h from now
    demand, _joiner, _events = published
    sooner = timezone.now() + timedelta(hours=25)
    services.demand_change_deadline(
        actor=demand.initiator, demand=demand, deadline_at=sooner
    )
    # when the periodic job runs just before it and then just after it
    services.demands_expire_due(now=sooner - timedelta(seconds=1))
    demand.refresh_from_db()
    assert demand.state == Demand.State.PUBLISHED
    services.demands_expire_due(now=sooner + timedelta(seconds=1))
    # then the demand is closed by the new deadline, not the old one
    demand.refresh_from_db()
    assert demand.state == Demand.State.EXPIRED


def test_a_draft_can_be_brought_forward_without_notice(
    django_capture_on_commit_callbacks,
):
    # given a draft: nobody else joined or offered yet
    demand = make_demand()
    sooner = timezone.now() + timedelta(hours=1)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_change_deadline(
            actor=demand.initiator, demand=demand, deadline_at=sooner
        )
    # then
    demand.refresh_from_db()
    assert demand.deadline_at == sooner
    assert not Notification.objects.filter(kind="demands.deadline").exists()


def test_a_sooner_deadline_without_notice_is_refused_with_the_earliest_allowed(
    published,
):
    demand, _joiner, events = published
    before = demand.deadline_at
    with pytest.raises(DomainError) as caught:
        services.demand_change_deadline(
            actor=demand.initiator,
            demand=demand,
            deadline_at=timezone.now() + timedelta(hours=2),
        )
    assert (caught.value.code, caught.value.status) == ("deadline_too_soon", 409)
    assert "24" in caught.value.message
    demand.refresh_from_db()
    assert demand.deadline_at == before
    assert not Notification.objects.filter(kind="demands.deadline").exists()
    assert not [e for _g, e in events if e["type"] == "demand.deadline"]


def test_the_notice_is_a_setting(published, settings):
    demand, _joiner, _events = published
    settings.GROUPBUY_DEMAND_NOTICE_HOURS = 1
    sooner = timezone.now() + timedelta(hours=2)
    services.demand_change_deadline(
        actor=demand.initiator, demand=demand, deadline_at=sooner
    )
    demand.refresh_from_db()
    assert demand.deadline_at == sooner


def test_only_the_initiator_brings_the_deadline_forward_through_the_api(
    client, published
):
    # given a demand a merchant offered on
    demand, joiner, _events = published
    offer = make_offer(demand)
    _other_merchant, other_owner = make_owner_merchant(name="Other Dairy")
    before = demand.deadline_at
    sooner = (timezone.now() + timedelta(hours=30)).isoformat()
    # when another buyer, a participant, the merchant who offered or another
    # merchant tries
    for intruder in (make_user(), joiner, offer.created_by, other_owner):
        response = client.post(
            f"/api/demands/{demand.public_id}/deadline",
            {"deadline_at": sooner},
            content_type="application/json",
            headers=_auth(intruder),
        )
        # then each is refused and nothing moves
        assert response.status_code == 403, response.content
    assert Demand.objects.get().deadline_at == before
    # and the initiator is refused too soon a deadline with a clear 409
    too_soon = (timezone.now() + timedelta(hours=3)).isoformat()
    response = client.post(
        f"/api/demands/{demand.public_id}/deadline",
        {"deadline_at": too_soon},
        content_type="application/json",
        headers=_auth(demand.initiator),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "deadline_too_soon"
    # and may bring it forward with notice
    response = client.post(
        f"/api/demands/{demand.public_id}/deadline",
        {"deadline_at": sooner},
        content_type="application/json",
        headers=_auth(demand.initiator),
    )
    assert response.status_code == 200
    assert response.json()["deadline_ms"] == Demand.objects.get().deadline_ms
    assert Demand.objects.get().deadline_at < before


def test_the_initiator_brings_the_deadline_forward_from_the_page(client, published):
    demand, _joiner, _events = published
    before = demand.deadline_at
    client.force_login(demand.initiator)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    # the notice is stated before the form is used (in the page's language)
    assert re.search(r'id="deadline-notice">[^<]*\b24\b', page)
    too_soon = timezone.localtime(timezone.now() + timedelta(hours=3))
    refused = client.post(
        f"/demands/{demand.public_id}/deadline/",
        {"deadline": too_soon.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert re.search(
        r'class="[^"]*error[^"]*"[^>]*>[^<]*\b24\b', refused.content.decode()
    )
    assert Demand.objects.get().deadline_at == before
    sooner = timezone.localtime(timezone.now() + timedelta(hours=30))
    moved = client.post(
        f"/demands/{demand.public_id}/deadline/",
        {"deadline": sooner.strftime("%Y-%m-%dT%H:%M")},
    )
    assert moved.status_code == 302
    assert Demand.objects.get().deadline_at == sooner.replace(second=0, microsecond=0)


# --- photos ---------------------------------------------------------------------


def test_the_initiator_adds_up_to_three_photos():
    demand = make_demand()
    for _ in range(3):
        services.demand_photo_add(actor=demand.initiator, demand=demand, upload=png())
    with pytest.raises(DomainError) as caught:
        services.demand_photo_add(actor=demand.initiator, demand=demand, upload=png())
    assert (caught.value.code, caught.value.status) == ("too_many_photos", 409)
    photos = DemandPhoto.objects.filter(demand=demand)
    assert photos.count() == 3
    # a draft's, kept privately (test_draft_photos.py)
    assert all(photo.image.storage.exists(photo.image.name) for photo in photos)
    assert all(
        photo.image.name.startswith(f"demand-drafts/{demand.public_id}/")
        for photo in photos
    )


@pytest.mark.parametrize(
    ("upload", "code", "status"),
    [
        (
            SimpleUploadedFile("x.png", b"not an image at all", "image/png"),
            "bad_image",
            415,
        ),
        (png(image_format="GIF", name="x.gif"), "bad_image", 415),
        (
            SimpleUploadedFile(
                "x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"
            ),
            "damaged_image",
            422,
        ),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_stored(
    upload, code, status, media_root
):
    demand = make_demand()
    with pytest.raises(DomainError) as caught:
        services.demand_photo_add(actor=demand.initiator, demand=demand, upload=upload)
    assert (caught.value.code, caught.value.status) == (code, status)
    assert not DemandPhoto.objects.exists()
    assert not (media_root / "demands").exists()


def test_a_photo_too_large_is_refused(settings):
    settings.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES = 50
    demand = make_demand()
    with pytest.raises(DomainError) as caught:
        services.demand_photo_add(actor=demand.initiator, demand=demand, upload=png())
    assert (caught.value.code, caught.value.status) == ("image_too_big", 413)


def test_a_photo_of_too_many_pixels_says_so_and_the_limit_not_its_size(
    settings, media_root
):
    # given a PNG of ~420 KB that decodes to 12000 × 12000 pixels
    from django.utils import translation

    from groupbuy.catalog.tests.test_api_products import _png_bomb

    settings.GROUPBUY_SNAP_MAX_PIXELS = 40_000_000
    demand = make_demand()
    bomb = SimpleUploadedFile("bomb.png", _png_bomb(), content_type="image/png")
    # when
    with translation.override("en"), pytest.raises(DomainError) as caught:
        services.demand_photo_add(actor=demand.initiator, demand=demand, upload=bomb)
    # then it is refused for its pixels, naming the limit, not as over 10 MB
    assert (caught.value.code, caught.value.status) == ("too_many_pixels", 413)
    assert caught.value.message == (
        "This photo has too many pixels (at most 40 million). "
        "Please send a smaller one."
    )
    assert caught.value.fields == {"photo": [caught.value.message]}
    assert not DemandPhoto.objects.exists()


def test_photos_through_the_api_only_by_the_initiator(
    client, django_capture_on_commit_callbacks
):
    # given
    demand = make_published()
    _merchant, owner = make_owner_merchant()
    # when others try to add one
    for intruder in (make_user(), owner):
        refused = client.post(
            f"/api/demands/{demand.public_id}/photos",
            {"photo": png()},
            headers=_auth(intruder),
        )
        assert refused.status_code == 403
    # then the initiator adds one, which the demand then shows
    added = client.post(
        f"/api/demands/{demand.public_id}/photos",
        {"photo": png()},
        headers=_auth(demand.initiator),
    )
    assert added.status_code == 201, added.content
    photo_id = added.json()["id"]
    shown = client.get(f"/api/demands/{demand.public_id}").json()["photos"]
    assert [photo["id"] for photo in shown] == [photo_id]
    # and only they remove it, the file going too
    name = DemandPhoto.objects.get().image.name
    for intruder in (make_user(), owner):
        response = client.delete(
            f"/api/demands/{demand.public_id}/photos/{photo_id}",
            headers=_auth(intruder),
        )
        assert response.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.delete(
            f"/api/demands/{demand.public_id}/photos/{photo_id}",
            headers=_auth(demand.initiator),
        )
    assert removed.status_code == 204
    assert not DemandPhoto.objects.exists()
    assert not default_storage.exists(name)


def test_photos_from_the_page(client):
    demand = make_published()
    client.force_login(demand.initiator)
    added = client.post(f"/demands/{demand.public_id}/photos/", {"photo": png()})
    assert added.status_code == 302
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    photo = DemandPhoto.objects.get()
    assert photo.image.url in page
    bad = client.post(
        f"/demands/{demand.public_id}/photos/",
        {"photo": SimpleUploadedFile("x.png", b"nope", "image/png")},
    )
    assert bad.status_code == 302 and DemandPhoto.objects.count() == 1
    client.force_login(make_user())
    refused = client.post(
        f"/demands/{demand.public_id}/photos/{photo.public_id}/delete/"
    )
    assert refused.status_code == 403
    client.force_login(demand.initiator)
    client.post(f"/demands/{demand.public_id}/photos/{photo.public_id}/delete/")
    assert not DemandPhoto.objects.exists()


@pytest.fixture
def photo_events_sent(monkeypatch):
    """The demand photo events that reach the channel layer, as each is sent."""
    events = []

    def send(group, event):
        if event["type"].startswith("demand.photo"):
            events.append((group, event))

    publishing = importlib.import_module("groupbuy.realtime.publish")
    monkeypatch.setattr(publishing, "_send", send)
    return events


def test_a_photo_the_initiator_removes_leaves_open_pages_once_it_commits(
    photo_events_sent, django_capture_on_commit_callbacks
):
    # A removed photo stayed on the other open pages of the demand until they
    # were reloaded (a hidden one already left them).
    # given a published demand with two photos
    demand = make_published()
    first, _second = (
        services.demand_photo_add(actor=demand.initiator, demand=demand, upload=png())
        for _ in range(2)
    )
    # when its initiator removes the first
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_photo_delete(
            actor=demand.initiator, demand=demand, photo_id=first.public_id
        )
        # (nothing before the removal commits)
        assert photo_events_sent == []
    # then its watchers are told which photo to take away, once
    assert photo_events_sent == [
        (
            f"demand.{demand.public_id}",
            {
                "type": "demand.photo_removed",
                "demand_id": demand.public_id,
                "photo_id": first.public_id,
            },
        )
    ]


def test_a_removal_rolled_back_or_of_a_drafts_photo_tells_nobody(
    photo_events_sent, django_capture_on_commit_callbacks
):
    # given a published demand and a draft, each with a photo
    published, draft = make_published(), make_demand()
    kept, drafts = (
        services.demand_photo_add(actor=demand.initiator, demand=demand, upload=png())
        for demand in (published, draft)
    )
    with django_capture_on_commit_callbacks(execute=True):
        # when a removal is rolled back with what went with it
        with pytest.raises(RuntimeError), transaction.atomic():
            services.demand_photo_delete(
                actor=published.initiator, demand=published, photo_id=kept.public_id
            )
            raise RuntimeError("what went with it failed")
        # and the draft's initiator removes its photo
        services.demand_photo_delete(
            actor=draft.initiator, demand=draft, photo_id=drafts.public_id
        )
    # then nobody is told anything, and the published demand keeps its photo
    assert photo_events_sent == []
    assert list(DemandPhoto.objects.values_list("public_id", flat=True)) == [
        kept.public_id
    ]


def jpeg_with_location() -> SimpleUploadedFile:
    """A phone photo: EXIF with the camera's make and where it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 50.0), 3: "E", 4: (121.0, 28.0, 30.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (20, 200, 30)).save(
        buffer, format="JPEG", exif=exif.tobytes()
    )
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), "image/jpeg")


def test_a_photo_is_stored_without_where_it_was_taken(media_root):
    # given a phone photo carrying its GPS position (the buyer's home, say)
    demand = make_demand()
    # when its initiator adds it to the demand, whose photos are public
    photo = services.demand_photo_add(
        actor=demand.initiator, demand=demand, upload=jpeg_with_location()
    )
    # then the stored file is still the photo, with no EXIF left at all
    with photo.image.open("rb"), Image.open(photo.image) as stored:
        assert (stored.format, stored.size) == ("JPEG", (16, 12))
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
