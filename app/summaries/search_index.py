"""The search index (app/models/search.py): one row per findable item, kept in every flush.

The flush hook collects the items the flush touched — partners, contacts, deals, interactions,
reminders and terms added, edited, moved, deleted — and recomputes their index rows from the
sources (app/services/search/indexing.py: the same SELECT the rebuild reads), upserting those that
are findable and deleting the others; when a partner is archived or restored, its items' flag moves
with it in one statement. ORM bulk inserts (`session.execute(insert(Model), rows)`), which no flush
sees, are caught up after the statement. The vocabulary of the typo tolerance only grows between
rebuilds (a word no longer used finds nothing); the check compares the index rows.
"""

from __future__ import annotations

from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session

from app.models import Contact, Deal, Interaction, Partner, Reminder, Terms, TermsVersion
from app.models.search import SearchItem, SearchVariant
from app.services.search import engine, indexing
from app.summaries.registry import Summary

ITEMS = SearchItem.__table__
MODELS = {Partner: "partner", Contact: "contact", Deal: "deal", Interaction: "interaction", Reminder: "reminder"}
BY_TABLE = {model.__tablename__: kind for model, kind in MODELS.items()}
COMPARED = ("partner_id", "title", "body", "title_words", "words", "archived", "partner_archived", "activity_s")


def _archived_changed(partner: Partner) -> bool:
    history = inspect(partner).attrs["archived_at"].history
    return bool(history.added or history.deleted)


def after_flush(session: Session) -> None:
    touched: dict[str, set[int]] = {kind: set() for kind in indexing.KINDS}
    gone: set[tuple[str, int]] = set()
    flags: dict[int, bool] = {}
    dirty = session.dirty  # computed from the whole identity map at each read: read once
    for obj in session.new | dirty:
        kind = MODELS.get(type(obj))
        if kind is not None:
            if obj in dirty and not session.is_modified(obj):
                continue
            touched[kind].add(obj.id)
            if kind == "partner":
                touched["terms"].add(obj.id)
                if obj in dirty and _archived_changed(obj):
                    flags[obj.id] = obj.archived_at is not None
        elif isinstance(obj, (Terms, TermsVersion)):
            touched["terms"].add(obj.partner_id)
            history = inspect(obj).attrs["partner_id"].history
            touched["terms"].update(p for p in history.deleted if p is not None)
    for obj in session.deleted:
        kind = MODELS.get(type(obj))
        if kind is not None:
            gone.add((kind, obj.id))
            if kind == "partner":
                gone.add(("terms", obj.id))
        elif isinstance(obj, (Terms, TermsVersion)):
            touched["terms"].add(obj.partner_id)
    if not any(touched.values()) and not gone:
        return
    connection = session.connection()
    if gone:
        indexing.remove(connection, gone)
    for archived in (True, False):  # one statement for those archived, one for those restored
        ids = sorted(partner_id for partner_id, flag in flags.items() if flag is archived)
        if ids:
            connection.execute(update(ITEMS).where(ITEMS.c.partner_id.in_(ids)).values(partner_archived=archived))
    rows, unfindable = [], set()
    for kind, ids in touched.items():
        ids -= {i for k, i in gone if k == kind}
        if not ids:
            continue
        found = list(indexing.sources(session, kind, ids=ids))
        rows.extend(found)
        unfindable.update((kind, i) for i in ids - {r["item_id"] for r in found})
    if unfindable:
        indexing.remove(connection, unfindable)
    if rows:
        indexing.write(connection, rows)


def _after_bulk_insert(orm_execute_state) -> None:
    """`session.execute(insert(Model), rows)` of an indexed model: index what it added."""
    if not orm_execute_state.is_insert:
        return
    table = getattr(orm_execute_state.statement, "table", None)
    kind = BY_TABLE.get(getattr(table, "name", None))
    params = orm_execute_state.parameters
    if kind is None or orm_execute_state.bind_mapper is None or not params:
        return
    result = orm_execute_state.invoke_statement()
    rows = params if isinstance(params, list) else [params]
    workspaces = {row.get("workspace_id") for row in rows if isinstance(row, dict)} - {None}
    session = orm_execute_state.session
    found = list(indexing.missing(session, kind, workspaces))
    if found:
        indexing.write(session.connection(), found)
    return result


def before_flush(session: Session) -> None:
    """Partners about to be deleted: their items leave the index first (the cascade would bypass it)."""
    gone = [obj.id for obj in session.deleted if isinstance(obj, Partner) and obj.id is not None]
    if gone:
        engine.delete_partners_items(session.connection(), gone)


def rebuild(session: Session, workspace_id: int) -> int:
    connection = session.connection()
    engine.delete_workspace(connection, workspace_id)
    connection.execute(delete(SearchVariant.__table__).where(SearchVariant.workspace_id == workspace_id))
    vocabulary: set[str] = set()

    def rows():
        for kind in indexing.KINDS:
            for row in indexing.sources(session, kind, workspace_id=workspace_id):
                vocabulary.update(row["words"].split())
                yield row

    written = engine.load_workspace(connection, workspace_id, rows())
    indexing.add_words(connection, {workspace_id: vocabulary}, known_checked=True)
    return written


def stored(session: Session, workspace_id: int) -> dict:
    rows = session.execute(
        select(ITEMS.c.kind, ITEMS.c.item_id, *(ITEMS.c[name] for name in COMPARED)).where(
            ITEMS.c.workspace_id == workspace_id
        )
    )
    return {(row.kind, row.item_id): tuple(getattr(row, name) for name in COMPARED) for row in rows}


def expected(session: Session, workspace_id: int) -> dict:
    return {
        (row["kind"], row["item_id"]): tuple(row[name] for name in COMPARED)
        for kind in indexing.KINDS
        for row in indexing.sources(session, kind, workspace_id=workspace_id)
    }


if not event.contains(Session, "do_orm_execute", _after_bulk_insert):
    event.listen(Session, "do_orm_execute", _after_bulk_insert)

SUMMARY = Summary(
    name="search_index",
    description="the search index: every findable partner, contact, deal, interaction, reminder and terms",
    rebuild=rebuild,
    stored=stored,
    expected=expected,
    before_flush=before_flush,
    after_flush=after_flush,
)
