"""What the index holds for each kind of item, read from the sources, and how it is written.

One SELECT per kind gives the source rows (all of a workspace's for a rebuild, or just the items a
flush touched), `_row` turns one into an index row (folded in Python, so both engines index the same
words), and `write` upserts them by (kind, item id) and adds their new words to the vocabulary.
The flush hook (app/summaries/search_index.py), the rebuild and the check all go through `sources`,
so an index kept up incrementally is the index a rebuild makes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import and_, exists, false, literal, null, select
from sqlalchemy.dialects import postgresql, sqlite

from app.models import Contact, Deal, Interaction, Partner, Reminder, Terms, TermsVersion
from app.models.search import SearchItem, SearchVariant
from app.services.search import engine
from app.services.search.folding import MIN_VOCABULARY_LENGTH, fold, phone_forms, variants

ITEMS = SearchItem.__table__
VARIANTS = SearchVariant.__table__
TITLE_LENGTH = 200
MAX_WORD = 48
CHUNK = 500
_ARCHIVED = Partner.archived_at.is_not(None)


def _source(kind: str):
    """(SELECT of the kind's source rows with the columns `_row` reads, its item id column)."""
    if kind == "partner":
        stmt = select(
            Partner.id.label("item_id"),
            Partner.workspace_id,
            Partner.id.label("partner_id"),
            Partner.name.label("title"),
            Partner.website.label("b1"),
            Partner.notes.label("b2"),
            Partner.no_prospects_reason.label("b3"),
            literal(None).label("phone"),
            false().label("archived"),
            _ARCHIVED.label("partner_archived"),
            Partner.created_at.label("at"),
        )
        return stmt, Partner.id
    if kind == "contact":
        stmt = select(
            Contact.id.label("item_id"),
            Contact.workspace_id,
            Contact.partner_id,
            Contact.name.label("title"),
            Contact.role.label("b1"),
            Contact.email.label("b2"),
            Contact.phone.label("b3"),
            Contact.phone.label("phone"),
            Contact.removed_at.is_not(None).label("archived"),
            _ARCHIVED.label("partner_archived"),
            Contact.created_at.label("at"),
        ).join(Partner, Partner.id == Contact.partner_id)
        return stmt, Contact.id
    if kind == "deal":
        stmt = select(
            Deal.id.label("item_id"),
            Deal.workspace_id,
            Deal.partner_id,
            Deal.title.label("title"),
            Deal.notes.label("b1"),
            null().label("b2"),
            null().label("b3"),
            null().label("phone"),
            false().label("archived"),
            _ARCHIVED.label("partner_archived"),
            Deal.created_at.label("at"),
        ).join(Partner, Partner.id == Deal.partner_id)
        return stmt, Deal.id
    if kind == "interaction":
        stmt = (
            select(
                Interaction.id.label("item_id"),
                Interaction.workspace_id,
                Interaction.partner_id,
                Interaction.summary.label("title"),
                null().label("b1"),
                null().label("b2"),
                null().label("b3"),
                null().label("phone"),
                false().label("archived"),
                _ARCHIVED.label("partner_archived"),
                Interaction.occurred_at.label("at"),
            )
            .join(Partner, Partner.id == Interaction.partner_id)
            .where(Interaction.deleted_at.is_(None), Interaction.summary.is_not(None), Interaction.summary != "")
        )
        return stmt, Interaction.id
    if kind == "reminder":
        stmt = select(
            Reminder.id.label("item_id"),
            Reminder.workspace_id,
            Reminder.partner_id,
            Reminder.title.label("title"),
            Reminder.notes.label("b1"),
            null().label("b2"),
            null().label("b3"),
            null().label("phone"),
            Reminder.completed_at.is_not(None).label("archived"),
            and_(Partner.id.is_not(None), _ARCHIVED).label("partner_archived"),
            Reminder.created_at.label("at"),
        ).outerjoin(Partner, Partner.id == Reminder.partner_id)
        return stmt, Reminder.id
    if kind == "terms":
        stmt = (
            select(
                TermsVersion.partner_id.label("item_id"),
                TermsVersion.workspace_id,
                TermsVersion.partner_id,
                literal("").label("title"),
                TermsVersion.clauses.label("b1"),
                null().label("b2"),
                null().label("b3"),
                null().label("phone"),
                false().label("archived"),
                _ARCHIVED.label("partner_archived"),
                TermsVersion.changed_at.label("at"),
            )
            .join(Terms, and_(Terms.partner_id == TermsVersion.partner_id, Terms.version == TermsVersion.version))
            .join(Partner, Partner.id == TermsVersion.partner_id)
            .where(TermsVersion.clauses.is_not(None), TermsVersion.clauses != "")
        )
        return stmt, TermsVersion.partner_id
    raise KeyError(kind)


KINDS = ("partner", "contact", "deal", "interaction", "reminder", "terms")


def _row(kind: str, src) -> dict | None:
    title = " ".join((src.title or "").split())
    parts = [p for p in (src.b1, src.b2, src.b3) if p]
    body = "\n".join(parts) if parts else None
    if kind == "interaction" and len(title) > TITLE_LENGTH:
        body = src.title  # the whole summary, for the snippet
    title_words = fold(title)
    found = " ".join(f for f in (title_words, *(fold(p) for p in parts), *phone_forms(src.phone)) if f)
    if not found:
        return None
    return {
        "workspace_id": src.workspace_id,
        "kind": kind,
        "item_id": src.item_id,
        "partner_id": src.partner_id,
        "title": title[:TITLE_LENGTH],
        "body": body,
        "title_words": title_words,
        "words": found,
        "archived": bool(src.archived),
        "partner_archived": bool(src.partner_archived),
        "activity_s": int(src.at.timestamp()) if src.at else 0,
    }


def sources(session, kind: str, *, workspace_id: int | None = None, ids: Iterable[int] | None = None) -> Iterator[dict]:
    """Index rows of `kind` from the sources: a workspace's, or those of the item ids given."""
    stmt, id_column = _source(kind)
    if workspace_id is not None:
        stmt = stmt.where(id_column.table.c.workspace_id == workspace_id)
    listed = None if ids is None else sorted(set(ids))
    chunks = [None] if listed is None else [listed[i : i + CHUNK] for i in range(0, len(listed), CHUNK)]
    for chunk in chunks:
        part = stmt if chunk is None else stmt.where(id_column.in_(chunk))
        for src in session.execute(part.execution_options(yield_per=5000)):
            row = _row(kind, src)
            if row is not None:
                yield row


def missing(session, kind: str, workspace_ids: Iterable[int]) -> Iterator[dict]:
    """Index rows of items of `kind` in the workspaces that the index does not hold (after bulk inserts)."""
    stmt, id_column = _source(kind)
    held = exists().where(ITEMS.c.kind == kind, ITEMS.c.item_id == id_column)
    stmt = stmt.where(id_column.table.c.workspace_id.in_(list(workspace_ids)), ~held)
    for src in session.execute(stmt):
        row = _row(kind, src)
        if row is not None:
            yield row


def _insert_for(connection):
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(VARIANTS)


def add_words(connection, by_workspace: dict[int, set[str]], *, known_checked: bool = False) -> None:
    """Put the words (and their deletion variants) into the workspaces' vocabularies."""
    for workspace_id, found in by_workspace.items():
        new = {w for w in found if MIN_VOCABULARY_LENGTH <= len(w) <= MAX_WORD and not w.isdigit()}
        if not known_checked and new:
            listed = sorted(new)
            for i in range(0, len(listed), CHUNK):
                part = listed[i : i + CHUNK]
                new -= set(
                    connection.execute(
                        select(VARIANTS.c.word).where(
                            VARIANTS.c.workspace_id == workspace_id,
                            VARIANTS.c.variant.in_(part),
                            VARIANTS.c.word == VARIANTS.c.variant,
                        )
                    ).scalars()
                )
        rows = [
            {"workspace_id": workspace_id, "variant": v, "word": w} for w in sorted(new) for v in sorted(variants(w))
        ]
        for i in range(0, len(rows), CHUNK * 4):
            connection.execute(_insert_for(connection).on_conflict_do_nothing(), rows[i : i + CHUNK * 4])


def write(connection, rows: list[dict]) -> None:
    """File index rows (replacing those of the same items) and add their words to the vocabulary."""
    by_workspace: dict[int, set[str]] = {}
    for i in range(0, len(rows), CHUNK):
        engine.write_items(connection, rows[i : i + CHUNK])
    for row in rows:
        by_workspace.setdefault(row["workspace_id"], set()).update(row["words"].split())
    add_words(connection, by_workspace)


def remove(connection, keys: Iterable[tuple[str, int]]) -> None:
    keys = sorted(set(keys))
    for i in range(0, len(keys), CHUNK):
        engine.delete_items(connection, keys[i : i + CHUNK])
