"""Uploaded photos are stored without the camera's metadata."""

import io

import pytest
from PIL import Image

from groupbuy.core.photos import photo_without_metadata

GPS = {1: "N", 2: (31.0, 13.0, 50.0), 3: "E", 4: (121.0, 28.0, 30.0)}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret place</x:xmpmeta>'


def _exif(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = orientation
    exif[0x8825] = GPS
    return exif.tobytes()


def _photo(image_format: str, **options) -> bytes:
    picture = Image.new("RGB", (16, 12), (200, 30, 30))
    picture.putpixel((0, 0), (0, 0, 255))  # a mark to see which way is up
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("image_format", "options"),
    [
        ("JPEG", {"exif": _exif(), "xmp": XMP}),
        ("PNG", {"exif": _exif()}),
        ("WEBP", {"exif": _exif(), "xmp": XMP}),
    ],
)
def test_the_photo_keeps_its_format_and_size_and_loses_exif_and_xmp(
    image_format, options
):
    # given a photo whose EXIF says where it was taken
    data = _photo(image_format, **options)
    with Image.open(io.BytesIO(data)) as uploaded:
        assert uploaded.getexif().get_ifd(0x8825)  # (the test's own premise)
    # when
    cleaned = photo_without_metadata(data, image_format)
    # then
    with Image.open(io.BytesIO(cleaned)) as stored:
        assert (stored.format, stored.size) == (image_format, (16, 12))
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
        assert "xmp" not in stored.info
    assert b"secret place" not in cleaned
    assert b"PhoneMaker" not in cleaned


def test_a_photo_taken_sideways_is_stored_upright():
    # given a photo whose EXIF says "turn me 90° clockwise to view" (6)
    data = _photo("PNG", exif=_exif(orientation=6))
    # when
    cleaned = photo_without_metadata(data, "PNG")
    # then the pixels are turned, since the orientation tag is gone
    with Image.open(io.BytesIO(cleaned)) as stored:
        assert stored.size == (12, 16)
        assert stored.getpixel((11, 0))[:3] == (0, 0, 255)


def test_a_transparent_palette_png_stays_transparent():
    picture = Image.new("P", (4, 4), 0)
    picture.putpalette([255, 255, 255, 200, 30, 30] + [0, 0, 0] * 254)
    picture.putpixel((1, 1), 1)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", transparency=0)
    cleaned = photo_without_metadata(buffer.getvalue(), "PNG")
    with Image.open(io.BytesIO(cleaned)) as stored:
        assert stored.info.get("transparency") == 0
        assert stored.convert("RGBA").getpixel((0, 0))[3] == 0
