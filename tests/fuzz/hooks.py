"""Checks of our own for schemathesis, loaded with SCHEMATHESIS_HOOKS.

``clear_refusal``: a 4xx under /api/ is a refusal a person can read. The
document's ``Error`` schema already requires ``code``, ``message`` and
``fields``; this adds what a schema cannot say: the message is a sentence, not
empty, not the code again, not Python's or Pydantic's words (a repr, a
traceback, "Input should be…"), and, unless the request asked for English, in
Chinese (the default language): an untranslated message is one a Chinese
reader is shown in English.
"""

from __future__ import annotations

import json
import re

import schemathesis

# Words that only reach a message when an exception's text or a library's
# English leaks through instead of one of our sentences.
_LEAKS = re.compile(
    r"Traceback|object at 0x|NoneType|<class |<[A-Za-z_.]+ object|"
    r"Input should be|Field required|value_error|\{'|\['|pydantic|"
    r"DoesNotExist|IntegrityError|matching query does not exist"
)
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def refusal_problem(*, message, code, asked_for_english: bool) -> str | None:
    """Return why ``message`` is not a clear refusal, or None if it is one."""
    if not isinstance(message, str) or not message.strip():
        return "its message is empty"
    if message.strip() == code:
        return "its message is only its code"
    if leak := _LEAKS.search(message):
        return f"its message shows program text ({leak.group()!r})"
    if not asked_for_english and not _CHINESE.search(message):
        return "its message is not translated into Chinese"
    return None


@schemathesis.check
def clear_refusal(ctx, response, case):
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(
            f"{response.status_code} is not JSON: {response.content[:200]!r}"
        ) from None
    if not isinstance(body, dict):
        raise AssertionError(f"{response.status_code} is not a JSON object: {body!r}")
    language = response.request.headers.get("Accept-Language", "")
    problem = refusal_problem(
        message=body.get("message"),
        code=body.get("code"),
        asked_for_english=language.lower().startswith("en"),
    )
    if problem:
        raise AssertionError(
            f"{response.status_code} {body.get('code')!r}: {problem}: "
            f"{body.get('message')!r}"
        )
    return None
