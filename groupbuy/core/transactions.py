"""Side effects run only once the surrounding transaction commits.

Services queue notifications, WebSocket pushes and jobs through ``after_commit``
so a rolled-back transaction sends nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import transaction


def after_commit(func: Callable, *args, **kwargs) -> None:
    callback = functools.partial(func, *args, **kwargs)
    # robust=True logs a failing callback by its __qualname__, which a bare
    # partial lacks; without this the logging itself would raise.
    functools.update_wrapper(callback, func)
    transaction.on_commit(callback, robust=True)
