"""Presentation helpers for the pages: times for the JS modules, percentages,
sentences and labels as their language writes them."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.template.base import TextNode
from django.utils import timezone
from django.utils.safestring import mark_safe

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import mask_phone
from groupbuy.core.i18n import join_sentences, label_colon

register = template.Library()


# The colon after a label ("拼团结束：", "Sales end: "): {% label_colon %}.
register.simple_tag(label_colon, name="label_colon")


# Where a sentence ends inside the block's own text.
_BREAK = object()
_HTML_SPACE = frozenset(" \t\n\r\f")


def _sentence_pieces(nodelist: template.NodeList) -> list:
    """The block's nodes, with its own text cut at its whitespace outside HTML
    tags (``_BREAK``): a link after a sentence ("还没有订单。<a>去逛逛团购</a>") is
    one more part, while the spaces between a tag's attributes separate
    nothing. Cut once, when the template is read."""
    pieces: list = []
    in_tag, quote = False, ""
    for node in nodelist:
        if not isinstance(node, TextNode):
            pieces.append(node)
            continue
        text = ""
        for char in node.s:
            if in_tag:
                if quote:
                    quote = "" if char == quote else quote
                elif char in "\"'":
                    quote = char
                elif char == ">":
                    in_tag = False
            elif char == "<":
                in_tag = True
            elif char in _HTML_SPACE:
                if text:
                    pieces.append(text)
                    text = ""
                pieces.append(_BREAK)
                continue
            text += char
        if text:
            pieces.append(text)
    return pieces


class SentencesNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist
        self.pieces = _sentence_pieces(nodelist)

    def render(self, context) -> str:
        sentences, sentence = [], []
        for piece in self.pieces:
            if piece is _BREAK:
                sentences.append("".join(sentence))
                sentence = []
            elif isinstance(piece, str):
                sentence.append(piece)
            else:
                sentence.append(piece.render_annotated(context))
        sentences.append("".join(sentence))
        # Each part was escaped as it rendered; the block's own text is the
        # template's markup.
        return mark_safe(join_sentences(s.strip() for s in sentences))


@register.tag
def sentences(parser, token) -> SentencesNode:
    """Say translated sentences side by side as their language writes them
    (``core.i18n.join_sentences``): one space after an English sentence, none
    after a Chinese 。, where the template's own space showed as a gap in the
    line. Sentences are the parts between the block's whitespace (outside its
    HTML tags), so a link after a sentence follows it the same way; a part
    that renders empty (an ``{% if %}`` not taken) leaves no gap::

        {% sentences %}{% translate "A." %}
        {% if b %}{% translate "B." %}{% endif %}
        <a href="{% url 'c' %}">{% translate "C" %}</a>{% endsentences %}
    """
    nodelist = parser.parse(("endsentences",))
    parser.delete_first_token()
    return SentencesNode(nodelist)


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
