"""One row's cells, checked on their own (no database): what the row says
the product is, or why it cannot be read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from groupbuy.catalog.catalogue.columns import NO_WORDS, YES_WORDS
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.services._common import clean_text
from groupbuy.catalog.services.listings import MAX_PRICE_FEN, format_yuan
from groupbuy.catalog.services.products import clean_product_gtin
from groupbuy.core.money import YuanSyntaxError, parse_yuan, yuan_to_fen

# "6.90123E+12": a spreadsheet showed a long barcode as a number and saved it so.
_SHORTENED_NUMBER = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")

TEXT_LIMITS = {
    # column: (label, most characters, required)
    "name_zh": (lambda: _("Chinese name"), 200, True),
    "name_en": (lambda: _("English name"), 200, False),
    "brand": (lambda: _("brand"), 120, False),
    "spec": (lambda: _("specification"), 120, False),
}
DESCRIPTION_MAX_CHARS = 5000


@dataclass
class RowCells:
    """What a row asks for; ``None`` for a column the file does not have."""

    gtin: str = ""
    details: dict = field(default_factory=dict)
    category_text: str | None = None
    price_fen: int | None = None
    on_sale: bool | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def name_key(self) -> tuple[str, str, str]:
        """How a product without a barcode is told apart (as product_create does)."""
        return (
            self.details.get("name_zh", "").lower(),
            self.details.get("brand", "").lower(),
            self.details.get("spec", "").lower(),
        )


def read_cells(cells: dict[str, str], columns: list[str]) -> RowCells:
    row = RowCells()
    present = set(columns)
    row.gtin = _gtin(cells.get("gtin", ""), row.problems)
    for name, (label, most, required) in TEXT_LIMITS.items():
        if name in present:
            row.details[name] = _text(
                cells.get(name, ""), name, label(), most, required, row.problems
            )
    if "description" in present:
        description = cells.get("description", "").strip()
        if len(description) > DESCRIPTION_MAX_CHARS:
            row.problems.append(
                _("The description may have at most %(max)d characters.")
                % {"max": DESCRIPTION_MAX_CHARS}
            )
        row.details["description"] = description
    if "category" in present:
        row.category_text = cells.get("category", "").strip()
    if "price_yuan" in present:
        row.price_fen = _price_fen(cells.get("price_yuan", ""), row.problems)
    if "on_sale" in present:
        row.on_sale = _on_sale(cells.get("on_sale", ""), row.problems)
    return row


def _gtin(text: str, problems: list[str]) -> str:
    text = text.strip().lstrip("'")
    if _SHORTENED_NUMBER.match(text):
        problems.append(
            _(
                "The barcode “%(code)s” was shortened by the spreadsheet: format "
                "the column as text and type the barcode again."
            )
            % {"code": text}
        )
        return ""
    try:
        return clean_product_gtin(text)
    except CatalogError as error:
        problems.append(error.message)
        return ""


def _text(text, name, label, most, required, problems) -> str:
    try:
        return clean_text(
            text, field=name, label=label, max_length=most, required=required
        )
    except CatalogError as error:
        problems.append(error.message)
        return " ".join(text.split())


def _price_fen(text: str, problems: list[str]) -> int | None:
    if not text.strip():
        return None
    try:
        yuan = parse_yuan(text)
    except YuanSyntaxError:
        problems.append(
            _("“%(price)s” is not a price in yuan, such as 12.50.") % {"price": text}
        )
        return None
    if yuan < 0:
        problems.append(_("The price may not be negative."))
        return None
    if yuan.as_tuple().exponent < -2 and yuan != yuan.quantize(Decimal("0.01")):
        problems.append(_("A price has at most two decimals (fen)."))
        return None
    price_fen = yuan_to_fen(yuan)
    if price_fen <= 0:
        problems.append(_("The price must be more than 0."))
        return None
    if price_fen > MAX_PRICE_FEN:
        problems.append(
            _("The price may be at most %(max)s.") % {"max": format_yuan(MAX_PRICE_FEN)}
        )
        return None
    return price_fen


def _on_sale(text: str, problems: list[str]) -> bool | None:
    word = text.strip().lower()
    if not word:
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    problems.append(
        _("“%(value)s” under on_sale is neither yes nor no.") % {"value": text}
    )
    return None
