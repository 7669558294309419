"""The join's compiled statements (groupbuy.core.compiled) are the ORM's own:
the same SQL, with the same values, and the same objects back."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groupbuy.accounts.models import ApiToken
from groupbuy.accounts.services import api_token_create
from groupbuy.accounts.services import tokens as token_services
from groupbuy.core.audit import audit_log
from groupbuy.core.compiled import CompiledSelect
from groupbuy.core.models import AuditEntry
from groupbuy.deals import join_reads
from groupbuy.deals.join_hooks import join_annotation_names
from groupbuy.deals.models import Deal
from groupbuy.deals.services import orders
from groupbuy.deals.tests.factories import make_deal, make_user

pytestmark = pytest.mark.django_db


def _sql(run):
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return [query["sql"] for query in captured.captured_queries], result


def _orm_sql(queryset, *, first=False):
    """The SQL and parameters the ORM would send for ``queryset`` (``first()``)."""
    if first:
        queryset = (queryset if queryset.ordered else queryset.order_by("pk"))[:1]
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def _orm_update_sql(queryset, changes):
    from django.db.models import sql

    query = queryset.query.chain(sql.UpdateQuery)
    query.add_update_values(changes)
    text, params = query.get_compiler(connection=connection).as_sql()
    return text, list(params)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_join_deal_read_is_the_querysets_sql_and_objects():
    # given a deal and a shopper
    deal = make_deal(stock=10)
    user = make_user()
    shape = (True, join_annotation_names())
    values = {"deal_id": deal.public_id, "user_id": user.pk}
    # when the deal is read compiled, and through the queryset it comes from
    compiled_sql, compiled = _sql(
        lambda: join_reads._DEAL_FOR_JOIN.first(shape=shape, **values)
    )
    orm_sql, orm = _sql(lambda: join_reads._deal_for_join(shape, **values).first())
    # then the same SQL with the same values is sent, once, and the objects agree
    assert join_reads._DEAL_FOR_JOIN.sql_with_params(
        shape=shape, first=True, **values
    ) == _orm_sql(join_reads._deal_for_join(shape, **values), first=True)
    assert len(compiled_sql) == len(orm_sql) == 1
    assert _fields(compiled) == _fields(orm)
    assert _fields(compiled.merchant) == _fields(orm.merchant)
    assert _fields(compiled.product) == _fields(orm.product)
    for name in ("active_branch_count", *join_annotation_names()):
        assert getattr(compiled, name) == getattr(orm, name)
    assert compiled.joiner_is_staff is orm.joiner_is_staff is False


def test_the_join_deal_comes_with_its_tiers_in_order_and_no_more_reads():
    deal = make_deal(stock=10)
    loaded = join_reads.deal_get_for_join(user=make_user(), deal_id=deal.public_id)
    expected = list(deal.tiers.order_by("min_participants"))
    sql, tiers = _sql(lambda: list(loaded.tiers.all()))
    assert sql == []
    assert [_fields(tier) for tier in tiers] == [_fields(tier) for tier in expected]
    assert all(tier.deal is loaded for tier in tiers)
    # a filter on the prefetched tiers still reads this deal's tiers only
    assert loaded.tiers.filter(pk__in=[t.pk for t in expected]).count() == len(expected)


def test_an_unknown_deal_is_not_found():
    from groupbuy.core.errors import NotFound

    with pytest.raises(NotFound):
        join_reads.deal_get_for_join(user=make_user(), deal_id="deal_nope")


def test_the_stock_update_is_the_querysets_update():
    # given an open deal
    deal = make_deal(stock=10)
    values = {
        "pk": deal.pk,
        "now": timezone.now(),
        "quantity": 2,
        "first": 3,
        "first_less_one": 2,
    }
    # when the compiled UPDATE runs, and then the ORM's
    compiled_sql, compiled_count = _sql(lambda: orders._TAKE_STOCK(**values))
    taking, changes = orders._take_stock(**values)
    orm_sql, orm_count = _sql(lambda: taking.update(**changes))
    # then both sent the same statement and each took the units
    assert orders._TAKE_STOCK.sql_with_params(**values) == _orm_update_sql(
        *orders._take_stock(**values)
    )
    assert len(compiled_sql) == len(orm_sql) == 1
    assert compiled_count == orm_count == 1
    deal.refresh_from_db()
    assert (deal.sold, deal.buyers) == (4, 2)
    # and a deal without the stock is not touched
    values["quantity"] = 7
    assert orders._TAKE_STOCK(**values) == 0


def test_the_token_reads_and_use_note_are_the_querysets():
    shopper = make_user()
    token, secret = api_token_create(actor=shopper)
    now = timezone.now()
    key_hash = token_services.api_token_hash(secret)
    compiled_sql, compiled = _sql(
        lambda: token_services._USABLE_TOKEN.first(key_hash=key_hash, now=now)
    )
    orm_sql, orm = _sql(
        lambda: token_services._usable_token(key_hash=key_hash, now=now).first()
    )
    assert token_services._USABLE_TOKEN.sql_with_params(
        first=True, key_hash=key_hash, now=now
    ) == _orm_sql(token_services._usable_token(key_hash=key_hash, now=now), first=True)
    assert len(compiled_sql) == len(orm_sql) == 1
    assert _fields(compiled) == _fields(orm)
    assert _fields(compiled.user) == _fields(orm.user)
    # an expired token is not usable
    later = now + timedelta(days=365 * 10)
    assert token_services._USABLE_TOKEN.first(key_hash=key_hash, now=later) is None
    # the use note
    compiled_sql, count = _sql(lambda: token_services._NOTE_USE(pk=token.pk, now=now))
    assert count == 1 and len(compiled_sql) == 1
    assert token_services._NOTE_USE.sql_with_params(
        pk=token.pk, now=now
    ) == _orm_update_sql(ApiToken.objects.filter(pk=token.pk), {"last_used_at": now})


def test_a_compiled_insert_writes_what_create_writes_and_sends_the_signals():
    from django.db.models import signals

    shopper = make_user()
    seen = []

    def note(sender, **kwargs):
        seen.append((kwargs.get("created"), kwargs["instance"].action))

    signals.pre_save.connect(note, sender=AuditEntry)
    signals.post_save.connect(note, sender=AuditEntry)
    try:
        compiled_sql, entry = _sql(
            lambda: audit_log(
                actor=shopper, action="test.one", obj=shopper, data={"n": 1}
            )
        )
        orm_sql, orm = _sql(
            lambda: AuditEntry.objects.create(
                actor=shopper,
                action="test.one",
                object_type=shopper._meta.label_lower,
                object_id=shopper.public_id,
                data={"n": 1},
            )
        )
    finally:
        signals.pre_save.disconnect(note, sender=AuditEntry)
        signals.post_save.disconnect(note, sender=AuditEntry)
    assert seen == [(None, "test.one"), (True, "test.one")] * 2
    assert entry.pk and not entry._state.adding
    written = _fields(AuditEntry.objects.get(pk=entry.pk))
    expected = _fields(AuditEntry.objects.get(pk=orm.pk))
    for varying in ("id", "created_at"):
        written.pop(varying), expected.pop(varying)
    assert written == expected
    # one statement each, into the same columns
    assert len(compiled_sql) == len(orm_sql) == 1
    assert compiled_sql[0].split("VALUES")[0] == orm_sql[0].split("VALUES")[0]


def test_a_stand_in_the_orm_changes_or_drops_is_refused():
    # arithmetic on a stand-in leaves a value that is no longer it
    changed = CompiledSelect(
        lambda *, deal_id: Deal.objects.filter(pk=deal_id + 1), deal_id=int
    )
    with pytest.raises(ValueError, match="stand-ins changed"):
        changed.first(deal_id=1)
    # a value the statement does not use (or that the ORM optimised away)
    unused = CompiledSelect(lambda *, deal_id: Deal.objects.all(), deal_id=int)
    with pytest.raises(ValueError, match="missing"):
        unused.first(deal_id=1)
    # a value that changes the SQL itself
    shaped = CompiledSelect(
        lambda *, deal_id: Deal.objects.filter(stock__lt=deal_id * 0 or 1), deal_id=int
    )
    with pytest.raises(ValueError):
        shaped.first(deal_id=1)


def test_an_anonymous_reader_gets_the_deal_through_the_orm():
    deal = make_deal(stock=10)
    from django.contrib.auth.models import AnonymousUser

    loaded = join_reads.deal_get_for_join(user=AnonymousUser(), deal_id=deal.public_id)
    assert loaded.pk == deal.pk and not hasattr(loaded, "joiner_is_staff")
    assert [t.min_participants for t in loaded.tiers.all()] == sorted(
        t.min_participants for t in deal.tiers.all()
    )
