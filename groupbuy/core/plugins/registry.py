"""Finding the installed apps' declarations, and importing what they name."""

from __future__ import annotations

import functools
import importlib
from typing import Any

from django.apps import apps as django_apps

from groupbuy.core.plugins.declaration import GroupbuyApp

MODULE_NAME = "groupbuy_app"


def load(reference: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected 'module:attribute', got {reference!r}")
    value = importlib.import_module(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


def app_declaration(app_config) -> GroupbuyApp | None:
    module_name = f"{app_config.name}.{MODULE_NAME}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only the module's own absence means "no declaration"; a missing import
        # inside it is a bug that must not pass silently.
        if error.name == module_name:
            return None
        raise
    declared = getattr(module, "app", None)
    if not isinstance(declared, GroupbuyApp):
        raise TypeError(f"{module_name}.app must be a GroupbuyApp")
    return GroupbuyApp(**{**declared.__dict__, "label": app_config.label})


def installed_apps() -> list[GroupbuyApp]:
    """Return the GroupbuyApps of INSTALLED_APPS, in INSTALLED_APPS order."""
    configs = tuple(django_apps.get_app_configs())
    return list(app_declarations(configs))


@functools.lru_cache(maxsize=8)
def app_declarations(configs: tuple) -> tuple[GroupbuyApp, ...]:
    # Keyed on the app configs, so a test that changes INSTALLED_APPS sees its
    # own apps, while every page render of the navigation costs no import.
    declarations = (app_declaration(config) for config in configs)
    return tuple(declaration for declaration in declarations if declaration)
