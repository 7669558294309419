"""Printable PDFs: the coupon and the settlement statement (fpdf2).

Chinese text needs a CJK font: ``GROUPBUY_PDF_FONT`` (a .ttf/.otf/.ttc path) or
the first Noto CJK font found on the system. Without one, the PDFs are written
with the built-in Helvetica and show the English names only.
"""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

from groupbuy.core.money import format_fen
from groupbuy.core.times import format_local_time
from groupbuy.coupons import symbols
from groupbuy.coupons.statements import paid_at_close

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@functools.cache
def cjk_font() -> str | None:
    configured = os.environ.get("GROUPBUY_PDF_FONT")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _document() -> tuple[FPDF, bool]:
    pdf = FPDF(format=(148, 210))  # A5, in mm
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    font = cjk_font()
    if font:
        # Noto CJK collections hold SC as font 2; a plain .ttf ignores the number.
        number = 2 if font.endswith(".ttc") and "Noto" in font else 0
        pdf.add_font("cjk", fname=font, collection_font_number=number)
        pdf.set_font("cjk", size=11)
        return pdf, True
    pdf.set_font("helvetica", size=11)
    return pdf, False


def _text(value: str, unicode_ok: bool, fallback: str = "") -> str:
    if unicode_ok:
        return value
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return fallback or value.encode("ascii", "replace").decode("ascii")
    return value


def _line(pdf: FPDF, text: str, *, size: int = 11, height: float = 6) -> None:
    pdf.set_font_size(size)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def coupon_pdf(coupon, *, branches) -> bytes:
    """A printable coupon: QR, product, merchant, branch addresses, expiry."""
    pdf, unicode_ok = _document()
    deal = coupon.order.deal
    product = deal.product
    _line(pdf, _text(deal.title, unicode_ok, product.name_en), size=16, height=9)
    _line(
        pdf,
        _text(f"{product.name_zh} / {product.name_en}", unicode_ok, product.name_en),
    )
    _line(pdf, _text(coupon.merchant.name, unicode_ok, coupon.merchant.name_en))
    _line(pdf, f"Quantity: {coupon.quantity}   Serial: {coupon.serial}")
    expires = format_local_time(coupon.expires_at)
    _line(pdf, f"Valid until: {expires} ({settings.TIME_ZONE})")
    if coupon.code:
        image = io.BytesIO(symbols.png(coupon.code, scale=8))
        pdf.image(image, w=90, x=(pdf.w - 90) / 2)
    for branch in branches:
        _line(
            pdf,
            _text(
                f"{branch.name}: {branch.address}",
                unicode_ok,
                "(branch address in Chinese)",
            ),
            size=9,
            height=5,
        )
    return bytes(pdf.output())


def statement_pdf(statement) -> bytes:
    pdf, unicode_ok = _document()
    merchant = statement.merchant
    _line(
        pdf,
        _text(
            f"{merchant.name} statement", unicode_ok, f"{merchant.name_en} statement"
        ),
        size=14,
        height=8,
    )
    _line(pdf, f"{statement.start} - {statement.end} (times: {settings.TIME_ZONE})")
    _line(
        pdf,
        f"Redeemed {format_fen(statement.redeemed_fen)}  fee "
        f"{format_fen(statement.fee_fen)}  taken back "
        f"{format_fen(statement.taken_back_fen)}  net {format_fen(statement.net_fen)}"
        f"  (paid at close, not counted: {format_fen(statement.paid_at_close_fen)})",
    )
    for r in statement.redemptions:
        _line(
            pdf,
            f"{format_local_time(r.redeemed_at)}  {r.coupon.serial}  x{r.quantity}"
            f"  {format_fen(r.amount_fen)}  {r.channel}"
            + ("  paid at close" if paid_at_close(r) else ""),
            size=9,
            height=5,
        )
    for e in statement.expiries:
        _line(
            pdf,
            f"EXPIRED {format_local_time(e.settled_at)}  {e.coupon.serial}"
            f"  x{e.quantity}"
            f"  {format_fen(e.amount_fen)}  {e.outcome}",
            size=9,
            height=5,
        )
    for c in statement.conflicts:
        _line(
            pdf,
            f"CONFLICT {format_local_time(c.redeemed_at)}  {c.coupon.serial}"
            f"  x{c.quantity}  {c.reason}",
            size=9,
            height=5,
        )
    return bytes(pdf.output())
