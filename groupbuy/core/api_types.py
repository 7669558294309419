"""The types of the values a JSON request body holds, taken as JSON writes them.

Pydantic's lax mode, which Django Ninja validates with, reads ``"yes"``, ``"on"``,
``1`` and ``"1"`` as true and ``"5"``, ``5.0`` and ``true`` as the number 5: a
client whose bug sent ``"accept": "no"`` was read as having declined, and one
sending ``"quantity": "2"`` never learnt that its numbers were strings. A body's
booleans, whole numbers and numbers use these types instead, so only ``true`` and
``false`` are booleans, only an integer (``5``, not ``"5"``, ``5.0`` or ``true``) is
a whole number, and a number is any JSON number but not a string or a boolean;
anything else is a 422 ``invalid`` naming the field
(``core.validation_messages``). ``core/tests/test_api_input_types.py`` walks
every body of the API and fails on a ``bool``, ``int`` or ``float`` left lax.

Query parameters, path parameters and form fields arrive as text, so they keep
the plain types and are read from their text (``?include_inactive=true``).

An answer's state or status is text whose values ``answer_choices`` lists in
the document.
"""

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field, Strict

JsonBool = Annotated[bool, Strict()]
JsonInt = Annotated[int, Strict()]
JsonNumber = Annotated[float, Strict()]


def answer_choices(
    choices, *extra: str | None, description: str | None = None, default: Any = ...
) -> Any:
    """Declare the values an answer's text field takes (a ``TextChoices``'s
    values or an enum's, plus ``extra``: None for a field that may be null) as
    its ``enum`` in the OpenAPI document, for a client to switch on; the
    answer itself is not checked against them."""
    return Field(
        default,
        json_schema_extra={"enum": [*_values(choices), *extra]},
        description=description,
    )


def registered_answer_choices(
    registered: Callable[[], list[str]],
    *extra: str | None,
    description: str | None = None,
    default: Any = ...,
    **field: Any,
) -> Any:
    """Declare, as ``answer_choices`` does, values that apps register as they
    start (``registered()`` lists them, ``extra`` adds to them), read when the
    document is written; ``field`` goes to pydantic's ``Field``."""

    def declare(schema: dict) -> None:
        schema["enum"] = [*_values(registered()), *extra]

    return Field(default, json_schema_extra=declare, description=description, **field)


def _values(choices) -> list:
    return [
        getattr(value, "value", value) for value in getattr(choices, "values", choices)
    ]
