"""Presentation helpers for the pages: times for the JS modules, percentages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone, translation

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import mask_phone

register = template.Library()


@register.simple_tag
def label_colon() -> str:
    """The colon after a label, as the page's language writes it: "拼团结束：" in
    Chinese (full width, no space), "Sales end: " in English. An ASCII colon
    after a translated label read as a typo on the Chinese pages."""
    return "：" if (translation.get_language() or "").startswith("zh") else ": "


@register.filter
def epoch_ms(value: datetime | None) -> int | str:
    """Render a datetime as epoch milliseconds (how deadlines travel to JS)."""
    if value is None:
        return ""
    return int(value.timestamp() * 1000)


@register.simple_tag
def server_now_ms() -> int:
    """The server's clock when the page was rendered, in epoch milliseconds."""
    return int(timezone.now().timestamp() * 1000)


@register.filter
def percent_of(part, whole) -> int:
    """Return ``part`` as a whole percentage of ``whole``, clamped to 0–100."""
    try:
        part, whole = float(part), float(whole)
    except (TypeError, ValueError):
        return 0
    if whole <= 0:
        return 100 if part > 0 else 0
    return max(0, min(100, int(part * 100 // whole)))


@register.filter
def distance(metres) -> str:
    """Render a distance in metres as "350 m" or "1.2 km"."""
    try:
        metres = float(metres)
    except (TypeError, ValueError):
        return ""
    if metres < 1000:
        return f"{int(round(metres, -1)) or 10} m"
    return f"{metres / 1000:.1f} km"


@register.filter(name="is_erased")
def is_erased_filter(user) -> bool:
    """Whether ``user`` is an erased account: named "Deleted user", with no
    phone (its pseudonym is no number to mask)."""
    return is_erased(user)


@register.filter
def masked_phone(e164: str) -> str:
    """Show enough of a phone number to recognise it, not enough to dial it."""
    return mask_phone(e164 or "")


@register.simple_tag(takes_context=True)
def page_querystring(context, param: str, number) -> str:
    """The page's query string with ``param`` set to ``number`` and the other
    parameters kept: what a second paginated list on one page links with."""
    query = context.request.GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


@register.filter
def payment_status(intent) -> str:
    """A payment's state, saying when it was refunded in full or in part."""
    from groupbuy.web.operator_presenters import payment_status_label

    return payment_status_label(intent)
