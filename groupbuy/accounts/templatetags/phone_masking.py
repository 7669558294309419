"""Template filters for text staff read that may hold someone's number."""

from django import template

from groupbuy.accounts.phones import mask_phones_in_text

register = template.Library()


@register.filter
def phones_masked(text) -> str:
    """``text`` with every phone number in it masked (+86138****8000)."""
    return mask_phones_in_text(str(text or ""))
