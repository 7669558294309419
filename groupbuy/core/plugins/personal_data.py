"""How an app hands over, and erases, what it holds about a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from groupbuy.core.plugins.registry import installed_apps, load


@dataclass
class PersonalDataExport:
    """What one app holds about a person: JSON records and files.

    ``files`` maps a name inside the export ZIP to a name in the default
    storage, or to a ``FieldFile`` read from its own storage (a snap's photo,
    which lives in the private storage).
    """

    records: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)


class PersonalDataProvider:
    """The shape of ``personal_data``; subclassing it is optional.

    ``export`` returns everything the app holds about ``user``. ``erase`` deletes
    or anonymises it inside the erasure's transaction; money records are kept
    (the user row stays, under a pseudonym, so the ledger still balances).
    ``holds`` says in a few words what that is, for the person's data page.
    ``erasure_blockers`` says what must happen before ``user`` can be erased
    (one sentence each, naming what to do first), or nothing: while any app
    names something, the request is refused and an erasure is held.
    """

    holds: Any = ""

    def export(self, user) -> PersonalDataExport:
        return PersonalDataExport()

    def erasure_blockers(self, user) -> list[str]:
        return []

    def erase(self, user) -> None:
        return None


def personal_data_providers() -> list[tuple[str, Any]]:
    """Return (app label, provider instance or class) for every app declaring one.

    In INSTALLED_APPS order; erasure runs them in reverse, so the accounts app
    (listed early) anonymises the user row last.
    """
    providers = []
    for app in installed_apps():
        if app.personal_data:
            provider = load(app.personal_data)
            providers.append(
                (app.label, provider() if isinstance(provider, type) else provider)
            )
    return providers
