"""The tests' databases: a new SQLite file per app, or, when TEST_DATABASE_URL names a PostgreSQL
database, schemas of this run in that database (see PostgresTestDatabase). Used by the app fixtures
in tests/conftest.py (app_on_empty_database) and by the browser tests' live server."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app.extensions import db as _db
from config import TestingConfig

# On PostgreSQL a statement waiting this long for a lock fails instead of hanging the run (a test
# that keeps a transaction open while dropping or emptying tables from another connection).
LOCK_TIMEOUT = "20s"


class PostgresTestDatabase:
    """The PostgreSQL database TEST_DATABASE_URL names, used only through this run's own schemas
    (named after the process, so two runs on one database never meet):

    - the shared schema: its tables are created once and emptied (rows deleted, sequences restarted)
      after each test, which is much quicker than creating them per test;
    - a schema of its own for an app that drops tables or runs migrations, or lives alongside
      other apps (the browser tests' server); created empty and dropped afterwards."""

    def __init__(self, url: str):
        self.url = url
        self.prefix = f"test_{os.getpid()}"
        self.shared = f"{self.prefix}_shared"
        self._admin = None
        self._empty_shared_sql = None  # set once the shared tables exist
        self._shared_in_use = False

    def schema(self, name: str | None) -> str:
        return f"{self.prefix}_{name}" if name else self.shared

    def config(self, schema: str) -> dict:
        return {
            "SQLALCHEMY_DATABASE_URI": self.url,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "connect_args": {"options": f"-c search_path={schema} -c lock_timeout={LOCK_TIMEOUT}"}
            },
        }

    def _execute(self, *statements: str) -> None:
        if self._admin is None:
            self._admin = create_engine(self.url, poolclass=NullPool)
        with self._admin.begin() as connection:
            connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            for statement in statements:
                connection.execute(text(statement))

    def create_schema(self, schema: str) -> None:
        self._execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', f'CREATE SCHEMA "{schema}"')

    def drop_schema(self, schema: str) -> None:
        self._execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def open_shared(self) -> None:
        """Inside the app context of an app configured for the shared schema."""
        if self._shared_in_use:
            raise RuntimeError("two apps on the shared tables at once: give one a database of its own")
        self._shared_in_use = True
        if self._empty_shared_sql is None:
            self.create_schema(self.shared)
            _db.create_all()
            sequences = _db.session.scalars(
                text("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = :s"),
                {"s": self.shared},
            ).all()
            _db.session.commit()
            self._empty_shared_sql = "; ".join(
                [f'DELETE FROM "{table.name}"' for table in reversed(_db.metadata.sorted_tables)]
                + [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
            )

    def empty_shared(self) -> None:
        """Delete every row the test left, after its session is closed."""
        try:
            with _db.engine.begin() as connection:
                connection.exec_driver_sql(self._empty_shared_sql)
        except Exception:
            self._empty_shared_sql = None  # made afresh for the next test
            raise
        finally:
            self._shared_in_use = False

    def close(self) -> None:
        if self._admin is not None:
            self.drop_schema(self.shared)
            self._admin.dispose()


POSTGRES = (
    PostgresTestDatabase(TestingConfig.SQLALCHEMY_DATABASE_URI)
    if make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).get_backend_name() == "postgresql"
    else None
)


_sqlite_template: Path | None = None  # a file with every table and no rows, made once per run


def _create_sqlite_tables(path: Path) -> None:
    """Empty tables in the SQLite file `path` (not opened yet): a copy of the run's template file,
    which is made by create_all the first time (a file copy is far quicker than creating the tables)."""
    global _sqlite_template
    if _sqlite_template is None:
        _db.create_all()
        _db.session.remove()
        _db.engine.dispose()
        folder = tempfile.mkdtemp(prefix="orchard-schema-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = Path(folder) / "template.db"
        shutil.copyfile(path, template)
        _sqlite_template = template
        return
    shutil.copyfile(_sqlite_template, path)


class TestDatabase:
    """Where one test app keeps its data. `name` tells apart several apps of one test (and names the
    SQLite file); `own=True` gives the app a database nobody else uses even on PostgreSQL (for tests
    that drop tables or run the migrations, and for apps alive while other tests run)."""

    __test__ = False  # not a test class

    def __init__(self, directory: Path, name: str = "test", *, own: bool = False):
        self.own = own or POSTGRES is None
        if POSTGRES is None:
            self.path = directory / f"{name}.db"
            self.config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.path}"}
        else:
            self.schema = POSTGRES.schema(name if own else None)
            self.config = POSTGRES.config(self.schema)

    def create(self) -> None:
        """Empty tables for the current app."""
        if POSTGRES is None:
            _create_sqlite_tables(self.path)
        elif self.own:
            POSTGRES.create_schema(self.schema)
            _db.create_all()
        else:
            POSTGRES.open_shared()

    def release(self) -> None:
        """Close the current app's connections and throw its data away."""
        _db.session.remove()
        try:
            if POSTGRES is not None and not self.own:
                POSTGRES.empty_shared()
        finally:
            _db.engine.dispose()
            if POSTGRES is not None and self.own:
                POSTGRES.drop_schema(self.schema)
            elif POSTGRES is None:
                for suffix in ("", "-wal", "-shm", "-journal"):  # the next app on this file starts empty
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
