"""The product search's trigram indexes (PostgreSQL's pg_trgm).

On PostgreSQL, a search for a word inside names (``LIKE '%…%'``) read every
product; migration catalog 0015 adds trigram indexes the search's query can
use, and says what to do when the database user may not create pg_trgm.
"""

import importlib
import io
from contextlib import redirect_stderr

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from groupbuy.catalog import trigram
from groupbuy.catalog.selectors import products_matching
from groupbuy.catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "groupbuy.catalog.migrations.0015_product_trigram_indexes"
)


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")


def _plan(query: str) -> str:
    page = products_matching(query=query).values_list("public_id", flat=True)[:20]
    return page.explain()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query, index",
    [
        ("niunai", "catalog_product_pinyin_trgm"),
        ("tlsc", "catalog_product_initials_trgm"),
        ("牛奶糖", "catalog_product_name_zh_trgm"),
        ("milk", "catalog_product_name_en_trgm"),
        ("milk", "catalog_productalias_text_trgm"),
    ],
)
def test_the_product_search_can_read_the_trigram_indexes(query, index):
    _needs_postgres()
    # given products (too few for the planner to prefer an index on its own)
    make_product(name_zh="特仑苏纯牛奶糖", name_en="Milk candy", brand="蒙牛")
    make_product(name_zh="香蕉", name_en="Bananas")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    # when / then every arm of the search's OR is served by an index
    plan = _plan(query)
    assert index in plan
    assert "Seq Scan on catalog_product " not in plan


@pytest.mark.postgres
def test_without_the_right_to_create_pg_trgm_the_migration_says_what_to_do():
    _needs_postgres()
    # given a database without pg_trgm and a user who may not create it
    make_product(name_zh="纯牛奶", name_en="")
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION pg_trgm CASCADE")
        cursor.execute("CREATE ROLE groupbuy_test_no_extensions NOLOGIN")
        cursor.execute("GRANT ALL ON SCHEMA public TO groupbuy_test_no_extensions")
        cursor.execute("SET LOCAL ROLE groupbuy_test_no_extensions")
    # when the migration runs
    said = io.StringIO()
    with redirect_stderr(said):
        migration.create_indexes(apps, connection.schema_editor())
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    # then it says what to do, builds nothing, and the search still works
    assert "CREATE EXTENSION IF NOT EXISTS pg_trgm" in said.getvalue()
    assert "groupbuy search_indexes" in said.getvalue()
    assert trigram.indexes_missing(connection) == list(trigram.INDEXES)
    assert [p.name_zh for p in products_matching(query="niunai")] == ["纯牛奶"]


@pytest.mark.postgres
def test_missing_indexes_are_built_again_once_the_extension_is_there():
    _needs_postgres()
    # given the indexes were dropped
    trigram.indexes_drop(connection, concurrently=False)
    assert trigram.indexes_missing(connection) == list(trigram.INDEXES)
    # when
    built = trigram.indexes_create(connection, concurrently=False)
    # then
    assert built == list(trigram.INDEXES)
    assert trigram.indexes_missing(connection) == []


def test_on_sqlite_there_is_nothing_to_build():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    out = io.StringIO()
    call_command("search_indexes", stdout=out)
    assert out.getvalue() == "SQLite: no trigram indexes to build.\n"
    assert trigram.indexes_create(connection) == []
