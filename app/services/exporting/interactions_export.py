"""The Activity feed as a file: every interaction its filters (member, kind) match, newest first,
times in the user's time zone. One streaming query (the feed's own statement)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from app.services.exporting.columns import BATCH, Column, Export
from app.services.interactions import activity_query

COLUMNS = (
    Column("occurred_at", "datetime", 17),
    Column("partner", "text", 28),
    Column("partner_id", "integer", 10),
    Column("kind", "text", 10),
    Column("direction", "text", 10),
    Column("contact", "text", 24),
    Column("summary", "text", 60),
    Column("logged_by", "text", 22),
)


def interaction_rows(session: Session, workspace_id: int, *, member_id: int | None, kind: str, tz) -> Iterator[tuple]:
    statement = activity_query(workspace_id, member_id=member_id, kind=kind).execution_options(yield_per=BATCH)
    for batch in session.execute(statement).partitions():
        for row in batch:
            item = row.Interaction
            yield (
                item.occurred_at.astimezone(tz).replace(second=0, microsecond=0),
                row.partner_name,
                item.partner_id,
                item.kind,
                item.direction,
                row.contact_name,
                item.summary,
                row.author_name,
            )


def interactions_export(session: Session, workspace_id: int, *, member_id: int | None, kind: str, tz) -> Export:
    return Export(
        "interactions", COLUMNS, interaction_rows(session, workspace_id, member_id=member_id, kind=kind, tz=tz)
    )
