"""Helpers shared by snap's platform tests (not the recognition tests)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from groupbuy.snap.recognition.base import Candidate, RecognitionContext


def make_open_deal(product, **overrides):
    """Return an open deal for ``product`` (through the deals services)."""
    from groupbuy.deals.tests.factories import make_deal, make_merchant

    overrides.setdefault("merchant", make_merchant())
    overrides.setdefault("title", f"Group buy: {product.name_en or product.name_zh}")
    return make_deal(product=product, **overrides)


def run_together(target, count: int) -> list:
    """Run ``target(index)`` in ``count`` threads started at the same moment.

    A thread that finds the in-memory SQLite test database locked retries, as
    the busy timeout makes a real database file wait; errors fail the test.
    """
    import threading
    import time

    from django.db import OperationalError, close_old_connections, connection

    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def waiting_for_locks(index: int):
        for _attempt in range(300):
            try:
                return target(index)
            except OperationalError as error:
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    raise
                time.sleep(0.01)
        raise AssertionError("the database stayed locked")

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = waiting_for_locks(index)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [], errors
    return results


# --- Photos -------------------------------------------------------------------


def barcode_jpeg(gtin: str, *, size=(640, 480), seed: int = 0) -> bytes:
    """Return a JPEG photo of an EAN-13/EAN-8 label carrying ``gtin``."""
    import zxingcpp

    from groupbuy.snap.tests import imaging

    barcode_format = (
        zxingcpp.BarcodeFormat.EAN8 if len(gtin) == 8 else zxingcpp.BarcodeFormat.EAN13
    )
    photo = imaging.barcode_photo(gtin, barcode_format, size=size, seed=seed)
    return imaging.encode(photo, "JPEG", quality=92)


def blank_jpeg(*, size=(480, 360), seed: int = 7) -> bytes:
    """Return a JPEG of a cluttered background with nothing to recognise."""
    from groupbuy.snap.tests import imaging

    return imaging.encode(
        imaging.photo_background(*size, seed=seed), "JPEG", quality=90
    )


def stored_snap_files(media_root=None) -> list:
    """Return the snap photo files stored (in private media; ``media_root`` unused)."""
    from django.conf import settings

    root = Path(settings.GROUPBUY_PRIVATE_MEDIA_ROOT)
    return sorted(path for path in (root / "snaps").rglob("*") if path.is_file())


def textured_jpeg(
    *, seed: int = 0, angle: float = 0.0, scale: float = 1.0, size=(640, 480)
) -> bytes:
    """Return a JPEG of a patterned "package" (shapes of seed ``seed``) standing
    in a scene, turned by ``angle`` degrees and scaled by ``scale``: another
    photo of the same package when only those change."""
    import cv2
    import numpy as np

    from groupbuy.snap.tests import imaging

    generator = np.random.default_rng(seed)
    package = np.full((320, 240, 3), 240, np.uint8)
    for _ in range(45):
        colour = [int(value) for value in generator.integers(0, 256, size=3)]
        x, y = int(generator.integers(0, 240)), int(generator.integers(0, 320))
        shape = generator.integers(3)
        if shape == 0:
            w, h = (int(v) for v in generator.integers(8, 60, size=2))
            cv2.rectangle(package, (x, y), (x + w, y + h), colour, -1)
        elif shape == 1:
            cv2.circle(package, (x, y), int(generator.integers(5, 30)), colour, -1)
        else:
            points = generator.integers(-40, 40, size=(3, 2)) + np.array([x, y])
            cv2.fillPoly(package, [points.astype(np.int32)], colour)
    width, height = size
    scene = imaging.photo_background(width, height, seed=99)
    centre = (package.shape[1] / 2, package.shape[0] / 2)
    rotation = cv2.getRotationMatrix2D(centre, angle, scale)
    rotation[0, 2] += width / 2 - centre[0]
    rotation[1, 2] += height / 2 - centre[1]
    turned = cv2.warpAffine(package, rotation, (width, height))
    mask = cv2.warpAffine(np.full(package.shape[:2], 255, np.uint8), rotation, size)
    scene[mask > 127] = turned[mask > 127]
    return imaging.encode(
        imaging.degrade(scene, blur=0.5, noise=3.0), "JPEG", quality=90
    )


class FakeRecogniser:
    """Answer every photo with the given candidates (the pipeline is tested apart)."""

    def __init__(self, *candidates: Candidate) -> None:
        self.candidates = list(candidates)

    def recognise(self, image):
        return RecognitionContext(candidates=list(self.candidates))


def upload() -> SimpleUploadedFile:
    """A photo the fake recogniser answers (its pixels are never read)."""
    return SimpleUploadedFile("photo.jpg", blank_jpeg(), "image/jpeg")


def name_guess(product, confidence: float) -> Candidate:
    return Candidate("product", product.public_id, confidence, "name", {})


def barcode_read(product) -> Candidate:
    """A barcode read of ``product`` sure enough to count at once."""
    return Candidate("gtin", "0" + product.gtin, 0.99, "barcode", {})
