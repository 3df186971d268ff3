"""One seed gives the same demo data on every engine: the generator draws from id lists it reads back
from the database, so each of those reads must be ordered (an unordered SELECT comes back in a
different order on PostgreSQL than on SQLite, and so would every choice made from it).

The test generates the demo on the engine under test and on a SQLite file, and compares a digest of
every generated row (ids replaced by their position, tokens left out) table by table."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.services import accounts
from app.services.demo import generate
from config import TestingConfig
from tests.conftest import NOW

SEED, PARTNERS = 7, 400
# the tables the demo fills (the summaries are derived from them and checked elsewhere)
TABLES = (
    "user",
    "membership",
    "partner",
    "contact",
    "referral",
    "referral_change",
    "deal",
    "terms",
    "terms_version",
    "commission",
    "statement_link",
    "interaction",
    "reminder",
)
SECRET_PARTS = ("hash", "token")


def _value(value, column, first_ids):
    if value is None:
        return None
    for fk in column.foreign_keys:  # an id: its position in the referenced table
        return value - first_ids.get(fk.column.table.name, 0)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def demo_digest(session) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of every row's values in id order)} for the demo's tables."""
    tables = db.metadata.tables
    first_ids = {
        name: session.scalar(select(func.min(tables[name].c.id))) or 0 for name in TABLES if "id" in tables[name].c
    }
    digest = {}
    for name in TABLES:
        table = tables[name]
        columns = [c for c in table.columns if c.name != "id" and not any(p in c.name for p in SECRET_PARTS)]
        rows = session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
        text = "\n".join(repr([_value(v, c, first_ids) for v, c in zip(row, columns, strict=True)]) for row in rows)
        digest[name] = (len(rows), hashlib.sha256(text.encode()).hexdigest()[:16])
    return digest


def fill(session) -> None:
    owner = accounts.register_user(
        session,
        name="Demo Owner",
        email="demo@example.com",
        password="demo password 123",
        create_workspace=False,
        hash_method="pbkdf2:sha256:1000",
    )
    workspace = accounts.create_workspace_for(session, owner, "Demo Studio")
    owner.current_workspace_id = workspace.id
    generate(session, workspace, seed=SEED, partners=PARTNERS, now=NOW)
    session.commit()


def sqlite_digest(directory) -> dict[str, tuple[int, str]]:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{directory / 'demo-sqlite.db'}")
    with app.app_context():
        db.create_all()
        try:
            fill(db.session)
            return demo_digest(db.session)
        finally:
            db.session.remove()
            db.engine.dispose()


def test_one_seed_gives_the_same_data_on_this_engine_as_on_sqlite(session, tmp_path, frozen_clock):
    fill(session)
    here = demo_digest(session)
    assert here["partner"][0] == PARTNERS and here["contact"][0] > PARTNERS
    assert all(rows for rows, _ in here.values()), here  # every table got data: the digest covers them all
    assert here == sqlite_digest(tmp_path)
