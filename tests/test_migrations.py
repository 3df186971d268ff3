"""The models and the migrations describe the same schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.services.search.engine import is_engine_object


def _not_the_search_engines(obj, name, type_, reflected, compare_to):
    """The search engine's own parts (SQLite's FTS5 tables, PostgreSQL's GIN index) are not models."""
    return not (reflected and compare_to is None and is_engine_object(type_, name))


def _diff():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _not_the_search_engines}
        )
        return compare_metadata(context, db.metadata)


@pytest.mark.usefixtures("migration_app")
def test_migrations_build_exactly_the_models():
    db.drop_all()
    upgrade(revision="heads")
    assert _diff() == []


@pytest.mark.usefixtures("migration_app")
def test_migrations_downgrade_to_empty_and_back():
    db.drop_all()
    upgrade(revision="heads")
    downgrade(revision="base")
    upgrade(revision="heads")
    assert _diff() == []
