"""Long work done outside the request (imports, backups): one Job row per run of it.

The row is the source of truth for the page that shows the progress: the task queue only carries
"run job N", and whichever worker runs it writes its progress here, so any web process can show it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import JSONWithTexts, TextForUser, UTCDateTime, WorkspaceScoped, utcnow

# a job's status: queued -> running -> done | failed (a failed or stale one may be queued again)
JOB_FINISHED = ("done", "failed")


class Job(WorkspaceScoped, db.Model):
    __table_args__ = (Index("ix_job_workspace_subject", "workspace_id", "subject_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # "import.prepare", "import.execute", "backup.export" ...
    status: Mapped[str] = mapped_column(String(10), default="queued")
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # what to run it on, e.g. {"run_id": 7}
    subject_id: Mapped[int | None] = mapped_column(Integer)  # the row it works on (an import run), for lists
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(TextForUser)  # plain words or a Text
    result: Mapped[dict | None] = mapped_column(JSONWithTexts)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the last sign of life (queued, started, progress): a job quiet for too long is stale
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in JOB_FINISHED

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
