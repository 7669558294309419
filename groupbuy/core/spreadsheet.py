"""CSV files that people open in a spreadsheet program (Excel, WPS, Numbers)."""

# First in the file, so spreadsheet programs read UTF-8, and Chinese, right.
BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """``value`` as text that no spreadsheet runs as a formula.

    A cell starting with = + - @ runs as a formula; so may one starting with a
    tab or a carriage return, which some programs drop before reading on (the
    OWASP list). A quote before it keeps it text. Use it for text others typed
    (titles, names, notes), not for numbers, whose minus sign is meant."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def spreadsheet_text(cell: str) -> str:
    """What ``spreadsheet_cell`` was given back from the cell it wrote: the
    quote it put before a formula's first character taken off."""
    if cell[:1] == "'" and cell[1:2] and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell
