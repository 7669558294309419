"""Side effects run only once the surrounding transaction commits.

Services queue notifications, WebSocket pushes and jobs through ``after_commit``
so a rolled-back transaction sends nothing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.db import connection, transaction

logger = logging.getLogger(__name__)


def after_commit(func: Callable, *args, **kwargs) -> None:
    callback = functools.partial(func, *args, **kwargs)
    # robust=True logs a failing callback by its __qualname__, which a bare
    # partial lacks; without this the logging itself would raise.
    functools.update_wrapper(callback, func)
    if not connection.in_atomic_block and connection.connection is None:
        # No connection, so no transaction: run now, as on_commit would, without
        # opening a connection only to ask (a process publishing to the channel
        # layer may have no database at all).
        try:
            callback()
        except Exception:
            logger.exception("after-commit callback %s failed", callback.__qualname__)
        return
    transaction.on_commit(callback, robust=True)
