"""Where the category classifier lives, and how every server process finds it.

A model retrained on the catalog's photos is saved to the default file
storage (``snap/models/category_classifier.npz``: the media directory, or the
S3-compatible bucket when several machines share one), so the worker that
trained it and every web process on any machine use the same model. Each
process keeps a copy under ``settings.DATA_DIR / "snap"`` and checks the
storage's timestamp at most once a minute. Without a retrained model the
shipped grocery model is used, and without that, no classifier at all.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

STORAGE_NAME = "snap/models/category_classifier.npz"
CHECK_INTERVAL_S = 60.0


def local_copy_path() -> Path:
    return Path(settings.DATA_DIR) / "snap" / "category_classifier.npz"


def catalog_model_publish(model) -> str:
    """Save a retrained model where every process will find it; return its name."""
    path = local_copy_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    # Storages never overwrite by default (they pick another name): delete first.
    default_storage.delete(STORAGE_NAME)
    with open(path, "rb") as handle:
        return default_storage.save(STORAGE_NAME, File(handle))


def _storage_version():
    try:
        if not default_storage.exists(STORAGE_NAME):
            return None
        return ("catalog", default_storage.get_modified_time(STORAGE_NAME).timestamp())
    except (OSError, NotImplementedError) as error:
        logger.warning("snap: cannot read the category model's storage: %s", error)
        return None


def _shipped_version():
    # The classifier module imports numpy and OpenCV (~0.2 s of CPU): loaded
    # when a recognition first needs the model, not with this module.
    from groupbuy.snap.recognition import classifier as classifier_module

    try:
        stat = classifier_module.DEFAULT_MODEL_PATH.stat()
    except OSError:
        return None
    return ("shipped", stat.st_mtime_ns)


class ClassifierStore:
    """The current category classifier and a version that changes with it."""

    def __init__(self, interval_s: float = CHECK_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._version = None
        self._classifier = None

    def current(self):
        """Return (classifier or None, version)."""
        if time.monotonic() - self._checked_at < self.interval_s:
            return self._classifier, self._version
        with self._lock:
            version = _storage_version() or _shipped_version()
            if version != self._version:
                self._classifier = self._load(version)
                self._version = version
            self._checked_at = time.monotonic()
            return self._classifier, self._version

    def invalidate(self) -> None:
        self._checked_at = 0.0

    def _load(self, version):
        if version is None:
            return None
        from groupbuy.snap.recognition import classifier as classifier_module

        try:
            if version[0] == "shipped":
                return classifier_module.load_default_classifier()
            return classifier_module.CategoryClassifier.load(self._fetch())
        except (OSError, ValueError, KeyError) as error:
            logger.warning("snap: category model unusable: %s", error)
            return None

    def _fetch(self) -> Path:
        path = local_copy_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".download")
        with (
            default_storage.open(STORAGE_NAME, "rb") as source,
            open(partial, "wb") as target,
        ):
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        partial.replace(path)
        return path
