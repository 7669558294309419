"""What of the apps' content people may report to the platform's operators.

An app declares each kind it lets people report (``GroupbuyApp.
reportable_kinds``: kind -> ``"module:attribute"`` of a ``ReportableKind``);
moderation reports, lists and hides items through the kind alone and names no
app (docs/moderation.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins.registry import installed_apps, load

# Messages the operators read on each side of a reported one.
CONTEXT_MESSAGES = 5


@dataclass(frozen=True)
class ReportableItem:
    """One item as moderation sees it.

    ``body`` is the text as its author wrote it (the operators' record, kept
    when the item is hidden); ``url`` is the page where it is shown to the
    people there (the author's notice links to it); ``is_hidden`` once an
    operator hid it.
    """

    kind: str
    id: str
    body: str
    author: Any
    url: str
    is_hidden: bool
    created_at: Any
    # A photo's address, for the reporter's form and the operators' page.
    image_url: str = ""


READ_IN_CONVERSATION = _("Read it in its conversation")


@dataclass(frozen=True)
class ReportWording:
    """What moderation's pages, refusals and notice call a kind's items: each a
    sentence of its own (a noun put into one sentence cannot agree in every
    language). ``removed_notice_body`` has ``{reason}``, the report's reason;
    ``open_report`` names the queue's link to the report's page."""

    report_title: Any
    reported_intro: Any
    back_label: Any
    removed_text: Any
    context_heading: Any
    gone: Any
    own_item: Any
    already_removed: Any
    removed_notice_title: Any
    removed_notice_body: Any
    # The queue's link to the report's page (a kind may leave it to messages').
    open_report: Any = READ_IN_CONVERSATION


MESSAGE_WORDING = ReportWording(
    report_title=_("Report a message"),
    reported_intro=_("The message you report:"),
    back_label=_("Back to the conversation"),
    removed_text=_("This message was removed by the platform."),
    context_heading=_("The conversation around it"),
    gone=_("This message was deleted."),
    own_item=_("You cannot report your own message."),
    already_removed=_("The platform has already removed this message."),
    removed_notice_title=_("Your message was removed"),
    removed_notice_body=_(
        "The platform removed your message in a conversation, reported as: {reason}."
    ),
)


class ReportableKind:
    """The shape of a reportable kind; subclassing it is optional.

    ``path`` names the kind in URLs (``/moderation/<path>/<id>/report/``);
    ``label`` names it for the operators. ``item_for_reporter`` returns an item
    ``user`` may see, or raises a 404 ``DomainError`` (so that someone outside
    learns nothing of it); ``items`` returns the items still there among
    ``item_ids``, by id; ``context`` returns the item among what was written
    just before and after it where it was shown, oldest first (the operators'
    report page; ``messages_around`` does it for a conversation's messages);
    ``hide`` replaces the item for everyone with the platform's notice,
    through the app's own service (idempotent). ``wording`` names the kind's
    items on moderation's pages (messages unless the kind says otherwise).
    """

    path: str = ""
    label: Any = ""
    wording: ReportWording = MESSAGE_WORDING

    def item_for_reporter(self, *, user, item_id: str) -> ReportableItem:
        raise NotImplementedError

    def items(self, *, item_ids: list[str]) -> dict[str, ReportableItem]:
        raise NotImplementedError

    def context(self, *, item_id: str) -> list[ReportableItem]:
        raise NotImplementedError

    def hide(self, *, actor, item_id: str) -> None:
        raise NotImplementedError


def messages_around(conversation, message, count: int = CONTEXT_MESSAGES) -> list:
    """Return ``message`` with up to ``count`` of ``conversation``'s messages
    (a queryset of one room's, with ``created_at``) on each side, oldest first."""
    before = Q(created_at__lt=message.created_at) | Q(
        created_at=message.created_at, pk__lt=message.pk
    )
    after = Q(created_at__gt=message.created_at) | Q(
        created_at=message.created_at, pk__gt=message.pk
    )
    earlier = conversation.filter(before).order_by("-created_at", "-pk")[:count]
    later = conversation.filter(after).order_by("created_at", "pk")[:count]
    return [*reversed(list(earlier)), message, *later]


def reportable_kinds() -> dict[str, Any]:
    """Return every declared reportable kind (kind -> its ReportableKind)."""
    kinds: dict[str, Any] = {}
    for app in installed_apps():
        for kind, reference in app.reportable_kinds.items():
            if kind in kinds:
                raise ValueError(f"two apps declare the reportable kind {kind!r}")
            declared = load(reference)
            kinds[kind] = declared() if isinstance(declared, type) else declared
    return kinds
