"""A refusal says why in the reader's language.

Services refuse with ``SomeError(code, message)``; the message is what a person
reads on the page or in the API's JSON. A message written as a plain string
stays English on a Chinese page (the API answered "There is no such team buy."
to everyone). Only what no person reads may stay untranslated: the payment
providers' notifications and the station's pure batch reader, whose codes the
platform turns into translated messages.
"""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
REFUSALS = ("NotFound", "Forbidden", "Conflict")
# (file, code): messages nobody reads in a language
MACHINE_FACING = {
    ("groupbuy/payments/services.py", "unknown_refund"),
    ("groupbuy/payments/services.py", "amount_mismatch"),
    ("groupbuy/coupons/batchfile.py", "malformed_batch"),
    ("groupbuy/coupons/batchfile.py", "bad_batch_signature"),
}


def _calls():
    """(path from the repository, call) for every call in the application code."""
    for path in sorted((REPO / "groupbuy").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                yield str(path.relative_to(REPO)), node


def _untranslated_refusals() -> list[tuple[str, str, int]]:
    found = []
    for path, call in _calls():
        name = getattr(call.func, "id", getattr(call.func, "attr", ""))
        if len(call.args) < 2 or not (name.endswith("Error") or name in REFUSALS):
            continue
        code, message = call.args[:2]
        is_code = isinstance(code, ast.Constant) and isinstance(code.value, str)
        is_plain = isinstance(message, ast.JoinedStr) or (
            isinstance(message, ast.Constant) and message.value
        )
        if is_code and is_plain:
            found.append((path, code.value, call.lineno))
    return found


def _plain_field_messages() -> list[tuple[str, int, str]]:
    found = []
    for path, call in _calls():
        for keyword in call.keywords:
            if keyword.arg != "fields" or not isinstance(keyword.value, ast.Dict):
                continue
            for value in keyword.value.values:
                for item in getattr(value, "elts", []):
                    if isinstance(getattr(item, "value", None), str):
                        found.append((path, call.lineno, item.value))
    return found


def test_a_refusals_field_messages_are_sentences_in_the_readers_language():
    # the API's "fields" lists what to tell a person beside each input: it held
    # "?", "unknown" and "length"
    assert _plain_field_messages() == []


def test_every_refusal_a_person_reads_is_translated():
    untranslated = [
        (path, code, line)
        for path, code, line in _untranslated_refusals()
        if (path, code) not in MACHINE_FACING
    ]
    assert untranslated == []


def test_the_machine_facing_list_names_only_refusals_that_exist():
    found = {(path, code) for path, code, _line in _untranslated_refusals()}
    assert MACHINE_FACING - found == set()
