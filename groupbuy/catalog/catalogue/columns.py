"""The columns of a catalogue file, under English or Chinese headers.

The English names are the documented set (docs/user-guide.md); the Chinese
ones are what a Chinese shop's template and export carry. Both are read
whatever the page's language: they are a file format, not interface text, so
they are not translated.
"""

from __future__ import annotations

import unicodedata

COLUMNS = (
    "gtin",
    "name_zh",
    "name_en",
    "brand",
    "spec",
    "category",
    "description",
    "price_yuan",
    "on_sale",
)
CHINESE_HEADERS = {
    "gtin": "条码",
    "name_zh": "中文名称",
    "name_en": "英文名称",
    "brand": "品牌",
    "spec": "规格",
    "category": "分类",
    "description": "描述",
    "price_yuan": "售价（元）",
    "on_sale": "在售",
}
# Other headers till systems and people write for the same columns.
_MORE_HEADERS = {
    "barcode": "gtin",
    "ean": "gtin",
    "条形码": "gtin",
    "商品条码": "gtin",
    "名称": "name_zh",
    "商品名称": "name_zh",
    "售价": "price_yuan",
    "价格": "price_yuan",
    "price": "price_yuan",
}
YES_WORDS = frozenset({"yes", "y", "true", "1", "是", "在售", "上架"})
NO_WORDS = frozenset({"no", "n", "false", "0", "否", "停售", "下架"})


def header_key(text: str) -> str:
    """Fold a header as people type it: full-width forms, case, spaces."""
    folded = unicodedata.normalize("NFKC", text or "").strip().lower()
    return "".join(folded.split())


_COLUMN_BY_HEADER = {
    **{header_key(name): name for name in COLUMNS},
    **{header_key(text): name for name, text in CHINESE_HEADERS.items()},
    **{header_key(text): name for text, name in _MORE_HEADERS.items()},
}


def column_for(header: str) -> str | None:
    """Return the column a header names, or None for a column not read."""
    return _COLUMN_BY_HEADER.get(header_key(header))


def headers_for(language: str) -> list[str]:
    """Return the header row of a template or export for ``language``."""
    if (language or "").startswith("zh"):
        return [CHINESE_HEADERS[name] for name in COLUMNS]
    return list(COLUMNS)
