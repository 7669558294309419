"""Find every audit action the code base can write, by reading its source.

A code is written by ``core.audit.audit_log(action=…)`` or as the first item
of an ``(action, obj, data)`` entry of ``audit_log_many``. Where the code is
not a literal it is followed: a name to what is assigned to it (in the
function, the module, or through a call's argument for a parameter), a
conditional to both branches, an f-string to every combination of its parts,
a constant such as ``Status.REFUNDED`` to its value. A code it cannot follow
is reported as such, so a new way of building one cannot slip past unseen.
"""

from __future__ import annotations

import ast
import importlib
import itertools
from dataclasses import dataclass
from enum import Enum
from functools import cache, cached_property
from pathlib import Path

import groupbuy

ROOT = Path(groupbuy.__file__).parent
WRITERS = {"audit_log", "audit_log_many"}


class Unresolved(Exception):
    """A code built from something the source does not tell."""


@dataclass
class Module:
    path: Path
    name: str
    text: str

    @cached_property
    def tree(self) -> ast.Module:
        return ast.parse(self.text, filename=str(self.path))

    @cached_property
    def functions(self) -> list:
        return [
            node
            for node in ast.walk(self.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]


@cache
def modules() -> tuple[Module, ...]:
    """Return the project's modules but its tests and migrations, unparsed."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        dotted = ".".join(("groupbuy", *parts)).removesuffix(".py")
        found.append(Module(path, dotted.removesuffix(".__init__"), path.read_text()))
    return tuple(found)


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _function_of(module: Module, node: ast.AST):
    """Return the innermost function ``node`` is in, None at module level."""
    line = getattr(node, "lineno", 0)
    around = [f for f in module.functions if f.lineno <= line <= f.end_lineno]
    return max(around, key=lambda f: f.lineno, default=None)


def _where(module: Module, node: ast.AST) -> str:
    return f"{module.path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', '?')}"


def _assigned(scope: ast.AST, target: str) -> list[ast.expr]:
    """Return what ``scope``'s own statements assign to ``target`` (a name or
    an attribute such as ``order.status``), tuples unpacked."""
    values = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            pairs = []
            for each in node.targets:
                if isinstance(each, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs += zip(each.elts, node.value.elts, strict=False)
                else:
                    pairs.append((each, node.value))
            values += [v for t, v in pairs if ast.unparse(t) == target]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            values += [node.value] if ast.unparse(node.target) == target else []
    return values


def _module_value(module: Module, dotted: str) -> str:
    value = importlib.import_module(module.name)
    for part in dotted.split("."):
        value = getattr(value, part)
    if isinstance(value, Enum):
        value = value.value
    if not isinstance(value, str):
        raise Unresolved(dotted)
    return value


def _callers(module: Module, function) -> list[tuple[Module, ast.Call]]:
    """Return the calls of ``function``: in its module when it is private,
    anywhere otherwise."""
    private = function.name.startswith("_")
    calls = []
    for other in modules():
        if (private and other is not module) or function.name not in other.text:
            continue
        for node in ast.walk(other.tree):
            if isinstance(node, ast.Call) and _called_name(node) == function.name:
                calls.append((other, node))
    return calls


def _argument(call: ast.Call, function, parameter: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if parameter in positional and positional.index(parameter) < len(call.args):
        return call.args[positional.index(parameter)]
    return _default(function, parameter)


def _default(function, parameter: str) -> ast.expr | None:
    arguments = function.args
    for argument, default in zip(
        arguments.kwonlyargs, arguments.kw_defaults, strict=True
    ):
        if argument.arg == parameter:
            return default
    positional = arguments.posonlyargs + arguments.args
    offset = len(positional) - len(arguments.defaults)
    for index, argument in enumerate(positional[offset:]):
        if argument.arg == parameter:
            return arguments.defaults[index]
    return None


def _parameters(function) -> set[str]:
    arguments = function.args
    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    return {argument.arg for argument in every}


def resolve(module: Module, node: ast.expr, seen: frozenset = frozenset()) -> set:
    """Return every string ``node`` may evaluate to; raise Unresolved else."""
    key = (module.name, id(node))
    if key in seen:
        return set()
    seen = seen | {key}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return resolve(module, node.body, seen) | resolve(module, node.orelse, seen)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                parts.append(sorted(resolve(module, part.value, seen)))
            else:
                parts.append([part.value])
        return {"".join(each) for each in itertools.product(*parts)}
    if isinstance(node, ast.Name | ast.Attribute):
        return _resolve_reference(module, node, seen)
    if isinstance(node, ast.Subscript):
        return _resolve_lookup(module, node, seen)
    raise Unresolved(f"{_where(module, node)}: {ast.unparse(node)}")


def _resolve_reference(module: Module, node: ast.expr, seen: frozenset) -> set:
    target = ast.unparse(node)
    function = _function_of(module, node)
    if function is not None:
        if values := _assigned(function, target):
            return set().union(*(resolve(module, v, seen) for v in values))
        if isinstance(node, ast.Name) and node.id in _parameters(function):
            return _resolve_parameter(module, function, node.id, seen)
    if values := [
        value
        for statement in module.tree.body
        for value in _assigned(ast.Module(body=[statement], type_ignores=[]), target)
        if isinstance(statement, ast.Assign | ast.AnnAssign)
    ]:
        return set().union(*(resolve(module, v, seen) for v in values))
    try:
        return {_module_value(module, target)}
    except (AttributeError, ImportError, Unresolved):
        raise Unresolved(f"{_where(module, node)}: {target}") from None


def _resolve_lookup(module: Module, node: ast.Subscript, seen: frozenset) -> set:
    """Return every value of the dictionary looked up (a literal one)."""
    target = ast.unparse(node.value)
    scopes = [_function_of(module, node), module.tree]
    tables = [
        value
        for scope in scopes
        if scope is not None
        for value in _assigned(scope, target)
        if isinstance(value, ast.Dict)
    ]
    if not tables:
        raise Unresolved(f"{_where(module, node)}: {ast.unparse(node)}")
    return set().union(
        *(resolve(module, value, seen) for table in tables for value in table.values)
    )


def _resolve_parameter(module: Module, function, parameter: str, seen) -> set:
    values: set = set()
    callers = _callers(module, function)
    if not callers:
        raise Unresolved(f"{_where(module, function)}: {parameter} (never called)")
    for caller, call in callers:
        argument = _argument(call, function, parameter)
        if argument is None:
            raise Unresolved(f"{_where(caller, call)}: {parameter} not passed")
        values |= resolve(caller, argument, seen)
    return values


def _many_entries(module: Module) -> list[ast.expr]:
    """Return the action of every entry the module builds for audit_log_many:
    the first item of each (action, obj, data) tuple in the module (a tuple
    that is not one would show as a code without a label, or one it cannot
    follow: never missed silently)."""
    unpacked = {
        id(target)
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Assign | ast.For | ast.comprehension)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
    }
    return [
        node.elts[0]
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Tuple)
        and len(node.elts) == 3
        and isinstance(node.elts[2], ast.Dict | ast.Name | ast.DictComp)
        and id(node) not in unpacked
    ]


def audit_codes() -> dict[str, list[str]]:
    """Return every audit action the code base writes, with where it is written;
    raise Unresolved for a code that cannot be told from the source."""
    codes: dict[str, list[str]] = {}
    for module in modules():
        if "audit_log" not in module.text or module.name == "groupbuy.core.audit":
            continue
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call) or _called_name(node) not in WRITERS:
                continue
            if _called_name(node) == "audit_log":
                actions = [k.value for k in node.keywords if k.arg == "action"]
            else:
                actions = _many_entries(module)
            if not actions:
                raise Unresolved(f"{_where(module, node)}: no action found")
            for action in actions:
                for code in resolve(module, action):
                    codes.setdefault(code, []).append(_where(module, node))
    return codes
