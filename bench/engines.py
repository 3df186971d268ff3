"""Where the benchmarks keep their data: a fresh SQLite file, or a fresh schema in the PostgreSQL
database a `--database-url` names (dropped afterwards unless kept). Everything that differs between
the engines for the benchmarks is here."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool


class SqliteTarget:
    engine = "sqlite"

    def __init__(self, directory: Path, name: str):
        self.file = Path(directory) / f"{name}.db"
        self.url = f"sqlite:///{self.file}"

    def config(self) -> dict:
        return {"SQLALCHEMY_DATABASE_URI": self.url}

    def server_url(self) -> str:
        """The URL as DATABASE_URL for a server process."""
        return self.url

    def create(self) -> None:
        for path in self.file.parent.glob(self.file.name + "*"):
            path.unlink()

    def analyze(self, engine) -> None:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))

    def size_mb(self, engine) -> float:
        return round(sum(f.stat().st_size for f in self.file.parent.glob(self.file.name + "*")) / 1e6, 1)

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"

    def drop(self) -> None:
        self.create()


class PostgresTarget:
    """A schema of its own in the database the URL names (the URL's user must be allowed to create
    schemas there). The app's connections get it as their search_path."""

    engine = "postgresql"

    def __init__(self, url: str, name: str):
        self.url = url
        self.schema = re.sub(r"\W", "_", name.lower())

    def _admin(self, **options):
        return create_engine(self.url, poolclass=NullPool, **options)

    def _execute(self, *statements: str) -> None:
        engine = self._admin()
        try:
            with engine.begin() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def config(self) -> dict:
        return {
            "SQLALCHEMY_DATABASE_URI": self.url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-c search_path={self.schema}"}},
        }

    def server_url(self) -> str:
        """The URL as DATABASE_URL for a server process: the schema in libpq's `options`."""
        return (
            make_url(self.url)
            .update_query_dict({"options": f"-csearch_path={self.schema}"})
            .render_as_string(hide_password=False)
        )

    def create(self) -> None:
        self._execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE', f'CREATE SCHEMA "{self.schema}"')

    def analyze(self, engine) -> None:
        """VACUUM as well as ANALYZE: after a bulk load only a vacuum sets the visibility map that lets
        PostgreSQL answer from an index alone. Autovacuum does it on a live server some time after the
        writes; doing it here keeps the numbers from depending on when that happened to run."""
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))

    def size_mb(self, engine) -> float:
        with engine.connect() as connection:
            size = connection.execute(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'"
                ),
                {"s": self.schema},
            ).scalar()
        return round(float(size) / 1e6, 1)

    def version(self) -> str:
        engine = self._admin()
        try:
            with engine.connect() as connection:
                return "PostgreSQL " + connection.execute(text("SHOW server_version")).scalar().split()[0]
        finally:
            engine.dispose()

    def drop(self) -> None:
        self._execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def target(database_url: str | None, directory: Path, name: str):
    """The place for one benchmark database: a SQLite file in `directory` when no URL (or a SQLite
    URL) is given, else a schema named `name` in the PostgreSQL database of the URL."""
    if not database_url or make_url(database_url).get_backend_name() == "sqlite":
        return SqliteTarget(directory, name)
    if make_url(database_url).get_backend_name() != "postgresql":
        raise SystemExit(f"unsupported database: {make_url(database_url).get_backend_name()}")
    return PostgresTarget(database_url, name)
