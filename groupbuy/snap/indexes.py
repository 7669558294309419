"""The recognition indexes, built from the database and kept per process.

- ``NameIndexProvider``: product names (zh, en) and aliases for the OCR stage,
  rebuilt when a cheap catalog fingerprint changes (checked at most every
  ``CHECK_INTERVAL_S``, so a busy server asks the database rarely).
- ``ReferenceIndexStore``: local features of every reference image, persisted
  under ``settings.DATA_DIR / "snap"`` so a restart does not recompute them;
  synchronised with the database on first use and whenever its fingerprint
  changes, and updated at once for a product whose references changed in this
  process (``catalog.signals.reference_images_changed``).

Both are safe to use from concurrent requests: rebuilding happens under a lock
while readers keep using the previous index.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce

from groupbuy.catalog.models import Product, ProductAlias, ProductImage
from groupbuy.catalog.selectors import product_name_entries, reference_images
from groupbuy.core.models import AuditEntry
from groupbuy.snap.recognition.image import SnapImageError, load_snap_image
from groupbuy.snap.recognition.reference_index import ReferenceImageIndex
from groupbuy.snap.recognition.text_match import ProductNameIndex

logger = logging.getLogger(__name__)

CHECK_INTERVAL_S = 2.0
REFERENCE_INDEX_FILE = "reference_index.npz"


class _Refreshing:
    """Rebuild a value when a database fingerprint changes, at most that often."""

    def __init__(self, interval_s: float = CHECK_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._lock = threading.Lock()
        self._version = None
        self._checked_at = 0.0

    def invalidate(self) -> None:
        self._checked_at = 0.0

    def _is_fresh(self) -> bool:
        return time.monotonic() - self._checked_at < self.interval_s

    def refresh(self) -> None:
        if self._is_fresh() and self._version is not None:
            return
        with self._lock:
            if self._is_fresh() and self._version is not None:
                return
            version = self.fingerprint()
            if version != self._version:
                self.rebuild(version)
                self._version = version
            self._checked_at = time.monotonic()

    def fingerprint(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def rebuild(self, version) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def catalog_names_fingerprint() -> tuple:
    """Return what changes whenever a product name or alias changes."""
    products = Product.objects.aggregate(count=Count("id"), last=Max("id"))
    aliases = ProductAlias.objects.aggregate(count=Count("id"), last=Max("id"))
    # Renames and (de)activations go through catalog services, which audit them.
    last_edit = AuditEntry.objects.filter(object_type="catalog.product").aggregate(
        last=Max("id")
    )["last"]
    return (
        products["count"],
        products["last"],
        aliases["count"],
        aliases["last"],
        last_edit,
    )


class NameIndexProvider(_Refreshing):
    """The current ``ProductNameIndex``; call it to get the index."""

    def __init__(self, interval_s: float = CHECK_INTERVAL_S) -> None:
        super().__init__(interval_s)
        self._index = ProductNameIndex.build([], version="empty")

    def __call__(self) -> ProductNameIndex:
        self.refresh()
        return self._index

    def fingerprint(self):
        return catalog_names_fingerprint()

    def rebuild(self, version) -> None:
        started = time.perf_counter()
        names: dict[str, list[str]] = {}
        for public_id, text in product_name_entries():
            names.setdefault(public_id, []).append(text)
        self._index = ProductNameIndex.build(names.items(), version=str(version))
        logger.info(
            "snap: name index of %d names built in %.0f ms",
            len(self._index),
            (time.perf_counter() - started) * 1000,
        )


def reference_fingerprint() -> tuple:
    """Return what changes whenever a product's reference photos change.

    Adding and removing photos move the count or the newest id; a photo used
    for recognition or stopped (product_image_update, which audits it) may
    move neither, so the last such change is part of it too. Without it, the
    processes the change did not reach kept matching a stopped photo.

    ``categories`` sums each photo's id times its product's category id, so a
    product moved to another category moves it (two moves that cancel out
    exactly between two checks would not); until it did, the processes the
    move did not reach named the old category for the product's matches.
    """
    found = ProductImage.objects.filter(is_reference=True).aggregate(
        count=Count("id"),
        last=Max("id"),
        inactive=Count("id", filter=Q(product__is_active=False)),
        categories=Sum(F("id") * Coalesce("product__category_id", 0)),
    )
    last_flag_change = AuditEntry.objects.filter(
        action="catalog.product.image_updated"
    ).aggregate(last=Max("id"))["last"]
    return (
        found["count"],
        found["last"],
        found["inactive"],
        found["categories"],
        last_flag_change,
    )


def reference_index_path() -> Path:
    return Path(settings.DATA_DIR) / "snap" / REFERENCE_INDEX_FILE


class ReferenceIndexStore(_Refreshing):
    """The appearance stage's ``ReferenceImageIndex``, kept in step with the
    catalog's reference images and saved to disk after every change."""

    def __init__(
        self, path: Path | None = None, interval_s: float = CHECK_INTERVAL_S
    ) -> None:
        super().__init__(interval_s)
        self._path = path
        self._index: ReferenceImageIndex | None = None

    @property
    def path(self) -> Path:
        return self._path or reference_index_path()

    def __call__(self) -> ReferenceImageIndex:
        self.refresh()
        return self._index

    # The appearance stage takes a ReferenceImageIndex; the store stands in for
    # one, so the stage always matches against the current references.
    def __len__(self) -> int:
        return len(self())

    def match(self, image, *, limit: int = 5):
        return self().match(image, limit=limit)

    def fingerprint(self):
        return reference_fingerprint()

    def rebuild(self, version) -> None:
        if self._index is None:
            self._index = self._load()
        if self._sync():
            self._save()

    def product_changed(self, product_public_id: str) -> None:
        """Re-index one product's references now (after a label or an upload)."""
        with self._lock:
            if self._index is None:
                return  # the first use loads and syncs everything anyway
            self._index.remove_product(product_public_id)
            for image in reference_images().filter(
                product__public_id=product_public_id
            ):
                self._add(image)
            self._save()
            self._version = reference_fingerprint()
            self._checked_at = time.monotonic()

    def _load(self) -> ReferenceImageIndex:
        if self.path.exists():
            try:
                return ReferenceImageIndex.load(self.path)
            except (OSError, ValueError, KeyError) as error:
                logger.warning("snap: rebuilding unreadable %s (%s)", self.path, error)
        return ReferenceImageIndex()

    def _sync(self) -> bool:
        """Add missing references and drop stale ones; tell if anything changed."""
        wanted = {image.public_id: image for image in reference_images()}
        indexed = set(self._index.keys())
        for stale in indexed - set(wanted):
            self._index.remove(stale)
        missing = [wanted[key] for key in wanted if key not in indexed]
        for image in missing:
            self._add(image)
        moved = self._index.recategorise(
            {key: _category_slug(image) for key, image in wanted.items()}
        )
        changed = bool(missing) or bool(indexed - set(wanted)) or bool(moved)
        if changed:
            logger.info(
                "snap: reference index synced, %d added, %d removed, %d moved to "
                "another category, %d in all",
                len(missing),
                len(indexed - set(wanted)),
                moved,
                len(self._index),
            )
        return changed

    def _add(self, image: ProductImage) -> None:
        try:
            with image.image.open("rb") as handle:
                picture = load_snap_image(handle.read())
        except (OSError, SnapImageError) as error:
            logger.warning("snap: reference %s unreadable: %s", image.public_id, error)
            return
        self._index.add(
            image.product.public_id,
            _category_slug(image),
            picture.rgb,
            key=image.public_id,
        )

    def _save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._index.save(self.path)
        except OSError as error:
            logger.warning("snap: could not save %s: %s", self.path, error)


def _category_slug(image: ProductImage) -> str:
    category = image.product.category
    return category.slug if category else ""
