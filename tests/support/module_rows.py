"""Rows built once for a test module whose tests only read them.

A module-scoped fixture (which needs ``django_db_setup``) gives its builder to
``rows_for_the_module``: the builder runs in a transaction opened for the
whole module and rolled back at its end, so what it builds is there for each of
the module's tests (each still runs in its own savepoint, as pytest-django's
``db`` does, and undoes what it writes) and gone for the next module::

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with rows_for_the_module(django_db_blocker, World) as world:
            yield world

``committed_rows`` does the same for rows a transactional test would build
(committed, their ``on_commit`` work done), and empties the tables after.

``rows_for_the_module`` is only for modules with no transactional test
(``transactional_db``, ``live_server``, ``django_db(transaction=True)``):
those empty the tables, the shared rows with them, and pytest-django runs
them after all others. Outside the builder the database stays closed to
tests without a ``django_db`` mark, as everywhere else.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

Built = TypeVar("Built")


@contextlib.contextmanager
def rows_for_the_module(
    django_db_blocker, build: Callable[[], Built]
) -> Iterator[Built]:
    from django.db import transaction
    from django.utils import translation

    module = transaction.atomic()
    with django_db_blocker.unblock():
        module.__enter__()
        try:
            # as the tests start (the root conftest.py), whatever ran before
            with translation.override("en"):
                built = build()
        except BaseException:
            module.__exit__(*sys.exc_info())
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            module.__exit__(None, None, None)


@contextlib.contextmanager
def committed_rows(django_db_blocker, build: Callable[[], Built]) -> Iterator[Built]:
    """What ``build`` makes as a transactional test would (each write
    committed, its ``on_commit`` work done), for the tests of a class or
    module that only read it, each in its own savepoint; every table but the
    content types emptied at the end, as after a transactional test, and if
    ``build`` fails half-way."""
    from django.test import TransactionTestCase
    from django.utils import translation

    try:
        with django_db_blocker.unblock(), translation.override("en"):
            yield build()
    finally:
        with django_db_blocker.unblock():
            TransactionTestCase(methodName="__init__")._fixture_teardown()
