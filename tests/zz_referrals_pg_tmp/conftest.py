import pytest
from app import create_app
from app.extensions import db as _db
from config import TestingConfig
from .helpers import chain  # noqa: F401

PG = "postgresql+psycopg://orchard:orchard@127.0.0.1:5439/orchard"

@pytest.fixture
def app():
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=PG)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()
