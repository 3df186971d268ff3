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


@pytest.mark.usefixtures("migration_app")
def test_a_book_that_existed_before_the_search_index_is_findable_after_the_upgrade():
    from app.models import Partner, Workspace
    from app.services.search import search

    db.drop_all()
    upgrade(revision="0010")
    with db.engine.begin() as connection:  # as the book stood before: no flush hooks
        workspace_id = connection.execute(Workspace.__table__.insert().values(name="Old book")).inserted_primary_key[0]
        connection.execute(
            Partner.__table__.insert().values(
                workspace_id=workspace_id, name="Garden Consulting", name_key="garden consulting", no_prospects=False
            )
        )
    upgrade(revision="heads")
    found = search(db.session, workspace_id, "gardn")
    assert [hit.title for hit in found.hits] == ["Garden Consulting"]
    db.session.rollback()
