"""Draw coupon texts as 2-D codes and read them back from pictures.

QR (error level Q, alphanumeric mode for Base45) is drawn with segno; PDF417
and Data Matrix with zxing-cpp, which also reads every format from a photo
(decoded to a greyscale array by OpenCV). Pure functions, no Django: the
station uses them too.
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import TYPE_CHECKING

import zxingcpp
from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:
    import segno

# OpenCV, numpy (~0.2 s of CPU) and segno are imported by the functions that
# draw or read a code: every page process imports this module, few scan.

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
    import segno

    return segno.make(text, error="q", micro=False, boost_error=False)


def svg(text: str, *, symbol: str = "qr", scale: int = 4, label: str = "") -> str:
    """Return the code drawn as SVG, named ``label`` for screen readers.

    Inlined in a page, an unnamed drawing is skipped by a screen reader (or
    read as a jumble of paths); with ``label`` the <svg> is an image of that
    name (role="img" and aria-label on the element itself).
    """
    if symbol == "qr":
        buffer = io.BytesIO()
        qr(text).save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True)
        drawing = _scalable(buffer.getvalue().decode("utf-8"))
    else:
        barcode = zxingcpp.create_barcode(text, _format(symbol))
        drawing = _inlinable(zxingcpp.write_barcode_to_svg(barcode))
    return _named(drawing, label) if label else drawing


def _inlinable(drawing: str) -> str:
    """Return zxing-cpp's SVG document as an element to inline in HTML.

    The document starts with an XML declaration and a doctype, which in the
    middle of an HTML page are a bogus comment and a parse error; its <svg>
    has a size but no viewBox (see _scalable); and it carries an id ("barcode")
    and a <desc> ("Zint Generated Symbol") meant for no page."""
    drawing = _scalable(drawing[drawing.index("<svg") :])
    drawing = re.sub(r"\s*<desc>[^<]*</desc>", "", drawing, count=1)
    return drawing.replace(' id="barcode"', "", 1).strip()


def _scalable(drawing: str) -> str:
    """Give an <svg> with a pixel size and no viewBox a viewBox of that size,
    so CSS scaling it (the coupon's box) scales the drawing, not only its
    canvas. Both zxing-cpp's and segno's drawings come without one."""
    width = re.search(r'<svg[^>]* width="(\d+)"', drawing)
    height = re.search(r'<svg[^>]* height="(\d+)"', drawing)
    if width and height and "viewBox" not in drawing.split(">", 1)[0]:
        box = f'<svg viewBox="0 0 {width.group(1)} {height.group(1)}"'
        drawing = drawing.replace("<svg", box, 1)
    return drawing


def _named(drawing: str, label: str) -> str:
    attributes = f'<svg role="img" aria-label="{escape(label, quote=True)}"'
    return drawing.replace("<svg", attributes, 1)


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
    """Return the texts of every 2-D code in a picture (may be empty).

    The picture is decoded straight to a greyscale array (OpenCV, no PIL
    image in between) and read reduced by a whole factor to about
    FAST_SCAN_SIDE: a JPEG is decoded at that size directly (DCT scaling), a
    PNG is decoded whole (every pixel must be inflated) and box-reduced. Only
    if that finds nothing is the full picture searched harder (rotations,
    inverted). Formats OpenCV cannot decode go through PIL.
    """
    import cv2

    header = _header(data)
    if header is None:
        return []
    kind, (width, height) = header
    if width * height > Image.MAX_IMAGE_PIXELS:
        return []
    factor = -(-max(width, height) // FAST_SCAN_SIDE)  # ceiling division
    # JPEG: the decoder itself reduces by 2, 4 or 8 (no more than asked).
    scale = max((s for s in (1, 2, 4, 8) if s <= factor), default=1)
    if kind != "JPEG":
        scale = 1
    grey = _decoded(data, _reduced_flags(scale))
    if grey is None:
        return _read_with_pil(data)
    found = _texts(_reduced(grey), try_rotate=False, try_invert=False)
    if found:
        return found
    if scale > 1:
        grey = _decoded(data, cv2.IMREAD_GRAYSCALE)
    return _texts(_capped(grey), try_rotate=True, try_invert=True)


def _reduced_flags(scale: int) -> int:
    """OpenCV's flags for decoding to grey reduced by ``scale`` (1, 2, 4, 8)."""
    import cv2

    return {
        1: cv2.IMREAD_GRAYSCALE,
        2: cv2.IMREAD_REDUCED_GRAYSCALE_2,
        4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
        8: cv2.IMREAD_REDUCED_GRAYSCALE_8,
    }[scale]


def _header(data: bytes):
    """Return the picture's format and size from its header (no pixels)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format, image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def _decoded(data: bytes, flags: int):
    import cv2
    import numpy

    try:
        grey = cv2.imdecode(numpy.frombuffer(data, numpy.uint8), flags)
    except cv2.error:
        return None
    return grey if grey is not None and grey.ndim == 2 else None


def _reduced(grey):
    """Return ``grey`` reduced by a whole factor to about FAST_SCAN_SIDE.

    Box reduction by a whole factor (INTER_AREA) is cheap and keeps the
    modules' edges sharp enough for the reader.
    """
    import cv2

    factor = -(-max(grey.shape) // FAST_SCAN_SIDE)
    if factor <= 1:
        return grey
    height, width = grey.shape
    size = (max(1, width // factor), max(1, height // factor))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


def _capped(grey):
    import cv2

    side = max(grey.shape)
    if side <= MAX_SCAN_SIDE:
        return grey
    height, width = grey.shape
    size = (width * MAX_SCAN_SIDE // side, height * MAX_SCAN_SIDE // side)
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


def _read_with_pil(data: bytes) -> list[str]:
    """Read a picture OpenCV cannot decode (the same steps, through PIL)."""
    import numpy

    try:
        image = Image.open(io.BytesIO(data))
        image.draft("L", (FAST_SCAN_SIDE, FAST_SCAN_SIDE))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return []
    if max(image.size) > MAX_SCAN_SIDE:
        image.thumbnail((MAX_SCAN_SIDE, MAX_SCAN_SIDE))
    grey = numpy.asarray(image.convert("L"))
    found = _texts(_reduced(grey), try_rotate=False, try_invert=False)
    return found or _texts(grey, try_rotate=True, try_invert=True)


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
