"""Extra rules other apps add to ``deal_join`` (checked by ``check_join_allowed``).

An app registers ``func(*, actor, deal) -> None`` raising a DomainError to
refuse, from its ``AppConfig.ready()``. The teams app uses it so that a deal in
team mode is joined through a team only, never through ``deal_join``.
"""

from __future__ import annotations

from collections.abc import Callable

_guards: list[Callable[..., None]] = []
_annotations: dict[str, Callable[[], object]] = {}


def register_join_guard(func: Callable[..., None]) -> None:
    if func not in _guards:
        _guards.append(func)


def register_join_annotation(name: str, expression: Callable[[], object]) -> None:
    """Let a guard's question be answered by the query that loads the deal for
    a join: ``expression()`` returns an annotation over ``Deal`` (an
    ``Exists`` with ``OuterRef("pk")``), set on the deal as ``name``. The guard
    reads it when present (``getattr(deal, name, None)``) and asks the database
    itself otherwise (a deal loaded some other way)."""
    _annotations[name] = expression


def join_annotation_names() -> tuple[str, ...]:
    """What ``join_annotations`` answers (the join's compiled deal query is
    compiled again when this changes)."""
    return tuple(_annotations)


def join_annotations() -> dict[str, object]:
    return {name: expression() for name, expression in _annotations.items()}


def run_join_guards(*, actor, deal) -> None:
    for guard in _guards:
        guard(actor=actor, deal=deal)
