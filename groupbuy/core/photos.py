"""Photos people upload, kept without what the camera wrote into them.

A phone writes EXIF (where the photo was taken, the phone's make and serial,
when) and often XMP into every photo. Stored as uploaded in the public media, a
product or demand photo handed anyone the uploader's position, their home
often. ``photo_without_metadata`` re-encodes a photo that has already passed
the upload checks (size, format, full decode) in its own format with none of
that: only the pixels, turned upright as the EXIF orientation said, and the
colour profile.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

JPEG_QUALITY = 90
WEBP_QUALITY = 90


def photo_without_metadata(data: bytes, image_format: str) -> bytes:
    """Return ``data`` (a checked JPEG, PNG or WebP) re-encoded without EXIF,
    XMP or text chunks, in the same format."""
    with Image.open(io.BytesIO(data), formats=[image_format]) as picture:
        icc_profile = picture.info.get("icc_profile")
        upright = ImageOps.exif_transpose(picture)
    options: dict = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if image_format == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options["quality"] = JPEG_QUALITY
    elif image_format == "WEBP":
        options["quality"] = WEBP_QUALITY
    # Pillow writes EXIF, XMP and PNG text only when asked to; the upload's own
    # info goes too, but for a palette's transparent colour.
    upright.info = {
        key: upright.info[key] for key in ("transparency",) if key in upright.info
    }
    out = io.BytesIO()
    upright.save(out, format=image_format, **options)
    return out.getvalue()
