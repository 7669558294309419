"""Draw coupon texts as 2-D codes and read them back from pictures.

QR (error level Q, alphanumeric mode for Base45) is drawn with segno; PDF417
and Data Matrix with zxing-cpp, which also reads every format from a photo.
Pure functions, no Django: the station uses them too.
"""

from __future__ import annotations

import io

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

FORMATS = ("qr", "pdf417", "datamatrix")
_ZXING_FORMATS = {
    "pdf417": zxingcpp.BarcodeFormat.PDF417,
    "datamatrix": zxingcpp.BarcodeFormat.DataMatrix,
}
# Photos are first read shrunk to this side: a coupon code fills a good part of
# any sensible picture, and decoding time grows with the pixels. Only if that
# finds nothing is the full picture searched harder (rotations, inverted).
FAST_SCAN_SIDE = 1000
MAX_SCAN_SIDE = 2400
_SCAN_FORMATS = [
    zxingcpp.BarcodeFormat.QRCode,
    zxingcpp.BarcodeFormat.PDF417,
    zxingcpp.BarcodeFormat.DataMatrix,
]


def qr(text: str) -> segno.QRCode:
    return segno.make(text, error="q", micro=False, boost_error=False)


def svg(text: str, *, symbol: str = "qr", scale: int = 4) -> str:
    if symbol == "qr":
        buffer = io.BytesIO()
        qr(text).save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True)
        return buffer.getvalue().decode("utf-8")
    barcode = zxingcpp.create_barcode(text, _format(symbol))
    return zxingcpp.write_barcode_to_svg(barcode)


def png(text: str, *, symbol: str = "qr", scale: int = 4) -> bytes:
    buffer = io.BytesIO()
    if symbol == "qr":
        qr(text).save(buffer, kind="png", scale=scale, border=4)
        return buffer.getvalue()
    barcode = zxingcpp.create_barcode(text, _format(symbol))
    image = Image.fromarray(_as_array(zxingcpp.write_barcode_to_image(barcode)))
    image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def read_picture(data: bytes) -> list[str]:
    """Return the texts of every 2-D code in a picture (may be empty)."""
    try:
        image = Image.open(io.BytesIO(data))
        # A JPEG can be decoded straight at a fraction of its size (DCT
        # scaling); PNG and others are decoded whole.
        image.draft("L", (FAST_SCAN_SIDE, FAST_SCAN_SIDE))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return []
    if max(image.size) > MAX_SCAN_SIDE:
        image.thumbnail((MAX_SCAN_SIDE, MAX_SCAN_SIDE))
    found = _texts(_shrunk(image).convert("L"), try_rotate=False, try_invert=False)
    return found or _texts(image.convert("L"), try_rotate=True, try_invert=True)


def _shrunk(image):
    """Return ``image`` reduced by a whole factor to about FAST_SCAN_SIDE.

    Box reduction by a whole factor is several times cheaper than resampling
    and keeps the modules' edges sharp enough for the reader.
    """
    factor = -(-max(image.size) // FAST_SCAN_SIDE)  # ceiling division
    return image.reduce(factor) if factor > 1 else image


def _texts(image, **options) -> list[str]:
    results = zxingcpp.read_barcodes(image, formats=_SCAN_FORMATS, **options)
    return [result.text for result in results if result.text]


def _format(symbol: str):
    try:
        return _ZXING_FORMATS[symbol]
    except KeyError:
        raise ValueError(f"unknown symbol {symbol!r}; use one of {FORMATS}") from None


def _as_array(image):
    import numpy

    return numpy.array(image)
