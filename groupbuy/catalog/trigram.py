"""Trigram indexes (PostgreSQL's pg_trgm) for the catalog's name search.

The search looks for a word inside names and pinyin keys (``LIKE '%…%'``,
``catalog.selectors.name_search``), which a B-tree index cannot serve: without
these indexes PostgreSQL reads every product for every search. A GIN index
with ``gin_trgm_ops`` can, for patterns of three characters or more.

``CREATE EXTENSION pg_trgm`` needs the right to create it in the database (a
superuser, or, pg_trgm being a trusted extension since PostgreSQL 13, the
database's owner or a role with CREATE on it). Without that right the
search works as before, reading every product; ``indexes_create`` says so,
and ``groupbuy search_indexes`` builds the indexes once a sysadmin has
created the extension (docs/deployment.md). SQLite has no such index: there
nothing is done.
"""

from __future__ import annotations

from django.db import DatabaseError, transaction

EXTENSION = "pg_trgm"

# name: (table, indexed expression). The expressions are those the search's
# lookups compare: ``contains`` is ``col::text LIKE``, ``icontains``
# ``UPPER(col::text) LIKE UPPER(…)``.
INDEXES = {
    "catalog_product_pinyin_trgm": ("catalog_product", "(search_pinyin::text)"),
    "catalog_product_initials_trgm": ("catalog_product", "(search_initials::text)"),
    "catalog_product_name_zh_trgm": ("catalog_product", "UPPER(name_zh::text)"),
    "catalog_product_name_en_trgm": ("catalog_product", "UPPER(name_en::text)"),
    "catalog_product_brand_trgm": ("catalog_product", "UPPER(brand::text)"),
    "catalog_productalias_text_trgm": ("catalog_productalias", "UPPER(text::text)"),
}

NO_EXTENSION = (
    "The product search has no trigram indexes: this database user may not "
    "create the PostgreSQL extension pg_trgm ({error}). Search works, but reads "
    "every product. Ask the database's administrator to run "
    '"CREATE EXTENSION IF NOT EXISTS pg_trgm;" in this database, then run '
    '"groupbuy search_indexes" (docs/deployment.md).'
)


def extension_ready(connection) -> tuple[bool, str]:
    """Return whether pg_trgm is in the database, creating it if this user may,
    and if not, why."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [EXTENSION])
        if cursor.fetchone():
            return True, ""
    try:
        # A savepoint inside a caller's transaction: the refusal leaves it usable.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {EXTENSION}")
    except DatabaseError as error:
        return False, str(error).strip().splitlines()[0]
    return True, ""


def indexes_create(connection, *, concurrently: bool = True) -> list[str]:
    """Build the missing trigram indexes; return their names.

    ``concurrently`` (outside a transaction) keeps products writable while an
    index builds; an index a failed concurrent build left invalid is dropped
    and built again. Raises ``TrigramUnavailable`` when pg_trgm cannot be had.
    """
    if connection.vendor != "postgresql":
        return []
    ready, why = extension_ready(connection)
    if not ready:
        raise TrigramUnavailable(NO_EXTENSION.format(error=why))
    how = "CONCURRENTLY " if concurrently else ""
    built = []
    with connection.cursor() as cursor:
        for name, (table, expression) in INDEXES.items():
            state = _index_state(cursor, name)
            if state == "valid":
                continue
            if state == "invalid":
                cursor.execute(f"DROP INDEX {how}{name}")
            cursor.execute(
                f"CREATE INDEX {how}{name} ON {table} "
                f"USING gin ({expression} gin_trgm_ops)"
            )
            built.append(name)
    return built


def indexes_drop(connection, *, concurrently: bool = True) -> None:
    """Drop the trigram indexes (the extension stays: others may use it)."""
    if connection.vendor != "postgresql":
        return
    how = "CONCURRENTLY " if concurrently else ""
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX {how}IF EXISTS {name}")


def indexes_missing(connection) -> list[str]:
    """Return the trigram indexes that are not there, or not usable."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        return [name for name in INDEXES if _index_state(cursor, name) != "valid"]


def _index_state(cursor, name: str) -> str:
    cursor.execute(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE c.relname = %s AND pg_catalog.pg_table_is_visible(c.oid)",
        [name],
    )
    row = cursor.fetchone()
    if row is None:
        return "missing"
    return "valid" if row[0] else "invalid"


class TrigramUnavailable(Exception):
    """pg_trgm is not in the database and this user may not create it."""
