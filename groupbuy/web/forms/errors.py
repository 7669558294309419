"""Showing a service's refusal on a form."""

from __future__ import annotations

from django import forms

from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import join_sentences


def add_domain_error(
    form: forms.Form, error: DomainError, *, names: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: field messages on their fields (on
    top for fields the form lacks), the message on top unless already shown.
    ``names`` maps a service's field names to the form's where they differ
    (``unit_price_fen`` → ``unit_price``)."""
    placed: set[tuple[str | None, str]] = set()
    said = [str(m) for messages in (error.fields or {}).values() for m in messages]
    for name, messages in (error.fields or {}).items():
        name = (names or {}).get(name, name)
        target = name if name in form.fields else None
        for message in map(str, messages):
            if (target, message) not in placed:
                form.add_error(target, message)
                placed.add((target, message))
    # A refusal naming several fields says each of them in its message (the
    # sign-up form's): shown on the fields already.
    if error.message not in {message for _target, message in placed} and (
        error.message != join_sentences(said)
    ):
        form.add_error(None, error.message)
