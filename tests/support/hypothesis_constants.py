"""Hypothesis's constants from groupbuy's source, read once per machine."""

from __future__ import annotations

import fcntl
import sys

import pytest


class ReadSourceConstantsOnce:
    """Before Hypothesis's collection hook, read the constants of the local
    modules imported so far under a lock the machine's pytest processes share.

    Hypothesis draws some of its inputs from the literals of the code under
    test: at collection, when there are property tests, it parses every local
    module that is imported (~450 of groupbuy's), ~5 s of CPU in each of a CI
    run's five or six processes that collect property tests, which start at
    the same moment and so all found its cache (``.hypothesis/constants``)
    empty. Under the lock the first process parses and fills the cache while
    the others wait, then read it (~1 s); Hypothesis's own scan then finds
    every module's constants in its memory. What it draws is unchanged."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items):
        if "hypothesis" not in sys.modules:
            return
        from hypothesis import is_hypothesis_test

        if not any(
            isinstance(item, pytest.Function) and is_hypothesis_test(item.obj)
            for item in items
        ):
            return
        from hypothesis.configuration import storage_directory
        from hypothesis.internal.constants_ast import (
            constants_from_module,
            is_local_module_file,
        )

        cache = storage_directory("constants")
        cache.create_if_missing()
        with open(cache.path.with_name("constants.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for module in list(sys.modules.values()):
                path = getattr(module, "__file__", None)
                if path is not None and is_local_module_file(path):
                    constants_from_module(module)
