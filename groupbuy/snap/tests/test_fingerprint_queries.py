"""Each process checks its indexes' fingerprints every few seconds: the checks
read indexes, never a whole table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.snap.indexes import catalog_names_fingerprint

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_names_fingerprint_reads_the_audit_trail_by_its_index():
    with CaptureQueriesContext(connection) as queries:
        catalog_names_fingerprint()
    (audit,) = [q["sql"] for q in queries if "core_auditentry" in q["sql"]]
    with connection.cursor() as cursor:
        # the captured SQL has its parameters inlined, quoted, by Django
        cursor.execute(f"EXPLAIN QUERY PLAN {audit}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "core_audit_type_id_idx" in plan, plan
