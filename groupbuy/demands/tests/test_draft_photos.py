"""A draft demand's photos are its initiator's: kept out of the public media
and served only to them and operators, until the demand is published, when
they move to the public media (demands.photo_storage)."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.private_media import private_storage
from groupbuy.demands import services
from groupbuy.demands.models import DemandPhoto
from groupbuy.demands.tests.factories import (
    make_demand,
    make_owner_merchant,
    make_published,
    make_user,
    pay_deposit,
)
from groupbuy.demands.tests.test_deadline_and_photos import png

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "groupbuy.demands.migrations.0006_draft_photos_private"
)


@pytest.fixture(autouse=True)
def media_roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT, settings.GROUPBUY_PRIVATE_MEDIA_ROOT


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_drafts_photo_is_served_to_its_initiator_only(media_roots):
    # given a draft with a photo
    public_root, private_root = media_roots
    demand = make_demand()
    photo = services.demand_photo_add(
        actor=demand.initiator, demand=demand, upload=png()
    )
    url = photo.image.url
    # then it is not in the public media, nor at a public address
    assert not url.startswith("/media/")
    assert not (public_root / "demands").exists()
    assert (private_root / photo.image.name).exists()
    # when its initiator opens it, they get it, for their eyes only
    mine = _signed_in(demand.initiator).get(url)
    assert mine.status_code == 200
    assert b"".join(mine).startswith(b"\x89PNG")
    assert mine["Cache-Control"] == "private, max-age=3600"
    # and an operator may see it (support, moderation)
    assert _signed_in(make_user(is_staff=True)).get(url).status_code == 200


def test_another_shopper_and_another_merchant_get_404_for_a_drafts_photo():
    # given a draft with a photo
    demand = make_demand()
    photo = services.demand_photo_add(
        actor=demand.initiator, demand=demand, upload=png()
    )
    merchant, owner = make_owner_merchant()
    cashier = make_merchant_member(merchant=merchant, role="cashier").user
    # when anyone else asks for it: nobody signed in, another shopper, a
    # merchant's owner and its cashier
    answers = [Client().get(photo.image.url)] + [
        _signed_in(person).get(photo.image.url)
        for person in (make_user(), owner, cashier)
    ]
    # then it is not found for each
    assert [answer.status_code for answer in answers] == [404] * 4


def test_publishing_moves_the_photos_to_the_public_media(
    media_roots, django_capture_on_commit_callbacks
):
    # given a draft with a photo, its deposit paid
    public_root, private_root = media_roots
    demand = make_demand()
    photo = services.demand_photo_add(
        actor=demand.initiator, demand=demand, upload=png()
    )
    draft_name = photo.image.name
    pay_deposit(demand)
    # when it is published
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_publish(actor=demand.initiator, demand=demand)
    # then its photo is public: in the public media, at a public address
    photo.refresh_from_db()
    assert photo.image.name.startswith(f"demands/{demand.public_id}/")
    assert photo.image.url.startswith("/media/demands/")
    assert (public_root / photo.image.name).exists()
    assert not (private_root / draft_name).exists()
    # and the old private address answers nobody
    assert (
        _signed_in(demand.initiator).get(f"/private-media/{draft_name}").status_code
        == 404
    )


def test_a_photo_added_to_a_published_demand_is_public_at_once():
    demand = make_published()
    photo = services.demand_photo_add(
        actor=demand.initiator, demand=demand, upload=png()
    )
    assert photo.image.name.startswith(f"demands/{demand.public_id}/")
    assert default_storage.exists(photo.image.name)


def test_the_migration_moves_drafts_photos_out_of_the_public_media_once():
    # given photos stored publicly before, a draft's and a published demand's
    draft, published = make_demand(), make_published()
    rows = {}
    for demand in (draft, published):
        name = default_storage.save(
            f"demands/{demand.public_id}/old.png", ContentFile(b"photo")
        )
        rows[demand.pk] = DemandPhoto.objects.create(demand=demand, image=name)
    # when the migration runs, and again
    migration.move_draft_photos_to_private_storage(apps, None)
    migration.move_draft_photos_to_private_storage(apps, None)
    # then the draft's photo is private, the published one's stays public
    drafts_photo = DemandPhoto.objects.get(pk=rows[draft.pk].pk)
    assert drafts_photo.image.name == f"demand-drafts/{draft.public_id}/old.png"
    assert private_storage().exists(drafts_photo.image.name)
    assert not default_storage.exists(f"demands/{draft.public_id}/old.png")
    published_photo = DemandPhoto.objects.get(pk=rows[published.pk].pk)
    assert published_photo.image.name == f"demands/{published.public_id}/old.png"
    assert default_storage.exists(published_photo.image.name)
