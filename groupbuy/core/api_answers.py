"""What an operation's ``openapi_extra`` adds to the OpenAPI document: an
answer that is a file rather than JSON, and the refusals it gives beyond
those its shape implies (``groupbuy.api_document.refusals_of``).

A file answer documented only as "OK" made generated clients read a voice
note or a ZIP as JSON (until 2026-12-06); ``core/tests/test_api_document_rules``
now holds every non-JSON answer to a media type and a description.
"""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}
BINARY = {"schema": {"type": "string", "format": "binary"}}
# Ninja keys an operation's answers by number (200) and ``api_document`` its
# refusals by text ("404"), as JSON would: the answer is keyed as Ninja keys it
# so that the two merge, and a refusal as api_document does so that it is not
# declared twice.


def refusal(description: str) -> dict:
    """Document one refusal: an ``Error`` object, ``description`` naming its code."""
    return {
        "description": description,
        "content": {"application/json": {"schema": ERROR_REF}},
    }


def file_answer(
    description: str,
    media_types: list[str],
    *,
    refusals: dict[int, str] | None = None,
) -> dict:
    """Return the ``openapi_extra`` of an operation answering a file of one of
    ``media_types`` with 200, and refusing as ``refusals`` say (status →
    description)."""
    responses: dict[int | str, dict] = {
        200: {
            "description": description,
            "content": {media_type: BINARY for media_type in media_types},
        }
    }
    for status, why in (refusals or {}).items():
        responses[str(status)] = refusal(why)
    return {"responses": responses}


def json_answer(description: str, *, refusals: dict[int, str] | None = None) -> dict:
    """Return the ``openapi_extra`` of an operation whose JSON answer (its
    ``response`` schema) needs ``description`` beyond "OK", and which refuses
    as ``refusals`` say (status → description)."""
    responses: dict[int | str, dict] = {200: {"description": description}}
    for status, why in (refusals or {}).items():
        responses[str(status)] = refusal(why)
    return {"responses": responses}
