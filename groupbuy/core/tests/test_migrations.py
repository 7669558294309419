"""The migrations describe the models, and a squashed migration ends where the
chain it replaces ends (a new database applies the squash, an old one the
chain: both must reach the same models)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    # makemigrations --check exits non-zero when a model differs from the state
    # its migrations build
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_each_squash_reaches_the_models_its_chain_reaches():
    # Without a connection nothing counts as applied, so the loader takes each
    # squash in place of its chain, as on a new database.
    with_squashes = MigrationLoader(None, ignore_no_migrations=True)
    chains = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    squashes = [
        migration
        for migration in with_squashes.disk_migrations.values()
        if migration.replaces
    ]
    assert squashes, "no squashed migration to check"
    by_squash = with_squashes.project_state()
    # The chains' state: the plan the squashes make, each squash replaced by
    # the migrations it replaces. (Until 2026-12-07 this was the chain loader's
    # state "at every leaf", which applied a squash's replaced chain, a leaf of
    # its own, wherever the graph's order put it: when the moderation app came
    # to depend on sharing's last migration, sharing's 0001-0002 went last and
    # overwrote what 0003-0009 had added.)
    plan = []
    for leaf in with_squashes.graph.leaf_nodes():
        for node in with_squashes.graph.forwards_plan(leaf):
            if node not in plan:
                plan.append(node)
    by_chain = ProjectState(real_apps=chains.unmigrated_apps)
    for node in plan:
        for key in with_squashes.graph.nodes[node].replaces or [node]:
            by_chain = chains.graph.nodes[key].mutate_state(by_chain, preserve=False)
    for squash in squashes:
        app = squash.app_label
        squashed_models = {
            key: state for key, state in by_squash.models.items() if key[0] == app
        }
        chain_models = {
            key: state for key, state in by_chain.models.items() if key[0] == app
        }
        assert squashed_models.keys() == chain_models.keys(), app
        for key, state in squashed_models.items():
            chain = chain_models[key]
            assert _fields(state) == _fields(chain), key
            assert _options(state) == _options(chain), key
            assert (state.bases, state.managers) == (chain.bases, chain.managers), key


def _fields(state) -> dict:
    return {
        name: _comparable(field.deconstruct()[1:])
        for name, field in state.fields.items()
    }


def _comparable(value):
    # A storage is made anew in each migration file: compare what it is made of.
    if isinstance(value, (list, tuple)):
        return [_comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if not isinstance(value, type) and hasattr(value, "deconstruct"):
        return _comparable(value.deconstruct())
    return value


def _options(state) -> dict:
    # makemigrations writes 'abstract': False for a model with an abstract base,
    # where the chain's AlterModelOptions left it out: the same model.
    return {
        name: value
        for name, value in state.options.items()
        if (name, value) != ("abstract", False)
    }


@pytest.mark.django_db
def test_a_new_database_records_the_squash_and_what_it_replaces():
    # the test database was made by migrate: the squashes were applied, and
    # Django records the replaced migrations as applied with them
    applied = MigrationLoader(connection).applied_migrations
    for migration in MigrationLoader(connection).disk_migrations.values():
        if migration.replaces:
            assert (migration.app_label, migration.name) in applied
            for replaced in migration.replaces:
                assert replaced in applied, replaced
