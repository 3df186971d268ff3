"""Imports: a run (one uploaded file, its mapping and its outcome), its rows (what each row of the
file will do, then did), and the mappings saved for the next import.

An ImportRow keeps the raw cells (`values`), what they were parsed into (`parsed`), the problems
found ({field key: message}), the duplicate it matched, the action chosen (create / update / skip)
and, once run, the result with the ids it created and, for what it updated, the column values as
they were before (`before`), so that the run can be undone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, validates

from app.extensions import db
from app.models.base import JSONWithTexts, UTCDateTime, WorkspaceScoped, utcnow

RUN_STATUSES = ("uploaded", "previewed", "running", "done", "failed", "undone")
ROW_ACTIONS = ("create", "update", "skip")


class ImportRun(WorkspaceScoped, db.Model):
    __table_args__ = (Index("ix_import_run_ws_created", "workspace_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(16))  # csv | xlsx | vcard
    recognised: Mapped[str | None] = mapped_column(String(16))  # google | outlook | linkedin | orchard
    file_data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    headers: Mapped[list] = mapped_column(JSON)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16), default="partners")
    mapping: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="uploaded")
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @validates("status")
    def _known_status(self, key, value):
        if value not in RUN_STATUSES:
            raise ValueError(f"unknown import status {value!r}")
        return value


class ImportRow(db.Model):
    __table_args__ = (
        UniqueConstraint("run_id", "number", name="uq_import_row_run_number"),
        # the rows still to run, the referrers still to set (execute picks them up where it stopped)
        Index("ix_import_row_run_result", "run_id", "result", "number"),
        Index("ix_import_row_run_referrer", "run_id", "referrer_pending", "number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1-based data row of the file
    values: Mapped[list] = mapped_column(JSON)  # the raw cells
    parsed: Mapped[dict] = mapped_column(JSONWithTexts)  # {"partner": {...}, "contacts": [...], "deal": {...}, ...}
    problems: Mapped[dict] = mapped_column(JSONWithTexts)  # {field key: message (a Text)}
    problem_count: Mapped[int] = mapped_column(Integer, default=0)  # len(problems), for filters and counts
    # (the partner foreign keys are indexed: deleting partners, e.g. an undo, looks them up here)
    match_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    match_reason: Mapped[str | None] = mapped_column(String(8))
    match_score: Mapped[float | None] = mapped_column(Float)
    same_as: Mapped[int | None] = mapped_column(Integer)  # match_reason "file": the earlier row's number
    # who referred this row's partner: another row of the file, or a partner already in the book
    referrer_row: Mapped[int | None] = mapped_column(Integer)
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    referrer_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    action: Mapped[str] = mapped_column(String(8), default="create")
    result: Mapped[str | None] = mapped_column(String(8))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    created: Mapped[dict | None] = mapped_column(JSON)  # {"partner": id, "contacts": [...], "deals": [...], ...}
    before: Mapped[dict | None] = mapped_column(JSON)  # {"partner": column values, "contacts": {id: values}}


class SavedMapping(WorkspaceScoped, db.Model):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_saved_mapping_ws_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    mapping: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
