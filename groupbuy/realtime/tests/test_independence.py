"""realtime is infrastructure: apps import it, never the other way round."""

import ast
from pathlib import Path

APPS = ("accounts", "catalog", "deals", "escrow", "notify", "snap", "web")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_realtime_imports_no_app():
    package = Path(__file__).resolve().parents[1]
    modules = set()
    for path in package.rglob("*.py"):
        modules |= imported_modules(path)
    assert (
        sorted(
            module
            for module in modules
            if module.split(".")[:2] in [["groupbuy", app] for app in APPS]
        )
        == []
    )


def test_the_contracts_names_import_from_the_package():
    from groupbuy.realtime import (
        GroupConsumer,
        SignedInConsumer,
        consumers,
        publish,
        user_group,
    )
    from groupbuy.realtime import publish as publish_module_function
    from groupbuy.realtime.publish import publish as publish_function

    assert publish is publish_function is publish_module_function
    assert callable(publish)
    assert user_group("usr_1") == "user.usr_1"
    assert GroupConsumer is consumers.GroupConsumer
    assert issubclass(SignedInConsumer, GroupConsumer)
