"""Speaking to each socket in its reader's language.

A socket has no request to take a language from: ``socket_language`` chooses
it from the handshake as the pages do. An event sent to many readers at once
(a chat's message) is published once, so a text in it that depends on the
language (a name such as "Shopper A", a notice) goes in it in every language
the site speaks (``in_each_language``), and a consumer that says so
(``GroupConsumer.speaks_readers_language``) sends each socket the event with
its reader's (``event_in_language``). The texts are rendered once, where the
event is made, so a socket costs no query and no rendering: the event is
encoded once per language instead of once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace

from django.conf import settings
from django.http import parse_cookie
from django.utils import translation

IN_LANGUAGES = "in_languages"
# Where a group's message keeps its event encoded in each language, for the
# next socket of that language (the fan-out hands every socket the same dict).
_ENCODED = "encoded_in_language"


def socket_language(scope) -> str:
    """The language to speak to whoever opened the socket, chosen as for their
    pages (LocaleMiddleware, then accounts' UserLanguageMiddleware): the
    language cookie of one who just switched, else their saved language, else
    the browser's (Accept-Language), else the site's."""
    headers = {name: value.decode("latin-1") for name, value in scope["headers"]}
    handshake = SimpleNamespace(
        COOKIES=parse_cookie(headers.get(b"cookie", "")),
        META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", "")},
    )
    language = translation.get_language_from_request(handshake)
    saved = getattr(scope.get("user"), "preferred_language", "")
    if saved and settings.LANGUAGE_COOKIE_NAME not in handshake.COOKIES:
        return saved
    return language


def in_each_language(render: Callable[[], str]) -> dict:
    """Return what ``render`` says in each of the site's languages, as a value
    of an event: ``{"in_languages": {"zh-hans": "顾客 A", "en": "Shopper A"}}``."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(render())
    return {IN_LANGUAGES: texts}


def _text_in(texts: dict, language: str) -> str:
    for code in (language, settings.LANGUAGE_CODE):
        if code in texts:
            return texts[code]
    return next(iter(texts.values()), "")


def event_in_language(value, language: str):
    """Return ``value`` (an event, or a part of one) with each text given
    ``in_each_language`` replaced by the one in ``language`` (the site's when
    it has none in that language)."""
    if isinstance(value, dict):
        if IN_LANGUAGES in value and len(value) == 1:
            return _text_in(value[IN_LANGUAGES], language)
        return {key: event_in_language(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [event_in_language(item, language) for item in value]
    return value


def encoded_in_language(message: dict, language: str) -> str:
    """A group's ``push.event`` message's event in ``language``, encoded; the
    text is kept in the message for the other sockets reading ``language``."""
    encoded = message.setdefault(_ENCODED, {})
    if language not in encoded:
        encoded[language] = json.dumps(event_in_language(message["event"], language))
    return encoded[language]
