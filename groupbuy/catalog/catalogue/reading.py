"""Reading an uploaded catalogue file: its encoding, its header and rows."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from groupbuy.catalog.catalogue.columns import column_for
from groupbuy.catalog.errors import CatalogError
from groupbuy.core.spreadsheet import spreadsheet_text

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000

ENCODING_UTF8_BOM = "utf-8-sig"
ENCODING_UTF8 = "utf-8"
ENCODING_GB18030 = "gb18030"


def max_bytes() -> int:
    return int(
        getattr(settings, "GROUPBUY_CATALOG_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    )


def max_rows() -> int:
    return int(getattr(settings, "GROUPBUY_CATALOG_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass
class ReadFile:
    encoding: str
    columns: list[str]
    ignored_columns: list[str]
    rows: list[dict] = field(default_factory=list)


def _refused(code: str, message: str, *, status: int = 400) -> CatalogError:
    return CatalogError(code, message, status=status, fields={"file": [message]})


def decode(data: bytes) -> tuple[str, str]:
    """Return the text of ``data`` and the encoding it was read in: UTF-8 with
    or without a byte-order mark, else GB18030 (which GBK files also are: what
    Excel saves a "CSV (comma delimited)" file in on a Chinese Windows)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refused(
            "unreadable_file",
            _(
                "This file is saved as UTF-16 (Excel's “Unicode text”): save it "
                "as “CSV UTF-8” or “CSV (comma delimited)” and upload it again."
            ),
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), ENCODING_UTF8_BOM
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), ENCODING_UTF8
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030"), ENCODING_GB18030
    except UnicodeDecodeError:
        raise _refused(
            "unreadable_file",
            _(
                "This file is neither UTF-8 nor GB18030/GBK text: save it from "
                "your spreadsheet as “CSV UTF-8” and upload it again."
            ),
        ) from None


def encoding_label(encoding: str) -> str:
    return {
        ENCODING_UTF8_BOM: _("UTF-8 with byte-order mark"),
        ENCODING_UTF8: _("UTF-8"),
        ENCODING_GB18030: _("GB18030 (GBK)"),
    }.get(encoding, encoding)


def _dialect(text: str) -> type[csv.Dialect]:
    first_line = text.split("\n", 1)[0]
    return (
        csv.excel_tab if first_line.count("\t") > first_line.count(",") else csv.excel
    )


def read_catalogue_file(data: bytes) -> ReadFile:
    """Read ``data`` as a catalogue CSV; raise CatalogError (400, 413) with a
    sentence for the owner when it cannot be read or is too big."""
    if len(data) > max_bytes():
        raise _refused(
            "file_too_large",
            _("The file is larger than %(mb)s MB: split it into smaller files.")
            % {"mb": f"{max_bytes() / (1024 * 1024):g}"},
            status=413,
        )
    text, encoding = decode(data)
    # A byte-order mark kept by a GB18030 re-save reads as a character.
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise _refused("empty_file", _("The file is empty."))
        columns = [column_for(cell) for cell in header]
        if "name_zh" not in columns:
            raise _refused(
                "missing_column",
                _(
                    "The file has no Chinese name column: its first line must "
                    "name the columns, as the template does (name_zh or 中文名称)."
                ),
            )
        ignored = [
            cell.strip() for cell, name in zip(header, columns, strict=True) if not name
        ]
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= max_rows():
                raise _refused(
                    "too_many_rows",
                    _(
                        "The file has more than %(max)d products: split it into "
                        "files of at most %(max)d rows."
                    )
                    % {"max": max_rows()},
                )
            rows.append({"line": reader.line_num, "cells": _cells(columns, cells)})
    except csv.Error as error:
        raise _refused(
            "unreadable_file",
            _("Line %(line)d of the file cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": error},
        ) from None
    if not rows:
        raise _refused("empty_file", _("The file has no products under its header."))
    present = [name for name in dict.fromkeys(columns) if name]
    return ReadFile(encoding, present, ignored, rows)


def _cells(columns: list[str | None], cells: list[str]) -> dict[str, str]:
    found = {}
    for name, cell in zip(columns, cells, strict=False):
        if name and name not in found:
            found[name] = spreadsheet_text(cell.strip())
    return found
