"""The test modules whose answer the database engine can change: the only ones
the PostgreSQL suite runs (``GROUPBUY_ONLY_DATABASE_TESTS=1``, root
``conftest.py``), besides any test marked ``postgres`` or ``redis``.

Judged module by module (2026-12-07), each group with its reason. Every other
module's answer is the SQLite suite's: texts, notifications' wording, pages,
forms, menus, the admin, docs, the demo, PDFs and QR codes, the clock's
arithmetic, recognition, and reads of what the services wrote through plain
ORM filters. ``groupbuy/core/tests/test_engine_modules.py`` fails when a module
that is not kept races threads, locks rows, opens transactional tests, catches
``IntegrityError`` or runs SQL of its own, unless ``LEFT_TO_SQLITE`` says why
its answer is still the engine's own.

Patterns are ``fnmatch`` patterns of a module's path from the repository root.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

KEPT: dict[str, tuple[str, ...]] = {
    # Threads, connections or processes racing on row locks, unique keys and F()
    # counters: SQLite serialises its writers, PostgreSQL makes them wait on
    # each other (tests/multi and the Redis layer: servers sharing PostgreSQL).
    "races and locks": (
        "groupbuy/*/tests/test_*concurrency*.py",
        "groupbuy/*/tests/test_*races.py",
        "groupbuy/*/tests/test_postgres.py",
        "groupbuy/accounts/tests/test_switching.py",
        "groupbuy/catalog/tests/test_merchant_names.py",
        "groupbuy/catalog/tests/test_services_branch_close.py",
        "groupbuy/catalog/tests/test_services_image_order.py",
        "groupbuy/deals/tests/test_hot_rows.py",
        "groupbuy/deals/tests/test_lock_timing.py",
        "groupbuy/deals/tests/test_shop_notifications.py",
        "groupbuy/deals/tests/test_stock.py",
        "groupbuy/deals/tests/test_stock_keys.py",
        "groupbuy/ops/tests/test_erasure_against_payments.py",
        "groupbuy/ops/tests/test_erasure_blockers_operators.py",
        "groupbuy/ops/tests/test_erasure_blockers_shoppers.py",
        "groupbuy/sharing/tests/test_invitation_texts_per_day.py",
        "tests/multi/*.py",
        "groupbuy/realtime/tests/test_redis.py",
    ),
    # Constraints the database enforces (a name unique whatever its case), and
    # a unique key raced past the check: the service must catch IntegrityError
    # in a savepoint, or PostgreSQL refuses the rest of its transaction; what a
    # rollback leaves.
    "IntegrityError and savepoints": (
        "groupbuy/catalog/tests/test_services_listings.py",
        "groupbuy/catalog/tests/test_services_merchants.py",
        "groupbuy/catalog/tests/test_services_products.py",
        "groupbuy/notify/tests/test_enqueue.py",
        "groupbuy/sharing/tests/test_services.py",
        "groupbuy/ops/tests/test_files_on_rollback.py",
    ),
    # Migrations run on both engines (locks, data migrations, db_default columns
    # the release before leaves out of its INSERTs).
    "migrations and rolling deploys": (
        "groupbuy/core/tests/test_migrations.py",
        "groupbuy/*/tests/test_migration_*.py",
        "groupbuy/*/tests/test_*release_before.py",
        "groupbuy/*/tests/test_previous_release.py",
        "groupbuy/*/tests/test_search_keys_job.py",
        "groupbuy/*/tests/test_models.py",
    ),
    # SQL of their own or the engine's: raw SQL and cursors, trigram and
    # full-text search, case-insensitive lookups on names, JSON keys, sums,
    # counts and days truncated in a time zone, NULLs in an ordering.
    "SQL the engine answers": (
        "groupbuy/catalog/tests/test_trigram.py",
        "groupbuy/catalog/tests/test_pinyin_search.py",
        "groupbuy/demands/tests/test_search.py",
        "groupbuy/deals/tests/test_join_compiled.py",
        "groupbuy/deals/tests/test_selectors.py",
        "groupbuy/deals/tests/test_merchant_selectors.py",
        "groupbuy/deals/tests/test_sales_figures.py",
        "groupbuy/ops/tests/test_personal_data.py",
        "groupbuy/ops/tests/test_stats.py",
        "groupbuy/notify/tests/test_delivery.py",
        "groupbuy/notify/tests/test_operator_deliveries.py",
        "groupbuy/pooling/tests/test_figures.py",
        "groupbuy/payments/tests/test_payouts_over_time.py",
        "groupbuy/coupons/tests/test_statement_totals.py",
        "groupbuy/escrow/tests/test_kind_totals.py",
        "groupbuy/escrow/tests/test_merchant_money.py",
        "groupbuy/escrow/tests/test_platform_fees.py",
    ),
    # The money paths' services and state machines: locks and transactions
    # carry every capture, release, refund, settlement and payout.
    "money": (
        "groupbuy/escrow/tests/test_batch.py",
        "groupbuy/escrow/tests/test_callbacks.py",
        "groupbuy/escrow/tests/test_ledger.py",
        "groupbuy/escrow/tests/test_money_rules.py",
        "groupbuy/escrow/tests/test_refund_held.py",
        "groupbuy/escrow/tests/test_sandbox_gateway.py",
        "groupbuy/escrow/tests/test_services.py",
        "groupbuy/deals/tests/test_closing.py",
        "groupbuy/deals/tests/test_join.py",
        "groupbuy/deals/tests/test_money_properties.py",
        "groupbuy/deals/tests/test_money_races.py",
        "groupbuy/deals/tests/test_money_rules.py",
        "groupbuy/deals/tests/test_orders.py",
        "groupbuy/deals/tests/test_outside.py",
        "groupbuy/deals/tests/test_refunds.py",
        "groupbuy/deals/tests/test_unit_refunds.py",
        "groupbuy/coupons/tests/test_batches.py",
        "groupbuy/coupons/tests/test_closed_branch_redemption.py",
        "groupbuy/coupons/tests/test_expiry.py",
        "groupbuy/coupons/tests/test_expiry_on_close.py",
        "groupbuy/coupons/tests/test_merchant_refunds.py",
        "groupbuy/coupons/tests/test_money_properties.py",
        "groupbuy/coupons/tests/test_refunds.py",
        "groupbuy/coupons/tests/test_replaced_key_batches.py",
        "groupbuy/coupons/tests/test_services.py",
        "groupbuy/coupons/tests/test_settlement.py",
        "groupbuy/coupons/tests/test_unit_refunds.py",
        "groupbuy/payments/tests/test_alipay.py",
        "groupbuy/payments/tests/test_payout_schedule.py",
        "groupbuy/payments/tests/test_payouts.py",
        "groupbuy/payments/tests/test_statements.py",
        "groupbuy/payments/tests/test_wechat.py",
        "groupbuy/payments/tests/test_wechat_payouts.py",
        "groupbuy/demands/tests/test_forfeits.py",
        "groupbuy/demands/tests/test_order_endings.py",
        "groupbuy/demands/tests/test_services.py",
        "groupbuy/teams/tests/test_deal_transitions.py",
        "groupbuy/teams/tests/test_money_properties.py",
        "groupbuy/teams/tests/test_payment_retry.py",
        "groupbuy/teams/tests/test_refunded_places.py",
        "groupbuy/teams/tests/test_services.py",
    ),
}

# Modules that use what the guard looks for, and why their answer is still the
# SQLite suite's.
LEFT_TO_SQLITE: dict[str, str] = {
    "groupbuy/accounts/tests/test_email_verification.py": (
        "transactional for on_commit e-mails; no lock, no race"
    ),
    "groupbuy/accounts/tests/test_lockout.py": (
        "one transactional test for the lockout's on_commit audit; no race"
    ),
    "groupbuy/clock/tests/test_client.py": (
        "a thread serves the clock over uvicorn; clock arithmetic, no database"
    ),
    "groupbuy/clock/tests/test_consumers.py": "the clock's socket: no rows",
    "groupbuy/core/tests/test_body_limits.py": "a request's size, refused early",
    "groupbuy/core/tests/test_lock_joins.py": (
        "reads groupbuy's source for row locks over nullable joins; no database"
    ),
    "groupbuy/core/tests/test_plugins.py": "an app's registrations",
    "groupbuy/core/tests/test_rolling_deploys.py": (
        "reads the migrations' operations, runs none"
    ),
    "groupbuy/coupons/tests/test_live.py": (
        "what a socket receives after commit; redemption's locks are "
        "test_services.py's and test_concurrency.py's"
    ),
    "groupbuy/coupons/tests/test_scan_path.py": "the till's query count and caching",
    "groupbuy/coupons/tests/test_statement_indexes.py": (
        "SQLite's own EXPLAIN QUERY PLAN"
    ),
    "groupbuy/accounts/tests/test_operator_index.py": (
        "SQLite's own EXPLAIN QUERY PLAN"
    ),
    "groupbuy/snap/tests/test_fingerprint_queries.py": (
        "SQLite's own EXPLAIN QUERY PLAN"
    ),
    "groupbuy/snap/tests/test_capacity.py": (
        "threads fill the recogniser's queue in one process; no rows"
    ),
    "groupbuy/deals/tests/test_consumers.py": "the deal socket's messages",
    "groupbuy/demands/tests/test_consumers.py": "the demand socket's messages",
    "groupbuy/notify/tests/test_consumers.py": "ws/me/'s messages",
    "groupbuy/notify/tests/test_socket_asgi.py": "origin check, session, routing",
    "groupbuy/pooling/tests/test_consumers.py": "the pool sockets' messages",
    "groupbuy/realtime/tests/test_access.py": "a socket closed when its right ends",
    "groupbuy/realtime/tests/test_consumers.py": "publish() and the group consumer",
    "groupbuy/realtime/tests/test_fanout.py": "one subscription per process",
    "groupbuy/sharing/tests/test_push_channel.py": "web push after commit",
    "groupbuy/teams/tests/test_consumers.py": "the team socket's messages",
    "groupbuy/accounts/tests/test_api_language.py": (
        "an API module (conftest.py's _PAGE_MODULE): the language of an answer"
    ),
    "groupbuy/coupons/tests/test_pdf_fonts.py": "threads cut a font: no rows",
    "groupbuy/notify/tests/test_sms_modem.py": "a thread plays the modem: no rows",
    "groupbuy/ops/tests/test_backup.py": "SQLite's own backup (skipped there)",
    "groupbuy/snap/tests/test_appearance.py": "recognition threads: no rows",
    "groupbuy/snap/tests/test_ocr.py": "recognition threads: no rows",
    "tests/benchmarks/test_bulk_sql.py": "reads the benchmark's INSERTs: no rows",
    "groupbuy/ops/tests/test_health.py": (
        "SELECT 1 and the migration graph; its Redis test is kept by its mark"
    ),
    "groupbuy/payments/tests/test_wechat_jsapi.py": (
        "a thread serves the fake OAuth; the openid is kept by a plain save"
    ),
}


def is_kept(path: str) -> bool:
    """Whether the module at ``path`` (from the repository root) runs on
    PostgreSQL."""
    return any(
        fnmatchcase(path, pattern) for patterns in KEPT.values() for pattern in patterns
    )
