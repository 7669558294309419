"""Fixtures of snap's platform tests (the recognition tests need none)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _snap_rate_limits_reset(monkeypatch):
    """Start every test with fresh snap rate-limit windows, in one fixed
    minute: the window is fixed, so a test crossing a minute's end would
    otherwise start a fresh budget half-way through."""
    from django.core.cache import cache

    from groupbuy.snap import throttle

    cache.clear()
    minute = throttle.current_minute()
    monkeypatch.setattr(throttle, "current_minute", lambda: minute)
    yield


@pytest.fixture
def media_root(settings, tmp_path):
    """Store uploads (public and private) in directories of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def private_root(settings, media_root):
    """Where this test's snap photos are stored (private media)."""
    return settings.GROUPBUY_PRIVATE_MEDIA_ROOT


@pytest.fixture
def fresh_recogniser():
    """Make the process's engine notice the catalog this test made."""
    from groupbuy.snap.engine import get_recogniser

    get_recogniser().invalidate()
    yield
    get_recogniser().invalidate()


@pytest.fixture
def snap_data_dir(settings, tmp_path):
    """Keep this test's models and indexes out of the shared data directory."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def small_encoder(monkeypatch):
    """Stand in for the shipped model's encoder with one fitted on test photos,
    so retraining works whether or not the shipped model is present."""
    from types import SimpleNamespace

    from groupbuy.snap.recognition import classifier
    from groupbuy.snap.recognition.category_encoder import (
        CategoryEncoder,
        EncoderSettings,
    )
    from groupbuy.snap.recognition.image import load_snap_image
    from groupbuy.snap.tests.helpers import blank_jpeg, textured_jpeg

    photos = [load_snap_image(textured_jpeg(seed=seed)).rgb for seed in range(3)]
    photos.append(load_snap_image(blank_jpeg()).rgb)
    encoder = CategoryEncoder.fit(
        photos, EncoderSettings(pca_components=16, vocabulary_size=8), seed=0
    )
    monkeypatch.setattr(
        classifier, "load_default_classifier", lambda: SimpleNamespace(encoder=encoder)
    )
    return encoder
