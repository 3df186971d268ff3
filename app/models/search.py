"""The search index: one row per findable item, and the vocabulary its typo tolerance looks words up in.

Both are derived data, kept by app/summaries/search_index.py in every flush and rebuilt by
`flask summaries rebuild`. `words` holds the item's folded text (app/services/search/folding.py):
the engine's full-text index is built over it (SQLite FTS5, PostgreSQL tsvector; see
app/services/search/engine.py, which also creates those parts of the schema).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SearchItem(db.Model):
    __table_args__ = (
        # item id first: a search filtering by kind should not walk this index through every row of a kind
        UniqueConstraint("item_id", "kind", name="uq_search_item_item_kind"),
        Index("ix_search_item_partner", "partner_id"),
        {"sqlite_autoincrement": True},  # ids never reused: the FTS5 table is keyed by them
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Not indexed on purpose: a search starts from the full-text index's matches, and SQLite's planner
    # would rather walk a workspace index through every row of the workspace (10 ms at 5k partners).
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # partner, contact, deal, interaction, reminder, terms
    item_id: Mapped[int] = mapped_column(Integer)  # the item's id ("terms": the partner's)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))  # as shown
    body: Mapped[str | None] = mapped_column(Text)  # the other indexed text as written, for snippets
    title_words: Mapped[str] = mapped_column(Text)  # the title folded (ranking: matches in the name first)
    words: Mapped[str] = mapped_column(Text)  # everything findable, folded (what the full-text index holds)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)  # removed contact, completed reminder...
    partner_archived: Mapped[bool] = mapped_column(Boolean, default=False)  # its partner (or itself) archived
    activity_s: Mapped[int] = mapped_column(BigInteger, default=0)  # added / occurred (a tie-breaker)


class SearchVariant(db.Model):
    """A workspace's folded words (variant == word) and their one-letter deletions (SymSpell)."""

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True)
    variant: Mapped[str] = mapped_column(String(48), primary_key=True)
    word: Mapped[str] = mapped_column(String(48), primary_key=True)
