"""The parts of a page the apps fill (``GroupbuyApp.page_parts``).

{% load page_parts %}
{% page_part "order.detail" %}                 every app's part, in app order
{% page_part "deal.progress" as part %}        to show the page's own when blank:
{% if part %}{{ part }}{% else %}…{% endif %}
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from groupbuy.core.plugins import page_part_templates

register = template.Library()


@register.simple_tag(takes_context=True)
def page_part(context, slot: str) -> SafeString:
    """Render the apps' templates for ``slot`` with the page's context.

    Each is rendered as ``{% include %}`` renders (its own variables go when it
    ends); their autoescaped output is joined, and blank when no app says
    anything, so the page can tell whether to show its own."""
    engine = context.template.engine
    rendered = []
    for name in page_part_templates(slot):
        with context.push():
            rendered.append(engine.get_template(name).render(context))
    return mark_safe("".join(rendered).strip())
