"""Substring search in SQL: a LIKE pattern from what the user typed, matched case-insensitively."""

from __future__ import annotations


def like_pattern(text: str) -> str:
    """`%text%` for LIKE, lower-cased, with the user's own % _ and backslash taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
