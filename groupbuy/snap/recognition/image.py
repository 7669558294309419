"""Safe intake of an uploaded photo: bytes in, ``SnapImage`` or ``SnapImageError`` out.

Uploads are hostile until proven otherwise, so every check that can be made
before decoding is made before decoding: the byte count, the magic bytes and
the dimensions in the header. Only then is the picture decoded, with Pillow's
own decompression-bomb guard armed as a second line of defence.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING, BinaryIO

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# Pillow stays imported here (~15 ms): the decompression-bomb guard below is
# process-wide and must be armed before any decode in the server. OpenCV and
# numpy (~0.2 s of CPU) load with the first photo decoded, not with every
# process that imports this module's SnapImageError.
from PIL import Image, ImageOps

from .base import SnapImage

if TYPE_CHECKING:
    import numpy as np

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# OCR and appearance work on this; RapidOCR and SIFT gain nothing from more.
WORKING_LONG_SIDE = 1600
# Barcodes far from the lens need more pixels; a grey copy this big is kept for
# the barcode retries (≤ 9.6 MB for a 4:3 photo).
DETAIL_LONG_SIDE = 3200

# Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; make the
# warning an error so a bomb never gets as far as a decode. Both settings are
# process-wide, so they guard every other Pillow decode in the server too.
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)

_FORMAT_BY_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
_EXIF_ORIENTATION = 0x0112
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


class SnapImageError(Exception):
    """A photo we refuse, with a stable ``code`` and a user-facing ``message``."""

    def __init__(self, code: str, message) -> None:
        # The message is lazy: keep it out of args so logging this error never
        # needs translations (the recognition package runs without Django setup).
        super().__init__(code)
        self.code = code
        self.message = message


def _interpolate(message, params: dict) -> str:
    return str(message) % params


# Interpolating a lazy string with % would translate it now, which needs Django
# set up; keep the result lazy too.
_interpolate_lazy = lazy(_interpolate, str)


def _error(code: str, **params) -> SnapImageError:
    messages = {
        "empty": _("The upload is empty: please send a photo."),
        "too_large": _("This photo is too large. Please send one under %(mb)d MB."),
        "unsupported_format": _("Please send a JPEG, PNG or WebP photo."),
        "too_many_pixels": _("This photo has too many pixels to process."),
        "damaged": _("This photo is damaged or incomplete. Please take it again."),
        "animated": _("This is an animation: please send a still photo."),
    }
    message = messages[code]
    if params:
        message = _interpolate_lazy(message, params)
    return SnapImageError(code, message)


def load_snap_image(
    upload: bytes | BinaryIO,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> SnapImage:
    """Decode an uploaded photo into a ``SnapImage`` or raise ``SnapImageError``.

    ``upload`` is the raw bytes or any binary file-like object (a Django
    ``UploadedFile`` works); at most ``max_bytes + 1`` bytes are ever read.
    A ``max_pixels`` above ``DEFAULT_MAX_PIXELS`` also needs
    ``PIL.Image.MAX_IMAGE_PIXELS`` raised to match.
    """
    data = _read_bounded(upload, max_bytes)
    image_format = sniff_format(data)
    if image_format is None:
        raise _error("unsupported_format")
    try:
        picture = Image.open(io.BytesIO(data), formats=[image_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _error("too_many_pixels") from None
    except _DECODE_ERRORS:
        raise _error("damaged") from None
    with picture:
        _check_header(picture, image_format, max_pixels)
        return _decode(picture)


def sniff_format(data: bytes) -> str | None:
    """Return the Pillow format name the magic bytes announce, or None."""
    for magic, name in _FORMAT_BY_MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _read_bounded(upload: bytes | BinaryIO, max_bytes: int) -> bytes:
    too_large = _error("too_large", mb=max(1, max_bytes // (1024 * 1024)))
    if isinstance(upload, (bytes, bytearray, memoryview)):
        if len(upload) > max_bytes:
            raise too_large
        data = bytes(upload)
    else:
        declared_size = getattr(upload, "size", None)
        if isinstance(declared_size, int) and declared_size > max_bytes:
            raise too_large
        data = upload.read(max_bytes + 1)
    if not data:
        raise _error("empty")
    if len(data) > max_bytes:
        raise too_large
    return data


def _check_header(picture: Image.Image, image_format: str, max_pixels: int) -> None:
    width, height = picture.size
    if width * height > max_pixels:
        raise _error("too_many_pixels")
    try:
        is_animated = getattr(picture, "is_animated", False)
    except _DECODE_ERRORS:
        raise _error("damaged") from None
    if image_format == "GIF":
        # A GIF is never a camera photo; refuse the animated ones with the
        # friendlier message and the still ones as a wrong format.
        raise _error("animated" if is_animated else "unsupported_format")
    if is_animated:
        raise _error("animated")


def _decode(picture: Image.Image) -> SnapImage:
    if picture.format == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the photo is far
        # bigger than we keep: faster and a fraction of the memory.
        scale = DETAIL_LONG_SIDE / max(picture.size)
        if scale < 0.5:
            picture.draft(
                "RGB", (int(picture.width * scale), int(picture.height * scale))
            )
    try:
        picture.load()
        if picture.getexif().get(_EXIF_ORIENTATION, 1) != 1:
            picture = ImageOps.exif_transpose(picture)
        rgb = _to_rgb_array(picture)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _error("too_many_pixels") from None
    except _DECODE_ERRORS:
        raise _error("damaged") from None
    return _fit_to_working_size(rgb)


def _to_rgb_array(picture: Image.Image) -> np.ndarray:
    import numpy as np

    if picture.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greyscale PNG: Pillow's convert("RGB") clips, scale instead.
        wide = np.asarray(picture, dtype=np.uint32)
        grey = (wide >> 8).clip(0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.stack([grey] * 3, axis=-1))
    if picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    ):
        # Transparent pixels would turn black; a code on a transparent
        # background is dark-on-light, so flatten onto white.
        rgba = picture.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(white, rgba)
    if picture.mode != "RGB":
        picture = picture.convert("RGB")
    return np.asarray(picture)


def _fit_to_working_size(rgb: np.ndarray) -> SnapImage:
    import cv2
    import numpy as np

    long_side = max(rgb.shape[:2])
    if long_side <= WORKING_LONG_SIDE:
        return SnapImage(rgb=_read_only(np.ascontiguousarray(rgb)))
    detail_gray = _shrink(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), DETAIL_LONG_SIDE)
    return SnapImage(
        rgb=_read_only(_shrink(rgb, WORKING_LONG_SIDE)),
        detail_gray=_read_only(detail_gray),
    )


def _read_only(pixels: np.ndarray) -> np.ndarray:
    # Every stage reads the same arrays; none may change them under another.
    pixels.flags.writeable = False
    return pixels


def _shrink(pixels: np.ndarray, long_side: int) -> np.ndarray:
    """Return ``pixels`` scaled down to ``long_side``, without aliasing."""
    import cv2
    import numpy as np

    height, width = pixels.shape[:2]
    # Halve with INTER_AREA while far too big (OpenCV's fast integer path),
    # then finish with INTER_LINEAR, which does not alias above half scale
    # and is five times faster than INTER_AREA at fractional factors.
    while max(height, width) >= 2 * long_side:
        height, width = height // 2, width // 2
        pixels = cv2.resize(pixels, (width, height), interpolation=cv2.INTER_AREA)
    scale = long_side / max(height, width)
    if scale >= 1:
        return np.ascontiguousarray(pixels)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_LINEAR)
