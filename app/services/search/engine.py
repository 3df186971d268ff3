"""Everything about the search index that differs between SQLite and PostgreSQL.

Both engines index the same folded words (app/services/search/folding.py), word by word, and a
query word matches a word it is a prefix of:

* SQLite: an FTS5 table over `search_item.words` (external content: the text lives once, in
  search_item; triggers keep the FTS table in step, including rows deleted by a cascade).
  `unicode61 remove_diacritics 2` tokenises what is already folded the same way.
* PostgreSQL: a GIN index over `to_tsvector('simple', words)` ('simple': no stemming, no stop words),
  queried with prefix tsqueries.

`create_ddl`/`drop_ddl` are what the migration and `create_all` run; `matches(groups)` is the
condition "every group has a word in the item", a group being (prefixes, exact words),
compiled for the engine it runs on.
"""

from __future__ import annotations

from sqlalchemy import Boolean, column, event, func, literal, literal_column, select, table, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement

from app.models.search import SearchItem

FTS_TABLE = "search_fts"
GIN_INDEX = "ix_search_item_words_tsv"

_SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(words, content='search_item', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', detail='column')",
    f"CREATE TRIGGER search_item_ai AFTER INSERT ON search_item BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, words) VALUES (new.id, new.words); END",
    f"CREATE TRIGGER search_item_ad AFTER DELETE ON search_item BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, words) VALUES ('delete', old.id, old.words); END",
    f"CREATE TRIGGER search_item_au AFTER UPDATE OF words ON search_item BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, words) VALUES ('delete', old.id, old.words); "
    f"INSERT INTO {FTS_TABLE}(rowid, words) VALUES (new.id, new.words); END",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS search_item_ai",
    "DROP TRIGGER IF EXISTS search_item_ad",
    "DROP TRIGGER IF EXISTS search_item_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
_POSTGRES_CREATE = (f"CREATE INDEX {GIN_INDEX} ON search_item USING gin (to_tsvector('simple', words))",)
_POSTGRES_DROP = (f"DROP INDEX IF EXISTS {GIN_INDEX}",)

_fts = table(FTS_TABLE, column("rowid"))


def create_ddl(dialect_name: str) -> tuple[str, ...]:
    return _POSTGRES_CREATE if dialect_name == "postgresql" else _SQLITE_CREATE


def drop_ddl(dialect_name: str) -> tuple[str, ...]:
    return _POSTGRES_DROP if dialect_name == "postgresql" else _SQLITE_DROP


def is_engine_table(name: str) -> bool:
    """A table the engine keeps for the index (FTS5 and its shadow tables): not in the models."""
    return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")


def _after_create(target, connection, **kw) -> None:
    for statement in create_ddl(connection.dialect.name):
        connection.execute(text(statement))


def _before_drop(target, connection, **kw) -> None:
    for statement in drop_ddl(connection.dialect.name):
        connection.execute(text(statement))


if not event.contains(SearchItem.__table__, "after_create", _after_create):
    event.listen(SearchItem.__table__, "after_create", _after_create)
    event.listen(SearchItem.__table__, "before_drop", _before_drop)


def _fts5_query(groups) -> str:
    def one(prefixes, exact):
        alternatives = [f'"{p}"*' for p in prefixes] + [f'"{w}"' for w in exact]
        return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"

    return " AND ".join(one(p, e) for p, e in groups)


def _tsquery(groups) -> str:
    def one(prefixes, exact):
        alternatives = [f"{p}:*" for p in prefixes] + list(exact)
        return alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"

    return " & ".join(one(p, e) for p, e in groups)


class Matches(ColumnElement):
    """search_item rows with a word for every group; groups: [(prefixes, exact words)], each word
    folded (letters and digits only, so nothing in them is query syntax). Compiled per engine, so the
    code that builds a query needs no dialect."""

    type = Boolean()
    inherit_cache = False

    def __init__(self, groups):
        self.groups = tuple((tuple(p), tuple(e)) for p, e in groups)


@compiles(Matches, "postgresql")
def _matches_postgresql(element, compiler, **kw):
    condition = func.to_tsvector(literal_column("'simple'"), SearchItem.words).op("@@")(
        func.to_tsquery(literal_column("'simple'"), literal(_tsquery(element.groups)))
    )
    return compiler.process(condition, **kw)


@compiles(Matches)
def _matches_sqlite(element, compiler, **kw):
    condition = SearchItem.id.in_(
        select(_fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(literal(_fts5_query(element.groups))))
    )
    return compiler.process(condition, **kw)


def matches(groups) -> ColumnElement[bool]:
    return Matches(groups)
