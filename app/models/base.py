"""Shared column types and mixins for the models."""

import json
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy import Text as SQLText
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from app.messages import TEXT_KEY, Text, from_data, to_data


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    SQLite keeps no offset, so values are stored as naive UTC and handed back aware.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Orchard stores aware UTC datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JSONWithTexts(TypeDecorator):
    """JSON whose texts for the user (app.messages.Text, anywhere inside) are kept as their
    template and params, and read back as texts: each reader sees them in their own language."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return to_data(value)

    def process_result_value(self, value, dialect):
        return from_data(value)


class TextForUser(TypeDecorator):
    """A text column holding either plain words or a Text (kept as JSON of its template and params,
    read back as a Text, so it is shown in the reader's language)."""

    impl = SQLText
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return json.dumps(to_data(value), ensure_ascii=False) if isinstance(value, Text) else value

    def process_result_value(self, value, dialect):
        if isinstance(value, str) and value.startswith('{"' + TEXT_KEY):
            try:
                return from_data(json.loads(value))
            except ValueError:
                return value
        return value


class ShortTextForUser(TextForUser):
    """TextForUser in a column of limited length (`ShortTextForUser(300)`): a Text whose JSON would
    not fit is kept as its English, cut to the length."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        stored = super().process_bind_param(value, dialect)
        length = self.impl.length
        if isinstance(value, Text) and len(stored) > length:
            return value.english[:length]
        return stored[:length] if isinstance(stored, str) else stored


class WorkspaceScoped:
    """Every domain row belongs to one workspace: the tenancy boundary."""

    @declared_attr
    def workspace_id(cls) -> Mapped[int]:
        return mapped_column(Integer, ForeignKey("workspace.id", ondelete="CASCADE"), index=True)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
