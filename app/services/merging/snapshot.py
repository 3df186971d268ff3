"""What a merge keeps of the rows it touches, and how an undo compares and puts them back.

A snapshot is {table: {primary key as text: column values}} in app/services/row_values.py's one
encoding. Columns the summaries keep (a partner's contact count, a referral's place in its tree) and
bookkeeping a statement link keeps on its own (last opened) are neither compared nor put back: the
flush hooks move them as the rows move back.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.messages import N_, Text
from app.models import (
    Commission,
    Contact,
    Deal,
    Interaction,
    Partner,
    Referral,
    Reminder,
    StatementLink,
    Terms,
    TermsVersion,
)
from app.services.row_values import column_values, decode_values, restore

MODELS = {
    "partner": Partner,
    "contact": Contact,
    "deal": Deal,
    "interaction": Interaction,
    "reminder": Reminder,
    "commission": Commission,
    "statement_link": StatementLink,
    "terms": Terms,
    "terms_version": TermsVersion,
    "referral": Referral,
}
DERIVED = {
    "partner": ("contact_count",),
    "referral": ("root_id", "generation", "direct_count", "subtree_size", "subtree_depth", "updated_at"),
    "statement_link": ("last_opened_at",),
}
# What an undo says of a row changed since the merge: (its name's column, then per change the
# sentence with the name, and without one)
CHANGES = {
    "partner": (
        "name",
        {
            "deleted": (N_("the partner “%(name)s” was deleted"), N_("a partner was deleted")),
            "edited": (N_("the partner “%(name)s” was edited"), N_("a partner was edited")),
        },
    ),
    "contact": (
        "name",
        {
            "deleted": (N_("the contact “%(name)s” was deleted"), N_("a contact was deleted")),
            "edited": (N_("the contact “%(name)s” was edited"), N_("a contact was edited")),
        },
    ),
    "deal": (
        "title",
        {
            "deleted": (N_("the deal “%(name)s” was deleted"), N_("a deal was deleted")),
            "edited": (N_("the deal “%(name)s” was edited"), N_("a deal was edited")),
        },
    ),
    "interaction": (
        "summary",
        {
            "deleted": (N_("the interaction “%(name)s” was deleted"), N_("an interaction was deleted")),
            "edited": (N_("the interaction “%(name)s” was edited"), N_("an interaction was edited")),
        },
    ),
    "reminder": (
        "title",
        {
            "deleted": (N_("the reminder “%(name)s” was deleted"), N_("a reminder was deleted")),
            "edited": (N_("the reminder “%(name)s” was edited"), N_("a reminder was edited")),
        },
    ),
    "commission": (
        None,
        {
            "deleted": (None, N_("a commission entry was deleted")),
            "edited": (None, N_("a commission entry was edited")),
        },
    ),
    "statement_link": (
        "label",
        {
            "deleted": (N_("the statement link “%(name)s” was deleted"), N_("a statement link was deleted")),
            "edited": (N_("the statement link “%(name)s” was edited"), N_("a statement link was edited")),
        },
    ),
    "terms": (
        None,
        {
            "deleted": (None, N_("the terms were deleted")),
            "edited": (None, N_("the terms were edited")),
        },
    ),
    "terms_version": (
        "version",
        {
            "deleted": (N_("version %(name)s of the terms was deleted"), N_("a version of the terms was deleted")),
            "edited": (N_("version %(name)s of the terms was edited"), N_("a version of the terms was edited")),
        },
    ),
    "referral": (
        None,
        {
            "deleted": (None, N_("a referral was deleted")),
            "edited": (None, N_("a referral was edited")),
        },
    ),
}


def _pk(model):
    return model.partner_id if model is Referral else model.id


def key_of(obj) -> str:
    return str(inspect(obj).identity[0])


def take(rows: dict[str, Iterable]) -> dict[str, dict[str, dict]]:
    """The snapshot of the given rows ({table: objects})."""
    return {table: {key_of(obj): column_values(obj) for obj in objs} for table, objs in rows.items()}


def load(session: Session, table: str, keys: Iterable) -> dict[str, object]:
    """The rows of `table` with these keys, as committed now ({key: object}; missing ones left out)."""
    model = MODELS[table]
    ids = [int(key) for key in keys]
    if not ids:
        return {}
    found = session.scalars(select(model).where(_pk(model).in_(ids)).execution_options(populate_existing=True))
    return {key_of(obj): obj for obj in found}


def load_all(session: Session, snapshot: dict) -> dict[str, dict[str, object]]:
    return {table: load(session, table, rows) for table, rows in snapshot.items()}


def _compared(table: str, values: dict) -> dict:
    skipped = set(DERIVED.get(table, ()))
    return {name: value for name, value in values.items() if name not in skipped}


def _change(table: str, values: dict, change: str) -> Text:
    attr, sentences = CHANGES[table]
    named, unnamed = sentences[change]
    name = values.get(attr) if attr else None
    return Text(named, name=name) if name not in (None, "") else Text(unnamed)


def changed_since(session: Session, after: dict, loaded: dict) -> list[Text]:
    """What was changed or deleted since the snapshot `after` was taken (named, for the message)."""
    problems = []
    for table, rows in after.items():
        for key, values in rows.items():
            obj = loaded.get(table, {}).get(key)
            if obj is None:
                problems.append(_change(table, values, "deleted"))
            elif _compared(table, column_values(obj)) != _compared(table, values):
                problems.append(_change(table, values, "edited"))
    return problems


def put_back(session: Session, before: dict, loaded: dict, *, tables: Iterable[str], skip: dict | None = None) -> None:
    """Set the rows of `tables` back to `before` (recreating those deleted since), except the
    columns in DERIVED and in `skip` ({table: columns}). Terms versions are renumbered in two steps
    so the (partner, version) unique key never sees two rows at once."""
    for table in tables:
        rows = before.get(table, {})
        model = MODELS[table]
        primary_key = "partner_id" if table == "referral" else "id"
        skipped = (primary_key, *DERIVED.get(table, ()), *(skip or {}).get(table, ()))
        if table == "terms_version":
            _versions_back(session, rows)
            continue
        for key, values in rows.items():
            obj = loaded.get(table, {}).get(key)
            if obj is None:
                session.add(model(**decode_values(model, values)))
                continue
            restore(obj, values, skip=skipped)
            if "updated_at" in values and "updated_at" not in skipped:
                flag_modified(obj, "updated_at")  # as it was, not "now" (the column's onupdate)


def _versions_back(session: Session, rows: dict) -> None:
    if not rows:
        return
    table = TermsVersion.__table__
    ids = [int(key) for key in rows]
    session.flush()
    session.execute(update(table).where(table.c.id.in_(ids)).values(version=-table.c.id))
    for key, values in rows.items():
        session.execute(
            update(table)
            .where(table.c.id == int(key))
            .values(partner_id=values["partner_id"], version=values["version"])
        )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, TermsVersion):
            session.expire(obj)
