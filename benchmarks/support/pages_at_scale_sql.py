"""The bulk INSERTs pages_at_scale.py grows its database with (PostgreSQL)."""

BULK_SQL = [
    # Shoppers.
    """
    INSERT INTO accounts_user (password, is_superuser, public_id, phone, email,
        display_name, preferred_language, contact_channel, inbox_only_kinds,
        is_staff, is_active, date_joined)
    SELECT '!', false, %(prefix)s || 'usr' || g,
        %(phone_prefix)s || lpad(g::text, 7, '0'), '', '', 'zh-hans', 'sms',
        '[]'::jsonb, false, true, now()
    FROM generate_series(1, %(shoppers)s) g
    """,
    # 99 more merchants besides the measured one.
    """
    INSERT INTO catalog_merchant (public_id, name, name_en, description, is_active,
        created_at)
    SELECT %(prefix)s || 'mer' || g, 'Merchant ' || g, '', '', true, now()
    FROM generate_series(1, 99) g
    """,
    # Deals: 30 % open (deadlines over the next three days), 50 % settled,
    # 20 % failed; ten deals in a row per merchant (the first: the measured one).
    # idempotency_key has a database default ('', no key) and may be left out;
    # it is named with the rest for the reader.
    """
    INSERT INTO deals_deal (public_id, title, description, list_price_fen, stock,
        sold, buyers, settlement_mode, settle_cursor, max_quantity_per_order,
        starts_at, deadline_at, state, final_price_fen, created_at, updated_at,
        merchant_id, product_id, idempotency_key, stopped_by, stop_reason)
    SELECT %(prefix)s || 'deal' || g, 'Deal ' || g, '', 2000, 1000, %(per_deal)s,
        %(per_deal)s, 'on_close', 0, 5,
        now() - interval '10 days',
        CASE WHEN g %% 10 < 3 THEN now() + (1 + g %% 72) * interval '1 hour'
             ELSE now() - (1 + g %% 100) * interval '1 hour' END,
        CASE WHEN g %% 10 < 3 THEN 'open' WHEN g %% 10 < 8 THEN 'settled'
             ELSE 'failed' END,
        CASE WHEN g %% 10 BETWEEN 3 AND 7 THEN 1500 END,
        now(), now(),
        (%(merchant_ids)s::bigint[])[1 + (g / 10) %% 100],
        %(product_id)s, '', '', ''
    FROM generate_series(1, %(deals)s) g
    """,
    """
    INSERT INTO deals_dealtier (deal_id, min_participants, price_fen)
    SELECT id, tier.size, tier.price
    FROM deals_deal, (VALUES (1, 1800), (50, 1500)) AS tier(size, price)
    WHERE public_id LIKE %(prefix)s || 'deal%%'
    """,
    # Orders: order g is in deal g % D; shoppers of one deal are all different.
    """
    INSERT INTO deals_dealorder (public_id, quantity, unit_price_cap_fen, amount_fen,
        status, cancel_reason, refund_reason, refunded_fen, joined_at, updated_at,
        deal_id, shopper_id, shopper_slot, is_awaiting_follow_up)
    SELECT %(prefix)s || 'ord' || g, 1, 1800, 1800,
        CASE WHEN (1 + g %% %(deals)s) %% 10 < 3 THEN 'paid'
             WHEN (1 + g %% %(deals)s) %% 10 < 8 THEN 'confirmed'
             ELSE 'refunded' END,
        '', '', 0, now() - interval '10 days' + (g %% 800000) * interval '1 second',
        now(),
        %(first_deal)s + g %% %(deals)s,
        %(first_shopper)s
            + ((g %% %(deals)s) * 37 + (g / %(deals)s) * 1009) %% %(shoppers)s,
        0, false
    FROM generate_series(0, %(orders)s - 1) g
    """,
    # Ledger: a held account per shopper, a capture for every tenth order.
    """
    INSERT INTO escrow_ledgeraccount (public_id, kind, user_id, balance_fen,
        created_at)
    SELECT %(prefix)s || 'acct' || id, 'shopper_held', id, 0, now()
    FROM accounts_user WHERE public_id LIKE %(prefix)s || 'usr%%'
    """,
    """
    INSERT INTO escrow_ledgertransaction (public_id, kind, idempotency_key,
        reference_type, reference_id, memo, created_at)
    SELECT %(prefix)s || 'ltx' || id, 'escrow.payment.captured', 'bulk:' || id,
        'deals.order', public_id, 'bulk', joined_at
    FROM deals_dealorder WHERE public_id LIKE %(prefix)s || 'ord%%' AND id %% 10 = 0
    """,
    """
    INSERT INTO escrow_ledgerentry (transaction_id, account_id, amount_fen)
    SELECT t.id, a.id, 1800
    FROM escrow_ledgertransaction t
    JOIN deals_dealorder o ON o.public_id = t.reference_id
    JOIN escrow_ledgeraccount a ON a.user_id = o.shopper_id
        AND a.kind = 'shopper_held'
    WHERE t.public_id LIKE %(prefix)s || 'ltx%%'
    UNION ALL
    SELECT t.id, %(external_id)s, -1800
    FROM escrow_ledgertransaction t WHERE t.public_id LIKE %(prefix)s || 'ltx%%'
    """,
    """
    UPDATE escrow_ledgeraccount a SET balance_fen = held.total
    FROM (SELECT account_id, sum(amount_fen) AS total FROM escrow_ledgerentry
          GROUP BY account_id) held
    WHERE held.account_id = a.id
    """,
]
