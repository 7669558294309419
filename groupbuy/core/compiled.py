"""Statements the ORM builds once per process, for the hottest request (a join).

Why: building and compiling a queryset costs a join request more CPU than the
database spends running it. ``benchmarks/profile_join.py`` (2026-12-02) put
three fifths of a join's Python time in ``filter()``, ``annotate()``,
``as_sql()`` and ``Model.save()``, for statements whose shape never changes,
only their values.

How: a statement is written as an ordinary queryset, built once with stand-in
values (``Param``); the ORM's own SQL is kept with the position of each
stand-in among its parameters, and later calls run that SQL with their values.
The SQL cannot drift from the queryset it came from, and rows become model
instances through the same compiler state Django's iterator uses (the
``select_related`` models, annotations and the backend's converters), so the
objects are the ones the queryset would give. Statements still go through
``connection.cursor()``: they are counted, logged and wrapped like any other.

Only for statements whose shape is fixed: the stand-ins must be plain values
(a ``pk``, a hash, a moment), never something that changes the SQL (a list for
``__in``, a ``None`` that becomes ``IS NULL``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet, signals, sql
from django.db.models.query import get_related_populators

_counter = itertools.count(1)


class Param:
    """A stand-in for a value given at each call: ``Param("user_id", int)``.

    Each has two stand-in values, ordinary ones (in range for a small integer
    field: the ORM drops a lookup whose value no column could match or fail):
    the statement is compiled with each, and only the parameters that change
    between the two are taken for this one.
    """

    def __init__(self, name: str, kind: type):
        self.name, self.kind = name, kind
        number = next(_counter)
        if kind is int:
            self.stand_ins = (20_011 + 2 * number, 20_012 + 2 * number)
        elif kind is str:
            self.stand_ins = (f"stand-in-{number}-a", f"stand-in-{number}-b")
        elif kind is datetime:
            moment = datetime(2001, 2, 3, tzinfo=UTC) + timedelta(minutes=number)
            self.stand_ins = (moment, moment + timedelta(microseconds=1))
        else:
            raise TypeError(f"no stand-in for {kind!r}")

    def prepare(self, connection, value):
        """``value`` as the ORM would pass it to this backend's driver."""
        if self.kind is datetime:
            return connection.ops.adapt_datetimefield_value(value)
        return value


def _stand_ins(params: list[Param], which: int) -> dict:
    return {p.name: p.stand_ins[which] for p in params}


class _Compiled:
    """One statement compiled for one backend: SQL and where its values go."""

    def __init__(self, connection, compiled_twice, stand_ins: list[Param]):
        (self.sql, first), (second_sql, second) = compiled_twice
        # Whatever the two compilations disagree on must be exactly a stand-in
        # in both; anything else (a lookup dropped for one value, a stand-in
        # changed by arithmetic) refuses to compile rather than run wrong SQL.
        if self.sql != second_sql or len(first) != len(second):
            raise ValueError("the statement's SQL depends on its values")
        by_value = [
            {p.prepare(connection, p.stand_ins[which]): p for p in stand_ins}
            for which in (0, 1)
        ]
        self.slots = []
        for a, b in zip(first, second, strict=True):
            if a == b:
                self.slots.append(a)
                continue
            param = by_value[0].get(a)
            if param is None or by_value[1].get(b) is not param:
                raise ValueError(f"stand-ins changed by the ORM: {a!r}, {b!r}")
            self.slots.append(param)
        unused = {p.name for p in stand_ins} - {
            slot.name for slot in self.slots if isinstance(slot, Param)
        }
        if unused:
            raise ValueError(f"stand-ins missing from the SQL: {sorted(unused)}")

    def params(self, connection, values: dict) -> list:
        return [
            slot.prepare(connection, values[slot.name])
            if isinstance(slot, Param)
            else slot
            for slot in self.slots
        ]


class _PerBackend:
    """Compiled forms of one statement, one per database alias and backend (the
    SQL and the converters depend on the backend). Not per connection object:
    under ASGI each request gets a new one (Django's connections are
    context-local there), so a cache on it would compile on every request."""

    def __init__(self):
        self._compiled = {}

    def get(self, key, connection, compile_: Callable[[], _Compiled]) -> _Compiled:
        full_key = (connection.alias, connection.vendor, key)
        found = self._compiled.get(full_key)
        if found is None:
            # Two threads may both compile the first time: the same result.
            found = self._compiled[full_key] = compile_()
        return found


def _convert(rows, converters, connection):
    """``SQLCompiler.apply_converters`` for the calling connection."""
    converters = list(converters.items())
    for row in map(list, rows):
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        yield row


class CompiledSelect:
    """A read built once: ``build(**stand_ins)`` returns the queryset.

    ``shape`` (optional) names the variants a call may need (for example
    whether the reader is signed in): each gets its own compiled form.
    """

    def __init__(self, build: Callable[..., QuerySet], **params: type):
        self.build = build
        self.params = [Param(name, kind) for name, kind in params.items()]
        self._compiled = _PerBackend()

    def _compile(self, connection, shape, limit) -> _Compiled:
        compiled_twice = []
        for which in (0, 1):
            queryset = self.build(
                *([shape] if shape is not None else []),
                **_stand_ins(self.params, which),
            )
            if limit:
                if not queryset.ordered:
                    queryset = queryset.order_by("pk")  # as QuerySet.first()
                queryset = queryset[:limit]
            compiler = queryset.query.get_compiler(connection=connection)
            compiled_twice.append(compiler.as_sql())
        compiled = _Compiled(connection, compiled_twice, self.params)
        select, klass_info = compiler.select, compiler.klass_info
        start = klass_info["select_fields"][0]
        end = klass_info["select_fields"][-1] + 1
        compiled.model = klass_info["model"]
        compiled.model_slice = slice(start, end)
        compiled.init_list = [f[0].target.attname for f in select[start:end]]
        compiled.populators = get_related_populators(
            klass_info, select, connection.alias
        )
        compiled.annotations = list(compiler.annotation_col_map.items())
        compiled.converters = compiler.get_converters(
            [s[0] for s in select[: compiler.col_count]]
        )
        return compiled

    def _rows(self, values, *, shape, limit, using):
        connection = connections[using]
        compiled = self._compiled.get(
            (shape, limit), connection, lambda: self._compile(connection, shape, limit)
        )
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params(connection, values))
            rows = cursor.fetchall()
        if compiled.converters:
            rows = _convert(rows, compiled.converters, connection)
        objects = []
        for row in rows:
            obj = compiled.model.from_db(
                using, compiled.init_list, row[compiled.model_slice]
            )
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def sql_with_params(self, *, shape=None, first=False, using=DEFAULT_DB_ALIAS, **v):
        """The SQL and parameters a call would send (for tests)."""
        connection = connections[using]
        limit = 1 if first else None
        compiled = self._compiled.get(
            (shape, limit), connection, lambda: self._compile(connection, shape, limit)
        )
        return compiled.sql, compiled.params(connection, v)

    def all(self, *, shape=None, using=DEFAULT_DB_ALIAS, **values) -> list:
        return self._rows(values, shape=shape, limit=None, using=using)

    def first(self, *, shape=None, using=DEFAULT_DB_ALIAS, **values):
        """As ``queryset.first()``: ordered by pk unless the queryset is ordered."""
        found = self._rows(values, shape=shape, limit=1, using=using)
        return found[0] if found else None


class CompiledUpdate:
    """A conditional UPDATE built once: ``build(**stand_ins)`` returns
    ``(queryset, {field: value or expression})``; a call returns the row count."""

    def __init__(self, build: Callable[..., tuple[QuerySet, dict]], **params: type):
        self.build = build
        self.params = [Param(name, kind) for name, kind in params.items()]
        self._compiled = _PerBackend()

    def _compile(self, connection) -> _Compiled:
        compiled_twice = []
        for which in (0, 1):
            queryset, changes = self.build(**_stand_ins(self.params, which))
            query = queryset.query.chain(sql.UpdateQuery)
            query.add_update_values(changes)
            compiler = query.get_compiler(connection=connection)
            compiled_twice.append(compiler.as_sql())
            if query.related_updates or not compiled_twice[-1][0]:
                raise ValueError("only a plain single-table UPDATE can be compiled")
        return _Compiled(connection, compiled_twice, self.params)

    def sql_with_params(self, *, using=DEFAULT_DB_ALIAS, **values):
        """The SQL and parameters a call would send (for tests)."""
        connection = connections[using]
        compiled = self._compiled.get(
            None, connection, lambda: self._compile(connection)
        )
        return compiled.sql, compiled.params(connection, values)

    def __call__(self, *, using=DEFAULT_DB_ALIAS, **values) -> int:
        connection = connections[using]
        compiled = self._compiled.get(
            None, connection, lambda: self._compile(connection)
        )
        # As QuerySet.update: an error inside an atomic block marks it for rollback.
        with (
            transaction.mark_for_rollback_on_error(using),
            connection.cursor() as cursor,
        ):
            cursor.execute(compiled.sql, compiled.params(connection, values))
            return cursor.rowcount


_inserts = _PerBackend()


def insert(obj, *, using=DEFAULT_DB_ALIAS):
    """``obj.save(force_insert=True)`` for a model without parents, with the
    INSERT's SQL compiled once per model: the same fields, ``pre_save`` values
    (``auto_now_add``, generated ids), database preparation, returned columns and
    ``pre_save``/``post_save`` signals as ``Model.save``, without its
    generic bookkeeping and without recompiling the statement."""
    model = type(obj)
    meta = model._meta
    if meta.parents:
        raise ValueError("insert() does not handle multi-table inheritance")
    connection = connections[using]
    fields = [
        f
        for f in meta.local_concrete_fields
        if not f.generated and (obj.pk is not None or f is not meta.auto_field)
    ]
    returning = meta.db_returning_fields

    def compile_():
        query = sql.InsertQuery(model)
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = returning
        [(sql_text, _params)] = compiler.as_sql()
        compiled = _Compiled(connection, [(sql_text, []), (sql_text, [])], [])
        compiled.returning_params = compiler.returning_params
        compiled.converters = compiler.get_converters(
            [f.get_col(meta.db_table) for f in returning]
        )
        return compiled

    if any(hasattr(getattr(obj, f.attname), "resolve_expression") for f in fields):
        # A database default or an expression: the ORM's own path (and its SQL).
        obj.save(force_insert=True, using=using)
        return obj
    obj._prepare_related_fields_for_save(operation_name="save")
    signals.pre_save.send(
        sender=model, instance=obj, raw=False, using=using, update_fields=None
    )
    key = (model, tuple(f.attname for f in fields))
    compiled = _inserts.get(key, connection, compile_)  # (compiling runs pre_save)
    values = [f.pre_save(obj, True) for f in fields]
    params = [
        f.get_db_prep_save(value, connection=connection)
        for f, value in zip(fields, values, strict=True)
    ]
    # As Model.save_base: an error inside an atomic block marks it for rollback.
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        if returning:
            if connection.features.can_return_columns_from_insert:
                row = connection.ops.fetch_returned_insert_columns(
                    cursor, compiled.returning_params
                )
            else:
                row = [
                    connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
                ]
    if returning:
        if compiled.converters:
            [row] = _convert([row], compiled.converters, connection)
        for field, value in zip(returning, row, strict=True):
            setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    signals.post_save.send(
        sender=model,
        instance=obj,
        created=True,
        update_fields=None,
        raw=False,
        using=using,
    )
    return obj
