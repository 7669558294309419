"""Row locks that join other tables name what they lock.

PostgreSQL refuses ``SELECT … FOR UPDATE`` over the nullable side of an outer
join ("FOR UPDATE cannot be applied to the nullable side of an outer join"),
which ``select_related`` of a nullable foreign key produces; SQLite has no row
locks and never says so. Since the PostgreSQL suite runs only the modules whose
answer the engine can change (tests/support/engine_modules.py), a service
outside the money paths that locked such a join would meet PostgreSQL first in
production. So a query in groupbuy's code that locks and joins a nullable
foreign key must say which tables it locks (``select_for_update(of=...)``);
one over required keys only (an inner join) may lock them all."""

import ast
from pathlib import Path

from django.apps import apps

PACKAGE = Path(__file__).resolve().parents[2]


def _chain_methods(node: ast.AST) -> list[ast.Call]:
    """The method calls of one chained expression, outermost first
    (``a.b(...).c(...)`` gives the calls of ``c`` and ``b``)."""
    calls = []
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        else:
            node = node.value
    return calls


def _method_name(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _nullable_join(model_name: str, paths: list[str]) -> bool:
    """Whether following ``paths`` (``select_related``'s arguments) from the
    model named ``model_name`` crosses a nullable relation; an unknown model
    or a path not read statically counts as nullable."""
    models = [m for m in apps.get_models() if m.__name__ == model_name]
    if len(models) != 1 or not paths:
        return True
    for path in paths:
        model = models[0]
        for name in path.split("__"):
            field = model._meta.get_field(name)
            if field.null or (not field.many_to_one and not field.one_to_one):
                return True
            model = field.related_model
    return False


def _model_and_paths(calls: list[ast.Call]) -> tuple[str, list[str] | None]:
    """The model a chain starts from (``Model.objects``) and the paths it
    joins, or None where one is not a string literal."""
    node = calls[-1].func
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    model = node.id if isinstance(node, ast.Name) else ""
    paths: list[str] = []
    for call in calls:
        if _method_name(call) == "select_related":
            if not call.args or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str)
                for a in call.args
            ):
                return model, None
            paths += [a.value for a in call.args]
    return model, paths


def locks_over_joins(source: str) -> list[int]:
    """Line numbers of query chains that call ``select_for_update`` without
    ``of=`` over a ``select_related`` that may be an outer join."""
    found = []
    seen: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or id(node) in seen:
            continue
        calls = _chain_methods(node)
        seen.update(id(call) for call in calls)
        names = {_method_name(call): call for call in calls}
        lock = names.get("select_for_update")
        if lock is None or "select_related" not in names:
            continue
        if any(keyword.arg == "of" for keyword in lock.keywords):
            continue
        model, paths = _model_and_paths(calls)
        if paths is None or _nullable_join(model, paths):
            found.append(lock.lineno)
    return found


def test_the_check_finds_a_lock_over_a_nullable_join_without_of():
    # given locks over a nullable key (a deal order's pickup branch), the same naming
    # its table, over a required key (its deal), and without a join
    source = (
        "DealOrder.objects.select_related('pickup_branch').select_for_update().get(pk=1)\n"
        "DealOrder.objects.select_related('pickup_branch').select_for_update(of=('self',))\n"
        "DealOrder.objects.select_related('deal').select_for_update().get(pk=1)\n"
        "DealOrder.objects.select_for_update().filter(pk=1)\n"
    )
    # then only the first is found
    assert locks_over_joins(source) == [1]


def test_no_query_in_groupbuy_locks_a_join_without_naming_its_tables():
    # given every module of groupbuy's code, tests aside
    modules = [p for p in PACKAGE.rglob("*.py") if "tests" not in p.parts]
    # when each is read for locks over joins
    found = {
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in modules
        for line in locks_over_joins(path.read_text("utf-8"))
    }
    # then there are none
    assert modules
    assert found == set(), (
        "these queries lock rows over a join: name the tables locked with "
        "select_for_update(of=('self', ...)) (PostgreSQL refuses FOR UPDATE on "
        "the nullable side of an outer join)"
    )
