"""Extra rules other apps add to ``deal_join`` (checked by ``check_join_allowed``).

An app registers ``func(*, actor, deal) -> None`` raising a DomainError to
refuse, from its ``AppConfig.ready()``. The teams app uses it so that a deal in
team mode is joined through a team only, never through ``deal_join``.
"""

from __future__ import annotations

from collections.abc import Callable

_guards: list[Callable[..., None]] = []


def register_join_guard(func: Callable[..., None]) -> None:
    if func not in _guards:
        _guards.append(func)


def run_join_guards(*, actor, deal) -> None:
    for guard in _guards:
        guard(actor=actor, deal=deal)
