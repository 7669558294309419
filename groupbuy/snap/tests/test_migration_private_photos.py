"""Upgrading moves snap photos out of the public media into private storage."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from groupbuy.snap.models import Snap

pytestmark = pytest.mark.django_db

migration = importlib.import_module("groupbuy.snap.migrations.0003_snap_photos_private")


def test_existing_snap_photos_move_to_private_storage_and_back(media_root):
    # given: a snap whose photo was stored publicly, before the upgrade
    name = "snaps/2026/01/02/snp_old.jpg"
    storages["default"].save(name, ContentFile(b"\xff\xd8\xffold photo"))
    Snap.objects.create(public_id="snp_old", status="recognised", photo=name)
    # when
    migration.move_photos_to_private_storage(apps, None)
    # then
    assert not storages["default"].exists(name)
    with storages["private"].open(name) as moved:
        assert moved.read() == b"\xff\xd8\xffold photo"
    # and the reverse migration puts it back
    migration.move_photos_back(apps, None)
    assert storages["default"].exists(name)
    assert not storages["private"].exists(name)
