"""Shared fixtures, flaskr-style: app (an empty test database: SQLite, or PostgreSQL when
TEST_DATABASE_URL names one, see tests/database.py), client, auth, htmx client, factories, a frozen
clock and a SQL query counter."""

from __future__ import annotations

import contextlib
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter
from app.models import Contact, Membership, Partner, User, Workspace
from app.models.workspace import ROLE_MEMBER
from app.services import accounts
from config import TestingConfig
from tests.database import POSTGRES, TestDatabase
from tests.mail_server import smtp_server  # noqa: F401  (a fixture for every test)

PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # the tests' "now" (the `now` fixture)
_seq = itertools.count(1)

HX = {"HX-Request": "true"}
HX_BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty `g`.

    The `app` fixture keeps one application context open for the whole test (so tests can use the
    session), and Flask reuses an open context for requests: without this, `g` (the logged-in user
    Flask-Login caches, g.workspace, g.membership) would leak from one request into the next, even
    into another client's request."""

    def open(self, *args, **kwargs):
        if has_app_context():
            vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


# --- the test app -------------------------------------------------------------------------------


@contextlib.contextmanager
def app_on_empty_database(directory: Path, name: str = "test", *, own: bool = False, **config) -> Flask:
    """An app (TestingConfig and `config`) on an empty test database, its app context pushed."""
    database = TestDatabase(directory, name, own=own)
    app = create_app(TestingConfig, **{**database.config, **config})
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        database.create()
        try:
            yield app
        finally:
            database.release()


@pytest.fixture(scope="session", autouse=True)
def _postgres_schemas():
    yield
    if POSTGRES is not None:
        POSTGRES.close()


@pytest.fixture(scope="session")
def _default_app(tmp_path_factory):
    """The app most tests use, built once per run: building one takes about 0.3 s (the URL rules and
    the API's OpenAPI document), which over the whole suite was most of its time. Each test still
    gets empty tables, a fresh application context and the configuration as it was built (a test
    that changes app.config changes it for itself only)."""
    database = TestDatabase(tmp_path_factory.mktemp("default-app"))
    app = create_app(TestingConfig, **database.config)
    app.test_client_class = FreshGlobalsClient
    return app, database, dict(app.config)


@pytest.fixture
def app(_default_app):
    app, database, config = _default_app
    # The one Limiter object holds the settings of the app that was initialised last (a test may
    # have built a rate-limited app of its own): give this app's back
    limiter.enabled = config["RATELIMIT_ENABLED"]
    with app.app_context():
        database.create()
        try:
            yield app
        finally:
            try:
                database.release()
            finally:
                app.config.clear()
                app.config.update(config)
                # feeds built for this test's rows: the next test's rows have the same ids and times
                app.extensions.pop("orchard_calendar_feeds", None)


@pytest.fixture
def migration_app(tmp_path):
    """An app whose database is its own even on PostgreSQL: for tests that drop the tables and run
    the migrations."""
    with app_on_empty_database(tmp_path, "migrations", own=True) as app:
        yield app


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def session(app):
    return _db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def frozen_clock(now):
    """The clock stands still at `now`, for tests of routes (they read it per request); move it on
    with frozen_clock.shift(timedelta(...)). Use it as `pytestmark = pytest.mark.usefixtures("frozen_clock")`
    for a module whose pages depend on the day."""
    with time_machine.travel(now, tick=False) as traveller:
        yield traveller


# --- factories ----------------------------------------------------------------------------------


def make_user(name=None, email=None, password=PASSWORD, workspace_name=None) -> User:
    """A user who owns a fresh workspace."""
    n = next(_seq)
    user = accounts.register_user(
        _db.session,
        name=name or f"User {n}",
        email=email or f"user{n}@example.com",
        password=password,
        workspace_name=workspace_name or f"Workspace {n}",
        hash_method="pbkdf2:sha256:1000",
    )
    _db.session.commit()
    return user


def workspace_of(user: User) -> Workspace:
    return _db.session.get(Workspace, user.current_workspace_id)


def add_member(workspace: Workspace, name=None, role=ROLE_MEMBER) -> User:
    n = next(_seq)
    user = accounts.register_user(
        _db.session,
        name=name or f"Member {n}",
        email=f"member{n}@example.com",
        password=PASSWORD,
        create_workspace=False,
        hash_method="pbkdf2:sha256:1000",
    )
    _db.session.add(Membership(workspace_id=workspace.id, user_id=user.id, role=role))
    user.current_workspace_id = workspace.id
    _db.session.commit()
    return user


def make_partner(workspace: Workspace, **overrides) -> Partner:
    n = next(_seq)
    values = {"name": f"Partner {n}", "kind": "company", "status": "active", "tier": "B", "source": "direct"}
    values.update(overrides)
    partner = Partner(workspace_id=workspace.id, **values)
    _db.session.add(partner)
    _db.session.commit()
    return partner


def make_contact(partner: Partner, **overrides) -> Contact:
    n = next(_seq)
    values = {"name": f"Contact {n}", "email": f"contact{n}@example.com"}
    values.update(overrides)
    contact = Contact(workspace_id=partner.workspace_id, partner_id=partner.id, **values)
    _db.session.add(contact)
    _db.session.commit()
    return contact


@pytest.fixture
def factories(app):
    class F:
        user = staticmethod(make_user)
        workspace_of = staticmethod(workspace_of)
        member = staticmethod(add_member)
        partner = staticmethod(make_partner)
        contact = staticmethod(make_contact)

    return F


# --- auth ---------------------------------------------------------------------------------------


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_email, password=PASSWORD):
        email = user_or_email.email if isinstance(user_or_email, User) else user_or_email
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def user(app):
    """A logged-out user owning their own workspace."""
    return make_user(name="Olga Owner", email="olga@example.com")


@pytest.fixture
def workspace(user):
    return workspace_of(user)


@pytest.fixture
def logged_in(client, auth, user):
    """A client logged in as `user` (owner of `workspace`)."""
    response = auth.login(user)
    assert response.status_code == 302
    return client


@pytest.fixture
def other(app):
    """A second user in a second workspace: their ids must be invisible to `user`."""
    other_user = make_user(name="Xavier Outsider", email="xavier@example.com")
    ws = workspace_of(other_user)
    partner = make_partner(ws, name="Outsider Partner")
    contact = make_contact(partner, name="Outsider Contact")
    return {"user": other_user, "workspace": ws, "partner": partner, "contact": contact}


@pytest.fixture
def hx():
    """Headers of an htmx (non-boosted) request."""
    return dict(HX)


# --- query counting -----------------------------------------------------------------------------


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        # transaction control and connection setup are not queries
        if not re.match(r"\s*(PRAGMA|SAVEPOINT|RELEASE|BEGIN|COMMIT|ROLLBACK)", statement, re.I):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements run."""

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()
        engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
