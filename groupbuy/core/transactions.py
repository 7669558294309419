"""Side effects run only once the surrounding transaction commits.

Services queue notifications, WebSocket pushes and jobs through ``after_commit``
so a rolled-back transaction sends nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import transaction


def after_commit(func: Callable, *args, **kwargs) -> None:
    transaction.on_commit(functools.partial(func, *args, **kwargs), robust=True)
