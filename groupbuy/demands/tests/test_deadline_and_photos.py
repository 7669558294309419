"""The initiator moves a demand's deadline later and adds photos to it."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
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
    make_owner_merchant,
    make_published,
    make_user,
)
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
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
        services.demand_extend_deadline(
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
        services.demand_extend_deadline(
            actor=demand.initiator, demand=demand, deadline_at=later
        )
        services.demand_extend_deadline(
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
        (-timedelta(hours=1), "deadline_not_later"),
        (timedelta(days=400), "invalid"),
    ],
)
def test_a_sooner_or_far_deadline_is_refused_and_changes_nothing(
    published, shift, code
):
    demand, _joiner, _events = published
    before = demand.deadline_at
    with pytest.raises(DomainError) as caught:
        services.demand_extend_deadline(
            actor=demand.initiator, demand=demand, deadline_at=before + shift
        )
    assert caught.value.code == code
    demand.refresh_from_db()
    assert demand.deadline_at == before
    assert not Notification.objects.filter(kind="demands.deadline").exists()


def test_a_past_deadline_or_a_closed_demand_cannot_be_extended(published):
    demand, _joiner, _events = published
    with pytest.raises(DomainError):
        services.demand_extend_deadline(
            actor=demand.initiator,
            demand=demand,
            deadline_at=timezone.now() - timedelta(minutes=1),
        )
    services.demand_cancel(actor=demand.initiator, demand=demand)
    with pytest.raises(DomainError) as caught:
        services.demand_extend_deadline(
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
    assert all(default_storage.exists(photo.image.name) for photo in photos)
    assert all(
        photo.image.name.startswith(f"demands/{demand.public_id}/") for photo in photos
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
