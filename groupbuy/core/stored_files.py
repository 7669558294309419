"""A file stored inside a transaction is deleted if the transaction rolls back.

Uploads are written to storage before the row that names them is saved, in
the same transaction. When anything after fails (the audit row, a constraint,
the caller's own transaction around the service), the database forgets the
row but the storage keeps the file: named by nothing, never cleaned up.

Django has ``on_commit`` but no "on rollback". What it does have: a callback
registered with ``on_commit`` is dropped unrun when its transaction, or the
savepoint it was registered in, rolls back, and dropped after running when it
commits. So the file's fate is tied to such a callback: when it is released,
the file is deleted unless the callback ran. Released means unreferenced;
CPython frees it then and there, so the file goes as the rollback happens.

One thing would delete a file whose transaction committed: a commit hook
registered before this one that raises, as Django then drops the hooks after
it unrun. So every commit hook of groupbuy's is robust (``core.transactions.
after_commit``, or ``robust=True``); ``core/tests/test_commit_hooks.py`` keeps
it so.
"""

from __future__ import annotations

import contextlib
import logging
import weakref

from django.db import transaction

logger = logging.getLogger(__name__)


class _Committed:
    """The on-commit callback: it only records that it ran."""

    def __init__(self, outcome: dict[str, bool]) -> None:
        self.outcome = outcome

    def __call__(self) -> None:
        self.outcome["committed"] = True


def _delete_unless_committed(outcome: dict[str, bool], storage, name: str) -> None:
    if outcome["committed"]:
        return
    with contextlib.suppress(OSError):
        storage.delete(name)
        logger.info("deleted %s: the transaction that stored it rolled back", name)


def stored_file_delete_on_rollback(storage, name: str, *, using=None) -> None:
    """Delete ``name`` from ``storage`` unless the current transaction commits.

    Outside a transaction (autocommit) there is nothing to roll back: the file
    is the caller's to keep.
    """
    if not transaction.get_connection(using).in_atomic_block:
        return
    outcome = {"committed": False}
    committed = _Committed(outcome)
    # The finalizer must not refer to ``committed`` itself, or it would never
    # be released.
    weakref.finalize(committed, _delete_unless_committed, outcome, storage, name)
    transaction.on_commit(committed, using=using, robust=True)
