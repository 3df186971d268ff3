"""Everything about the search index that differs between SQLite and PostgreSQL.

Both engines index the same folded words (app/services/search/folding.py), word by word, and a
query word matches a word it is a prefix of:

* SQLite: a contentless FTS5 table over `search_item.words` (rowid = search_item.id; the text
  lives once, in search_item). `write_items`/`delete_items` keep it in step in the same statements
  batch as the rows (FTS5 fed row by row from triggers was 20 times slower: 70 µs a row), and a
  rebuild feeds it with one INSERT … SELECT. search_item ids are never reused (AUTOINCREMENT), so
  an entry left by a cascade (a workspace deleted) can never find a new row.
  `unicode61 remove_diacritics 2` tokenises what is already folded the same way.
* PostgreSQL: a GIN index over `to_tsvector('simple', words)` ('simple': no stemming, no stop words),
  queried with prefix tsqueries; it follows the rows by itself, and rows are upserted by
  (kind, item id), so two transactions filing the same item never collide.

`create_ddl`/`drop_ddl` are what the migration and `create_all` run; `matches(groups)` is the
condition "every group has a word in the item", a group being (prefixes, exact words),
compiled for the engine it runs on.
"""

from __future__ import annotations

from sqlalchemy import Boolean, column, delete, event, func, insert, literal, literal_column, select, table, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from app.models.search import SearchItem
from app.summaries.sql import upsert

FTS_TABLE = "search_fts"
GIN_INDEX = "ix_search_item_words_tsv"

_SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(words, content='', "
    "tokenize='unicode61 remove_diacritics 2', detail='column')",
)
_SQLITE_DROP = (f"DROP TABLE IF EXISTS {FTS_TABLE}",)
_POSTGRES_CREATE = (f"CREATE INDEX {GIN_INDEX} ON search_item USING gin (to_tsvector('simple', words))",)
_POSTGRES_DROP = (f"DROP INDEX IF EXISTS {GIN_INDEX}",)

_fts = table(FTS_TABLE, column("rowid"))
_fts_insert = table(FTS_TABLE, column("search_fts"), column("rowid"), column("words")).insert()
ITEMS = SearchItem.__table__


def create_ddl(dialect_name: str) -> tuple[str, ...]:
    return _POSTGRES_CREATE if dialect_name == "postgresql" else _SQLITE_CREATE


def drop_ddl(dialect_name: str) -> tuple[str, ...]:
    return _POSTGRES_DROP if dialect_name == "postgresql" else _SQLITE_DROP


def is_engine_object(type_: str, name: str) -> bool:
    """What the engine keeps for the index and the models do not describe: SQLite's FTS5 table and
    its shadow tables, PostgreSQL's GIN expression index (for the models-vs-migrations comparison)."""
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")
    return type_ == "index" and name == GIN_INDEX


def _after_create(target, connection, **kw) -> None:
    for statement in create_ddl(connection.dialect.name):
        connection.execute(text(statement))


def _before_drop(target, connection, **kw) -> None:
    for statement in drop_ddl(connection.dialect.name):
        connection.execute(text(statement))


if not event.contains(SearchItem.__table__, "after_create", _after_create):
    event.listen(SearchItem.__table__, "after_create", _after_create)
    event.listen(SearchItem.__table__, "before_drop", _before_drop)


def write_items(connection, rows: list[dict]) -> None:
    """Insert or replace index rows (by kind and item id), and the engine's index with them."""
    if connection.dialect.name == "postgresql":
        upsert(
            connection, ITEMS, rows, ["kind", "item_id"], update=[c for c in rows[0] if c not in ("kind", "item_id")]
        )
        return
    keys = [(r["kind"], r["item_id"]) for r in rows]
    delete_items(connection, keys)  # writers are serialised on SQLite: nobody files the same item meanwhile
    connection.execute(insert(ITEMS), rows)
    for kind, ids in _by_kind(keys).items():
        fresh = select(ITEMS.c.id, ITEMS.c.words).where(ITEMS.c.kind == kind, ITEMS.c.item_id.in_(ids))
        connection.execute(_fts_insert.from_select(["rowid", "words"], fresh))


def _by_kind(keys) -> dict[str, list[int]]:
    by_kind: dict[str, list[int]] = {}
    for kind, item_id in keys:
        by_kind.setdefault(kind, []).append(item_id)
    return by_kind


def delete_items(connection, keys) -> None:
    """Delete index rows by (kind, item id), and their entries in the engine's index."""
    for kind, ids in _by_kind(keys).items():
        _delete_where(connection, (ITEMS.c.kind == kind) & ITEMS.c.item_id.in_(ids))


def delete_partners_items(connection, partner_ids) -> None:
    """Before partners are deleted (their rows would go by the cascade, past the engine's index)."""
    _delete_where(connection, ITEMS.c.partner_id.in_(list(partner_ids)))


def delete_workspace(connection, workspace_id: int) -> None:
    _delete_where(connection, ITEMS.c.workspace_id == workspace_id)


def _delete_where(connection, where) -> None:
    if connection.dialect.name != "postgresql":
        old = select(literal("delete"), ITEMS.c.id, ITEMS.c.words).where(where)
        connection.execute(_fts_insert.from_select(["search_fts", "rowid", "words"], old))
    connection.execute(delete(ITEMS).where(where))


def load_workspace(connection, workspace_id: int, rows) -> int:
    """A rebuild's rows (an iterable of dicts), inserted in batches; the engine's index fed at the end."""
    written, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= 5000:
            connection.execute(insert(ITEMS), batch)
            written, batch = written + len(batch), []
    if batch:
        connection.execute(insert(ITEMS), batch)
        written += len(batch)
    if connection.dialect.name != "postgresql":
        fresh = select(ITEMS.c.id, ITEMS.c.words).where(ITEMS.c.workspace_id == workspace_id)
        connection.execute(_fts_insert.from_select(["rowid", "words"], fresh))
    return written


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
    # Cached as any statement: the query strings are bound parameters, so a search compiles once
    # per shape of query, not at every request (4 ms a statement)
    inherit_cache = True
    _traverse_internals = [
        ("fts5_query", InternalTraversal.dp_clauseelement),
        ("tsquery", InternalTraversal.dp_clauseelement),
    ]
    _is_implicitly_boolean = True  # a condition as it is (not "= 1" on engines without booleans)

    def __init__(self, groups):
        groups = tuple((tuple(p), tuple(e)) for p, e in groups)
        self.fts5_query = literal(_fts5_query(groups))
        self.tsquery = literal(_tsquery(groups))


@compiles(Matches, "postgresql")
def _matches_postgresql(element, compiler, **kw):
    condition = func.to_tsvector(literal_column("'simple'"), SearchItem.words).op("@@")(
        func.to_tsquery(literal_column("'simple'"), element.tsquery)
    )
    return compiler.process(condition, **kw)


@compiles(Matches)
def _matches_sqlite(element, compiler, **kw):
    condition = SearchItem.id.in_(select(_fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(element.fts5_query)))
    return compiler.process(condition, **kw)


def matches(groups) -> ColumnElement[bool]:
    return Matches(groups)
