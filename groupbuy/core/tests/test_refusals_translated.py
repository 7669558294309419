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


def _untranslated_refusals() -> list[tuple[str, str, int]]:
    found = []
    for path in sorted((REPO / "groupbuy").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if not (name.endswith("Error") or name in REFUSALS):
                continue
            code, message = node.args[:2]
            is_code = isinstance(code, ast.Constant) and isinstance(code.value, str)
            is_plain = isinstance(message, ast.JoinedStr) or (
                isinstance(message, ast.Constant) and message.value
            )
            if is_code and is_plain:
                found.append((str(path.relative_to(REPO)), code.value, node.lineno))
    return found


def _plain_field_messages() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted((REPO / "groupbuy").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "fields" or not isinstance(keyword.value, ast.Dict):
                    continue
                for value in keyword.value.values:
                    for item in getattr(value, "elts", []):
                        if isinstance(getattr(item, "value", None), str):
                            relative = str(path.relative_to(REPO))
                            found.append((relative, node.lineno, item.value))
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
