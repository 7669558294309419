"""A shop's catalogue as the CSV file that imports back unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from groupbuy.catalog.catalogue.columns import COLUMNS, headers_for
from groupbuy.core.money import format_fen_for_spreadsheet
from groupbuy.core.spreadsheet import BYTE_ORDER_MARK, spreadsheet_cell

_TEXT_COLUMNS = ("name_zh", "name_en", "brand", "spec", "category", "description")


def catalogue_csv(rows: Iterable[dict], *, language: str) -> str:
    """Return the CSV text (UTF-8 with a byte-order mark once encoded) of
    ``rows`` (``catalog.selectors.catalogue_rows``) under ``language``'s headers.
    Text others typed is kept from running as a formula (``spreadsheet_cell``);
    the import takes the quote off again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers_for(language))
    chinese = (language or "").startswith("zh")
    for row in rows:
        cells = dict(row)
        for name in _TEXT_COLUMNS:
            cells[name] = spreadsheet_cell(cells.get(name) or "")
        price_fen = cells.get("price_fen")
        cells["price_yuan"] = (
            format_fen_for_spreadsheet(price_fen) if price_fen is not None else ""
        )
        on_sale = cells.get("on_sale")
        cells["on_sale"] = (
            "" if on_sale is None else _yes_no(bool(on_sale), chinese=chinese)
        )
        writer.writerow([cells.get(name) or "" for name in COLUMNS])
    return BYTE_ORDER_MARK + out.getvalue()


def _yes_no(value: bool, *, chinese: bool) -> str:
    if chinese:
        return "是" if value else "否"
    return "yes" if value else "no"
