"""``{% shop_applications_pending as pending %}``: how many shop applications
wait for an answer, for the operator dashboard's figure (a page whose view
does not know about ops)."""

from django import template

from groupbuy.ops import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def shop_applications_pending(context) -> int:
    return selectors.shop_application_pending_count(user=context["request"].user)
